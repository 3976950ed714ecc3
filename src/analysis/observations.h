#pragma once
// What the reconcile shell observed for one Canary before deciding. Everything here comes from
// the informer cache, the route read-back and the hooks/checks that plan() asked for; the state
// machine reads nothing else (no I/O, no clock).
#include <optional>
#include <string>
#include <vector>

#include "analysis/hooks.h"
#include "analysis/user_requests.h"
#include "common/clock.h"
#include "common/json.h"
#include "router/router.h"
#include "workload/readiness.h"

namespace pennant::analysis {

// Facts gathered without calling any webhook or metric provider; plan() needs only these.
struct Observed {
  Clock::TimePoint now{};  // wall clock for status timestamps
  // workload::podTemplateHash(target Deployment); compared with status.lastAppliedSpec.
  std::string targetRevision;
  // Current status.trackedConfigs value (workload::trackedConfigs): tracking key -> checksum.
  Json trackedConfigs = Json::object();
  // workload::haveConfigsChanged(current, status.trackedConfigs); false when tracking is off.
  bool configsChanged = false;
  // Readiness of `<target>-primary`; nullopt while it does not exist yet.
  std::optional<workload::Readiness> primary;
  // Readiness of the target (canary) Deployment.
  std::optional<workload::Readiness> canary;
  // Weights read back from the route; nullopt when unreadable or not Accepted at the current
  // generation (then the tick holds: weights not in effect must not be trusted).
  std::optional<router::Weights> route;
  std::string routeError;  // why `route` is absent, for the warning Event
  // pennant.io/promote and pennant.io/abort annotations (readUserRequests(canary.metadata)).
  UserRequests requests;
};

// One webhook call of a planned stage. `passed` = the hook answered 2xx.
struct WebhookResult {
  std::string name;
  HookType type = HookType::kRollout;
  bool passed = false;
  std::string message;  // failure detail (status, body) for the Event
};

// One metric check (metrics::CheckResult reduced to what the decision needs; see
// analysis/metric_adapter.h).
struct CheckVerdict {
  std::string name;
  bool passed = false;
  std::string message;  // ready for the failed-check Event
};

struct Observations : Observed {
  std::vector<WebhookResult> webhooks;  // results of the planned webhook stages, in run order
  std::vector<CheckVerdict> checks;     // results of the planned metric checks, in run order
  bool checksRan = false;               // the metric-check stage was run this tick
};

}  // namespace pennant::analysis
