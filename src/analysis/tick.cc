#include "analysis/tick.h"

#include <absl/time/time.h>

#include <algorithm>

#include "analysis/conditions.h"
#include "analysis/weights.h"
#include "workload/revision.h"

namespace pennant::analysis::internal {

using kube::EventType::kNormal;
using kube::EventType::kWarning;
namespace {

bool hasFinalizer(const api::Canary& canary) {
  const Json* finalizers = findPath(canary.metadata, {"finalizers"});
  if (!finalizers || !finalizers->is_array()) return false;
  return std::any_of(finalizers->begin(), finalizers->end(),
                     [](const Json& f) { return f.is_string() && f.get<std::string>() == kFinalizer; });
}

bool isDeleting(const api::Canary& canary) {
  const Json* ts = findPath(canary.metadata, {"deletionTimestamp"});
  return ts && !ts->is_null();
}

// How long until `period` has passed since the RFC 3339 time `since` (0 when it has, or when
// `since` does not parse), rounded up so a requeue never lands just before it.
std::chrono::seconds untilPassed(const std::string& since, std::chrono::seconds period, Clock::TimePoint now) {
  absl::Time start;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, since, &start, &error)) return std::chrono::seconds(0);
  auto due = absl::ToChronoTime(start) + period;
  if (now >= due) return std::chrono::seconds(0);
  return std::chrono::ceil<std::chrono::seconds>(due - now);
}

// While Pennant waits for the target to come back during deletion it looks again sooner.
constexpr std::chrono::seconds kTerminatingRequeue{5};

}  // namespace

Tick::Tick(const api::Canary& canary, const api::CanaryStatus& status, const Observed& observed, Gates& gates)
    : canary_(canary), before_(status), obs_(observed), gates_(gates), next_(status) {
  decision_.requeueAfter = analysisInterval(canary.analysis);
}

Decision Tick::run() {
  if (!handleFinalizer()) {
    if (canary_.suspend) {
      event(kNormal, "skipping canary run as object is suspended");
    } else {
      // Flagger's syncHandler: a Canary without the Promoted condition starts initializing.
      if (!findPromotedCondition(next_.conditions)) {
        next_.phase = Phase::kInitializing;
        next_.lastTransitionTime = formatRfc3339(obs_.now);
        next_.conditions = promotedConditions(next_.conditions, Phase::kInitializing, canary_.targetRef.kind, obs_.now);
      }
      if (api::isInitialising(next_.phase)) {
        initialize();
      } else {
        advance();
      }
    }
  }
  if (missing_) {
    // A stage step() needed was not run (the shell did not follow the plan): decide nothing.
    std::string reason = decision_.holdReason;
    decision_ = Decision{};
    decision_.requeueAfter = analysisInterval(canary_.analysis);
    decision_.holdReason = reason;
    next_ = before_;
  }
  decision_.status = next_;
  decision_.statusChanged = !sameStatus(next_, before_);
  return std::move(decision_);
}

bool Tick::handleFinalizer() {
  bool has = hasFinalizer(canary_);
  if (!isDeleting(canary_)) {
    if (canary_.revertOnDeletion && !has) decision_.actions.push_back(AddFinalizer{});
    if (!canary_.revertOnDeletion && has) decision_.actions.push_back(RemoveFinalizer{});
    return false;
  }
  if (!has) {
    hold("being deleted");
    return true;
  }
  if (!canary_.revertOnDeletion) {
    decision_.actions.push_back(RemoveFinalizer{});
    return true;
  }
  decision_.requeueAfter = kTerminatingRequeue;
  if (next_.phase == Phase::kTerminated) {
    decision_.actions.push_back(RemoveFinalizer{});
    return true;
  }
  if (next_.phase != Phase::kTerminating) {
    setStatusPhase(next_, canary_, Phase::kTerminating, obs_.now);
    event(kNormal, "Terminating canary " + name());
    if (!canary_.autoscalerRef.is_null()) scaler(ScalerOp::kResumeTarget);
    decision_.actions.push_back(RevertTarget{});
    return true;  // readiness observed before RevertTarget ran says nothing: look again
  }
  if (!obs_.canary || !obs_.canary->ready) {
    decision_.actions.push_back(RevertTarget{});
    hold(obs_.canary ? obs_.canary->reason : "target Deployment not found");
    return true;
  }
  decision_.actions.push_back(RevertRouting{});
  setStatusPhase(next_, canary_, Phase::kTerminated, obs_.now);
  event(kNormal, "Terminated canary " + name());
  decision_.actions.push_back(RemoveFinalizer{});
  return true;
}

void Tick::initialize() {
  if (!obs_.primary || !obs_.primary->ready) {
    if (obs_.primary && !obs_.primary->retriable) {
      event(kWarning, obs_.primary->reason);
      rollback();
      return;
    }
    std::string reason = obs_.primary ? obs_.primary->reason : canary_.targetRef.name + "-primary not found";
    event(kWarning, reason);
    hold(reason);
    return;
  }
  if (!canary_.autoscalerRef.is_null()) {
    scaler(ScalerOp::kReconcilePrimary);
    scaler(ScalerOp::kPauseTarget);
  }
  decision_.actions.push_back(ScaleCanaryToZero{});
  setRoute(0, Phase::kInitialized);
  syncStatus(next_, canary_, Phase::kInitialized, 0, 0, 0, obs_.targetRevision, obs_.trackedConfigs, obs_.now);
  event(kNormal, "Initialization done! " + name());
  alert(AlertSeverity::kInfo, "New " + canary_.targetRef.kind + " detected, initialization completed.", true);
}

std::chrono::seconds Tick::untilNextStep() const {
  return untilPassed(before_.lastTransitionTime, analysisInterval(canary_.analysis), obs_.now);
}

bool Tick::newRevision() const {
  return workload::hasSpecChanged(obs_.targetRevision, before_.lastAppliedSpec, before_.lastPromotedSpec) ||
         obs_.configsChanged;
}

void Tick::scaleDownCanary() {
  if (drainPeriod(canary_.analysis) == std::chrono::seconds(0)) {
    if (!canary_.autoscalerRef.is_null()) scaler(ScalerOp::kPauseTarget);
    decision_.actions.push_back(ScaleCanaryToZero{});
    return;
  }
  next_.draining = true;
  decision_.requeueAfter = drainPeriod(canary_.analysis);
}

std::chrono::seconds Tick::untilDrained() const {
  return untilPassed(next_.lastTransitionTime, drainPeriod(canary_.analysis), obs_.now);
}

bool Tick::finishDrain() {
  if (!next_.draining) return false;
  // A new revision scales the canary up again: nothing to drain.
  if (newRevision()) {
    next_.draining = false;
    return false;
  }
  if (auto wait = untilDrained(); wait > std::chrono::seconds(0)) {
    decision_.requeueAfter = wait;
    hold("draining the canary for " + std::to_string(wait.count()) + "s more");
    return true;
  }
  // The weights that took the traffic away must be in effect: read back, Accepted at the route's
  // generation.
  if (!obs_.route || obs_.route->canary != 0) {
    std::string reason = !obs_.route ? (obs_.routeError.empty() ? "route weights unavailable" : obs_.routeError)
                                     : "the route still sends traffic to the canary";
    hold("draining the canary: " + reason);
    return true;
  }
  if (!canary_.autoscalerRef.is_null()) scaler(ScalerOp::kPauseTarget);
  decision_.actions.push_back(ScaleCanaryToZero{});
  next_.draining = false;
  return true;
}

void Tick::advance() {
  const Phase p = next_.phase;
  if (finishDrain()) return;
  bool changed = newRevision();
  if (p == Phase::kFailed) {
    // Flagger re-syncs lastAppliedSpec while Failed, so reverting the target to the promoted
    // revision starts no run. Pennant leaves lastTransitionTime alone when nothing changed.
    if (next_.lastAppliedSpec != obs_.targetRevision || next_.trackedConfigs != obs_.trackedConfigs) {
      next_.lastAppliedSpec = obs_.targetRevision;
      next_.trackedConfigs = obs_.trackedConfigs;
      next_.lastTransitionTime = formatRfc3339(obs_.now);
    }
  }
  if (handleUserRequests()) return;
  if (!api::isActive(p) && !changed) return;

  if (!canary_.skipAnalysis) {
    if (!obs_.primary || !obs_.primary->ready) {
      std::string reason = obs_.primary ? obs_.primary->reason : canary_.targetRef.name + "-primary not found";
      event(kWarning, reason);
      if (obs_.primary && !obs_.primary->retriable) {
        if (p == Phase::kPromoting || p == Phase::kFinalising) {
          failPromotion(reason);
        } else {
          rollback();
        }
        return;
      }
      hold(reason);
      return;
    }
  }

  if (!obs_.route) {
    std::string reason = obs_.routeError.empty() ? "route weights unavailable" : obs_.routeError;
    event(kWarning, reason);
    hold(reason);
    return;
  }
  const int64_t weight = obs_.route->canary;
  const bool mirrored = obs_.route->mirrored;

  if (!api::isAnalysing(p) && p != Phase::kPromoting && p != Phase::kFinalising) {
    startRun();
    return;
  }
  if (api::isAnalysing(p) && changed) {
    if (promoteRequested()) dismissRequests("a new revision restarted the analysis");
    restartRun();
    return;
  }

  if (!obs_.canary || !obs_.canary->ready) {
    std::string reason = obs_.canary ? obs_.canary->reason : canary_.targetRef.name + " not found";
    if (obs_.canary && !obs_.canary->retriable) {
      event(kWarning, "Rolling back " + name() + " progress deadline exceeded " + reason);
      alert(AlertSeverity::kError, "Progress deadline exceeded " + reason);
      rollback();
      return;
    }
    event(kWarning, reason);
    hold(reason);
    return;
  }

  // One analysis step per interval, measured from the last status write, so a status write (which
  // re-queues the Canary through its own watch event) or a controller restart never advances
  // traffic early. New revisions, restarts and readiness are handled above without waiting.
  // A promotion the user asked for is not paced: it is the reason to look now.
  if (auto wait = untilNextStep(); wait > std::chrono::seconds(0) && !promoteRequested()) {
    decision_.requeueAfter = wait;
    hold("next analysis step in " + std::to_string(wait.count()) + "s");
    return;
  }

  if (canary_.skipAnalysis) {
    skipAnalysis();
    return;
  }

  if (p == Phase::kProgressing || p == Phase::kWaitingPromotion) {
    auto results = gates_.hooks(HookType::kRollback);
    if (!results) return missing(HookType::kRollback);
    for (const auto& r : *results) {
      if (!r.passed) {
        event(kNormal, "Rollback hook " + r.name + " not signaling a rollback");
        continue;
      }
      event(kWarning, "Rollback check " + r.name + " passed");
      event(kWarning, "Rolling back " + name() + " manual webhook invoked");
      alert(AlertSeverity::kWarn, "Rolling back manual webhook invoked");
      rollback();
      return;
    }
  }

  if (p == Phase::kPromoting) {
    if (!canary_.autoscalerRef.is_null()) scaler(ScalerOp::kReconcilePrimary);
    promotionShift(weight);
    return;
  }
  if (p == Phase::kFinalising) {
    finalise();
    return;
  }
  if (promoteRequested()) {
    promoteOnRequest();
    return;
  }
  if (next_.failedChecks >= analysisThreshold(canary_.analysis)) {
    rollback();
    return;
  }
  analyse(weight, mirrored);
}

void Tick::startRun() {
  auto results = gates_.hooks(HookType::kConfirmRollout);
  if (!results) return missing(HookType::kConfirmRollout);
  auto specs = hooksOfType(canary_, HookType::kConfirmRollout);
  for (const auto& r : *results) {
    if (r.passed) {
      event(kNormal, "Confirm-rollout check " + r.name + " passed");
      continue;
    }
    if (next_.phase != Phase::kWaiting) {
      setStatusPhase(next_, canary_, Phase::kWaiting, obs_.now);
      event(kWarning, "Halt " + name() + " advancement waiting for approval " + r.name);
      bool muted =
          std::any_of(specs.begin(), specs.end(), [&](const HookSpec& h) { return h.name == r.name && h.muteAlert; });
      if (!muted) alert(AlertSeverity::kWarn, "Canary is waiting for approval.");
    }
    return;
  }
  event(kNormal, "New revision detected! Scaling up " + target(), Phase::kProgressing);
  alert(AlertSeverity::kInfo, "New revision detected, progressing canary analysis.", true);
  if (!canary_.autoscalerRef.is_null()) scaler(ScalerOp::kResumeTarget);
  decision_.actions.push_back(ScaleCanaryFromZero{});
  syncStatus(next_, canary_, Phase::kProgressing, 0, 0, 0, obs_.targetRevision, obs_.trackedConfigs, obs_.now);
}

void Tick::restartRun() {
  event(kNormal, "New revision detected! Restarting analysis for " + target());
  setRoute(0, Phase::kProgressing);
  syncStatus(next_, canary_, Phase::kProgressing, 0, 0, 0, obs_.targetRevision, obs_.trackedConfigs, obs_.now);
}

void Tick::rollback() {
  if (next_.failedChecks >= analysisThreshold(canary_.analysis)) {
    std::string n = std::to_string(next_.failedChecks);
    event(kWarning, "Rolling back " + name() + " failed checks threshold reached " + n);
    alert(AlertSeverity::kError, "Failed checks threshold reached " + n);
  }
  setRoute(0, Phase::kFailed);
  event(kWarning, "Canary failed! Scaling down " + name(), Phase::kFailed);
  syncStatus(next_, canary_, Phase::kFailed, 0, 0, 0, obs_.targetRevision, obs_.trackedConfigs, obs_.now);
  scaleDownCanary();
  decision_.actions.push_back(RecordOutcome{false, "completed"});
  decision_.actions.push_back(RunWebhooks{HookType::kPostRollout, Phase::kFailed});
}

void Tick::failPromotion(const std::string& reason) {
  // The primary is broken mid-promotion: the canary is the only healthy copy of the new
  // revision, so traffic goes to it rather than back to the primary (Flagger 1.44).
  event(kWarning, "Promotion of " + target() + " failed, primary not ready: " + reason);
  alert(AlertSeverity::kError, "Promotion failed, primary not ready: " + reason);
  setRoute(kTotalWeight, Phase::kFailed);
  syncStatus(next_, canary_, Phase::kFailed, kTotalWeight, 0, 0, obs_.targetRevision, obs_.trackedConfigs, obs_.now);
  decision_.actions.push_back(RecordOutcome{false, "completed"});
  decision_.actions.push_back(RunWebhooks{HookType::kPostRollout, Phase::kFailed});
}

void Tick::skipAnalysis() {
  setRoute(0, Phase::kSucceeded);
  event(kNormal,
        "Copying " + target() + " template spec to " + canary_.targetRef.name + "-primary." + canary_.namespace_);
  decision_.actions.push_back(PromotePrimary{});
  if (!canary_.autoscalerRef.is_null()) scaler(ScalerOp::kReconcilePrimary);
  setStatusPhase(next_, canary_, Phase::kSucceeded, obs_.now);
  scaleDownCanary();
  decision_.actions.push_back(RecordOutcome{true, "skipped"});
  decision_.actions.push_back(RunWebhooks{HookType::kPostRollout, Phase::kSucceeded});
  event(kNormal, "Promotion completed! Canary analysis was skipped for " + target(), Phase::kSucceeded);
  alert(AlertSeverity::kInfo, "Canary analysis was skipped, promotion finished.");
}

void Tick::promotionShift(int64_t weight) {
  if (canary_.analysis.stepWeightPromotion.value_or(0) <= 0 || weight <= 0) {
    // Without stepWeightPromotion everything moves at once. (With it, Flagger stalls forever in
    // Promoting when the read-back weight is already 0; Pennant finalises instead.)
    event(kNormal, "Routing all traffic to primary");
    setRoute(0, Phase::kFinalising);
    setStatusPhase(next_, canary_, Phase::kFinalising, obs_.now);
    return;
  }
  int64_t canaryWeight = promotionWeight(canary_.analysis, weight);
  int64_t primaryWeight = kTotalWeight - canaryWeight;
  bool done = primaryWeight == kTotalWeight;
  setRoute(canaryWeight, done ? Phase::kFinalising : Phase::kPromoting);
  event(kNormal, "Advance " + name() + " primary weight " + std::to_string(primaryWeight));
  if (done) {
    setStatusPhase(next_, canary_, Phase::kFinalising, obs_.now);
  } else {
    setStatusWeight(next_, canaryWeight, obs_.now);
  }
}

void Tick::finalise() {
  // Finalising began when all traffic went to the primary; one interval has passed (the pacing
  // above), and a drain period longer than that is waited out too.
  if (auto wait = untilDrained(); wait > std::chrono::seconds(0)) {
    decision_.requeueAfter = wait;
    hold("draining the canary for " + std::to_string(wait.count()) + "s more");
    return;
  }
  if (!canary_.autoscalerRef.is_null()) scaler(ScalerOp::kPauseTarget);
  decision_.actions.push_back(ScaleCanaryToZero{});
  setStatusPhase(next_, canary_, Phase::kSucceeded, obs_.now);
  decision_.actions.push_back(RecordOutcome{true, "completed"});
  decision_.actions.push_back(RunWebhooks{HookType::kPostRollout, Phase::kSucceeded});
  event(kNormal, "Promotion completed! Scaling down " + target(), Phase::kSucceeded);
  alert(AlertSeverity::kInfo, "Canary analysis completed successfully, promotion finished.");
}

}  // namespace pennant::analysis::internal
