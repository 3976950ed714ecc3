// The analysing part of a tick: pre-rollout or rollout hooks and metric checks, then one step of
// the strategy (A/B, blue/green, canary) and the promotion gate.
#include <algorithm>

#include "analysis/conditions.h"
#include "analysis/route_state.h"
#include "analysis/tick.h"
#include "analysis/weights.h"

namespace pennant::analysis::internal {

using kube::EventType::kNormal;
using kube::EventType::kWarning;
namespace {

bool muted(const api::Canary& canary, HookType type, const std::string& hookName) {
  auto specs = hooksOfType(canary, type);
  return std::any_of(specs.begin(), specs.end(), [&](const HookSpec& h) { return h.name == hookName && h.muteAlert; });
}

}  // namespace

void Tick::analyse(int64_t weight, bool mirrored) {
  bool firstStep = weight == 0 && next_.iterations == 0 && !(canary_.analysis.mirror && mirrored);
  if (firstStep) {
    event(kNormal, "Starting canary analysis for " + target());
    if (!preRolloutPassed()) return;
  } else if (!analysisPassed()) {
    return;
  }
  switch (canary_.strategy()) {
    case api::Strategy::kAbTesting:
      runAb();
      return;
    case api::Strategy::kBlueGreen:
      runBlueGreen(mirrored);
      return;
    case api::Strategy::kCanary:
      runCanary(weight, mirrored);
      return;
  }
}

bool Tick::preRolloutPassed() {
  auto results = gates_.hooks(HookType::kPreRollout);
  if (!results) {
    missing(HookType::kPreRollout);
    return false;
  }
  for (const auto& r : *results) {
    if (!r.passed) {
      event(kWarning, "Halt " + name() + " advancement pre-rollout check " + r.name + " failed " + r.message);
      countFailedCheck();
      return false;
    }
    event(kNormal, "Pre-rollout check " + r.name + " passed");
  }
  return true;
}

bool Tick::analysisPassed() {
  auto hooks = gates_.hooks(HookType::kRollout);
  if (!hooks) {
    missing(HookType::kRollout);
    return false;
  }
  for (const auto& r : *hooks) {
    if (!r.passed) {
      event(kWarning, "Halt " + name() + " advancement external check " + r.name + " failed " + r.message);
      countFailedCheck();
      return false;
    }
  }
  auto checks = gates_.checks();
  if (!checks) {
    missingChecks();
    return false;
  }
  bool failed = false;
  for (const auto& c : *checks) {
    if (c.passed) continue;
    // One Event per failed check (Flagger stops at the first; Pennant reports each it was given).
    event(kWarning, c.message.empty() ? "Halt " + name() + " advancement " + c.name + " check failed" : c.message);
    failed = true;
  }
  if (failed) countFailedCheck();
  return !failed;
}

void Tick::countFailedCheck() { setStatusFailedChecks(next_, next_.failedChecks + 1, obs_.now); }

void Tick::runAb() {
  const int64_t total = canary_.analysis.iterations;
  if (total > next_.iterations) {
    setRoute(kTotalWeight, next_.phase);
    setStatusIterations(next_, next_.iterations + 1, obs_.now);
    event(kNormal,
          "Advance " + name() + " canary iteration " + std::to_string(next_.iterations) + "/" + std::to_string(total));
    return;
  }
  if (!promotionConfirmed()) return;
  if (total == next_.iterations) promote();
}

void Tick::runBlueGreen(bool mirrored) {
  const int64_t total = canary_.analysis.iterations;
  if (total > next_.iterations) {
    // With mirroring, requests are mirrored to the canary for the whole blue/green test.
    if (canary_.analysis.mirror && !mirrored) setRoute(0, next_.phase, true);
    setStatusIterations(next_, next_.iterations + 1, obs_.now);
    event(kNormal,
          "Advance " + name() + " canary iteration " + std::to_string(next_.iterations) + "/" + std::to_string(total));
    return;
  }
  if (!promotionConfirmed()) return;
  if (total == next_.iterations) {
    event(kNormal, canary_.analysis.mirror ? "Stop traffic mirroring and route all traffic to canary"
                                           : "Routing all traffic to canary");
    setRoute(kTotalWeight, next_.phase);
    setStatusIterations(next_, next_.iterations + 1, obs_.now);
    return;
  }
  promote();
}

void Tick::runCanary(int64_t weight, bool mirrored) {
  // analysis.mirror is a blue/green feature on Gateway API routes (Flagger's router mirrors only
  // with iterations), so the canary strategy steps weights without a mirror step.
  if (nextStepWeight(canary_.analysis, weight) <= 0) return;
  const Phase p = next_.phase;
  if (!mirrored && p != Phase::kPromoting && p != Phase::kWaitingPromotion && p != Phase::kFinalising) {
    auto results = gates_.hooks(HookType::kConfirmTrafficIncrease);
    if (!results) return missing(HookType::kConfirmTrafficIncrease);
    for (const auto& r : *results) {
      if (!r.passed) {
        event(kWarning, "Halt " + name() + " advancement waiting for traffic increase approval " + r.name);
        if (!muted(canary_, HookType::kConfirmTrafficIncrease, r.name)) {
          alert(AlertSeverity::kWarn, "Canary traffic increase is waiting for approval.");
        }
        return;
      }
      event(kNormal, "Confirm-traffic-increase check " + r.name + " passed");
    }
  }
  if (weight < maxWeight(canary_.analysis)) {
    int64_t advanced = advancedWeight(canary_.analysis, weight);
    setRoute(advanced, next_.phase);
    setStatusWeight(next_, advanced, obs_.now);
    event(kNormal, "Advance " + name() + " canary weight " + std::to_string(advanced));
    return;
  }
  if (!promotionConfirmed()) return;
  promote();
}

bool Tick::promotionConfirmed() {
  auto results = gates_.hooks(HookType::kConfirmPromotion);
  if (!results) {
    missing(HookType::kConfirmPromotion);
    return false;
  }
  for (const auto& r : *results) {
    if (r.passed) {
      event(kNormal, "Confirm-promotion check " + r.name + " passed");
      continue;
    }
    if (next_.phase != Phase::kWaitingPromotion) {
      setStatusPhase(next_, canary_, Phase::kWaitingPromotion, obs_.now);
      event(kWarning, "Halt " + name() + " advancement waiting for promotion approval " + r.name);
      if (!muted(canary_, HookType::kConfirmPromotion, r.name)) {
        alert(AlertSeverity::kWarn, "Canary promotion is waiting for approval.");
      }
    } else {
      setStatusIterations(next_, canary_.analysis.iterations - 1, obs_.now);
    }
    return false;
  }
  return true;
}

void Tick::promote() {
  event(kNormal,
        "Copying " + target() + " template spec to " + canary_.targetRef.name + "-primary." + canary_.namespace_);
  decision_.actions.push_back(PromotePrimary{});
  setStatusPhase(next_, canary_, Phase::kPromoting, obs_.now);
}

void Tick::event(kube::EventType type, std::string message, std::optional<Phase> phase) {
  decision_.actions.push_back(RecordEvent{type, std::move(message), phase.value_or(next_.phase)});
}

void Tick::alert(AlertSeverity severity, std::string message, bool withMetadata) {
  decision_.actions.push_back(SendAlert{severity, std::move(message), withMetadata});
}

void Tick::setRoute(int64_t weight, Phase p, bool mirror) {
  router::RouteState state;
  state.canaryWeight = weight;
  state.abRules = abRulesActive(canary_, p);
  state.mirror = mirror;
  decision_.actions.push_back(SetRoute{state});
}

void Tick::scaler(ScalerOp op) { decision_.actions.push_back(Autoscaler{op}); }

void Tick::hold(std::string reason) { decision_.holdReason = std::move(reason); }

void Tick::missing(HookType type) {
  missing_ = true;
  decision_.holdReason = "results of the " + std::string(hookTypeName(type)) + " webhooks missing";
}

void Tick::missingChecks() {
  missing_ = true;
  decision_.holdReason = "results of the metric checks missing";
}

std::string Tick::name() const { return canary_.name + "." + canary_.namespace_; }
std::string Tick::target() const { return canary_.targetRef.name + "." + canary_.namespace_; }

}  // namespace pennant::analysis::internal
