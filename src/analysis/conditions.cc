#include "analysis/conditions.h"

namespace pennant::analysis {
namespace {

const char* conditionStatus(Phase p) {
  if (p == Phase::kInitialized || p == Phase::kSucceeded) return "True";
  if (p == Phase::kFailed) return "False";
  return "Unknown";
}

}  // namespace

const Json* findPromotedCondition(const Json& conditions) {
  if (!conditions.is_array()) return nullptr;
  for (const Json& c : conditions) {
    if (c.is_object() && stringAt(c, {"type"}) == "Promoted") return &c;
  }
  return nullptr;
}

std::string promotedMessage(Phase p, std::string_view kind) {
  std::string k(kind);
  if (p == Phase::kInitialized) return k + " initialization completed.";
  if (p == Phase::kWaiting || p == Phase::kWaitingPromotion) return "Waiting for approval.";
  if (p == Phase::kProgressing) return "New revision detected, progressing canary analysis.";
  if (p == Phase::kPromoting) return "Canary analysis completed, starting primary rolling update.";
  if (p == Phase::kFinalising) return "Canary analysis completed, routing all traffic to primary.";
  if (p == Phase::kSucceeded) return "Canary analysis completed successfully, promotion finished.";
  if (p == Phase::kFailed) return "Canary analysis failed, " + k + " scaled to zero.";
  return "New " + k + " detected, starting initialization.";
}

Json promotedConditions(const Json& conditions, Phase p, std::string_view kind, Clock::TimePoint now) {
  const Json* current = findPromotedCondition(conditions);
  std::string status = conditionStatus(p);
  std::string stamp = formatRfc3339(now);
  if (current && stringAt(*current, {"status"}) == status && stringAt(*current, {"reason"}) == phaseName(p))
    return conditions;
  Json condition = {
      {"type", "Promoted"},
      {"status", status},
      {"lastUpdateTime", stamp},
      {"lastTransitionTime", stamp},
      {"reason", std::string(phaseName(p))},
      {"message", promotedMessage(p, kind)},
  };
  if (current && stringAt(*current, {"status"}) == status) {
    condition["lastTransitionTime"] = stringAt(*current, {"lastTransitionTime"}, stamp);
  }
  // Flagger writes only the Promoted condition; conditions of other types (Pennant's own) stay.
  Json out = Json::array();
  if (conditions.is_array()) {
    for (const Json& c : conditions) {
      if (!(c.is_object() && stringAt(c, {"type"}) == "Promoted")) out.push_back(c);
    }
  }
  out.push_back(std::move(condition));
  return out;
}

void syncStatus(api::CanaryStatus& status, const api::Canary& canary, Phase p, int64_t weight, int64_t failedChecks,
                int64_t iterations, const std::string& revision, const Json& trackedConfigs, Clock::TimePoint now) {
  status.phase = p;
  status.canaryWeight = weight;
  status.failedChecks = failedChecks;
  status.iterations = iterations;
  status.lastAppliedSpec = revision;
  status.trackedConfigs = trackedConfigs;
  if (p == Phase::kInitialized) status.lastPromotedSpec = revision;
  status.lastTransitionTime = formatRfc3339(now);
  status.conditions = promotedConditions(status.conditions, p, canary.targetRef.kind, now);
}

void setStatusPhase(api::CanaryStatus& status, const api::Canary& canary, Phase p, Clock::TimePoint now) {
  status.phase = p;
  status.lastTransitionTime = formatRfc3339(now);
  if (p != Phase::kProgressing && p != Phase::kWaiting && p != Phase::kPromoting) {
    status.canaryWeight = 0;
    status.iterations = 0;
    if (p == Phase::kWaitingPromotion) status.iterations = canary.analysis.iterations - 1;
  }
  if (p == Phase::kInitialized || p == Phase::kSucceeded) status.lastPromotedSpec = status.lastAppliedSpec;
  status.conditions = promotedConditions(status.conditions, p, canary.targetRef.kind, now);
}

void setStatusWeight(api::CanaryStatus& status, int64_t weight, Clock::TimePoint now) {
  status.canaryWeight = weight;
  status.lastTransitionTime = formatRfc3339(now);
}

void setStatusIterations(api::CanaryStatus& status, int64_t iterations, Clock::TimePoint now) {
  status.iterations = iterations;
  status.lastTransitionTime = formatRfc3339(now);
}

void setStatusFailedChecks(api::CanaryStatus& status, int64_t failedChecks, Clock::TimePoint now) {
  status.failedChecks = failedChecks;
  status.lastTransitionTime = formatRfc3339(now);
}

bool sameStatus(const api::CanaryStatus& a, const api::CanaryStatus& b) {
  return a.phase == b.phase && a.failedChecks == b.failedChecks && a.canaryWeight == b.canaryWeight &&
         a.iterations == b.iterations && a.lastAppliedSpec == b.lastAppliedSpec &&
         a.lastPromotedSpec == b.lastPromotedSpec && a.lastTransitionTime == b.lastTransitionTime &&
         a.trackedConfigs == b.trackedConfigs && a.conditions == b.conditions &&
         a.sessionAffinityCookie == b.sessionAffinityCookie &&
         a.primarySessionAffinityCookie == b.primarySessionAffinityCookie &&
         a.previousSessionAffinityCookie == b.previousSessionAffinityCookie && a.handledRequests == b.handledRequests &&
         a.draining == b.draining;
}

}  // namespace pennant::analysis
