#pragma once
// Shared builders for the analysis tests: a Flagger-style Canary, statuses and observations.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analysis/actions.h"
#include "analysis/conditions.h"
#include "analysis/observations.h"
#include "analysis/step.h"
#include "api/canary.h"
#include "common/json.h"

namespace pennant::analysis::testing {

inline const Clock::TimePoint kT0 = Clock::TimePoint(std::chrono::seconds(1'800'000'000));  // 2027-01-15T08:00:00Z
inline const Clock::TimePoint kT1 = kT0 + std::chrono::seconds(15);

// A canary-strategy Canary (stepWeight 10, maxWeight 30, threshold 2, drainPeriod 0s: Flagger's
// immediate scale-down; the drain tests set one); `patch` is a JSON merge patch over the whole
// manifest (e.g. {"spec":{"analysis":{"iterations":3}}}).
inline api::Canary makeCanary(const Json& patch = Json::object()) {
  Json manifest = {
      {"apiVersion", "flagger.app/v1beta1"},
      {"kind", "Canary"},
      {"metadata", {{"name", "podinfo"}, {"namespace", "test"}}},
      {"spec",
       {{"provider", "gatewayapi:v1"},
        {"targetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "podinfo"}}},
        {"service", {{"port", 9898}, {"gatewayRefs", Json::array({{{"name", "gw"}}})}}},
        {"analysis",
         {{"interval", "15s"}, {"threshold", 2}, {"stepWeight", 10}, {"maxWeight", 30}, {"drainPeriod", "0s"}}}}},
  };
  manifest.merge_patch(patch);
  auto canary = api::parseCanary(manifest);
  EXPECT_TRUE(canary.ok()) << canary.status();
  return canary.ok() ? *canary : api::Canary{};
}

inline Json analysisPatch(const Json& analysis) { return {{"spec", {{"analysis", analysis}}}}; }

// The actions of a rollback (stateActions(), drain period 0s).
inline const std::vector<std::string> kRollback = {"SetRoute(weight=0)", "ScaleCanaryToZero", "Failure(completed)",
                                                   "RunWebhooks(post-rollout, phase=Failed)"};

inline Json hook(const std::string& name, const std::string& type, bool muteAlert = false) {
  Json h = {{"name", name}, {"type", type}, {"url", "http://hooks.test/" + name}};
  if (muteAlert) h["muteAlert"] = true;
  return h;
}

// A status in `phase` with its Promoted condition. Default revisions: "rev2" under analysis,
// "rev1" promoted.
inline api::CanaryStatus makeStatus(Phase p, int64_t weight = 0, int64_t failedChecks = 0, int64_t iterations = 0,
                                    std::string applied = "rev2", std::string promoted = "rev1") {
  api::CanaryStatus s;
  s.phase = p;
  s.canaryWeight = weight;
  s.failedChecks = failedChecks;
  s.iterations = iterations;
  s.lastAppliedSpec = std::move(applied);
  s.lastPromotedSpec = std::move(promoted);
  s.lastTransitionTime = formatRfc3339(kT0);
  if (p != Phase::kNone) s.conditions = promotedConditions(Json::array(), p, "Deployment", kT0);
  return s;
}

inline workload::Readiness ready() { return workload::Readiness{true, true, ""}; }
inline workload::Readiness waiting(std::string reason = "waiting for rollout to finish") {
  return workload::Readiness{false, true, std::move(reason)};
}
inline workload::Readiness stuck(std::string reason = "progress deadline exceeded") {
  return workload::Readiness{false, false, std::move(reason)};
}

// Everything ready, the route at `weight`, target revision "rev2".
inline Observations makeObs(int64_t weight = 0, bool mirrored = false, std::string revision = "rev2") {
  Observations o;
  o.now = kT1;
  o.targetRevision = std::move(revision);
  o.primary = ready();
  o.canary = ready();
  o.route = router::Weights{100 - weight, weight, mirrored};
  o.checksRan = true;
  return o;
}

inline WebhookResult result(const std::string& name, HookType type, bool passed, std::string message = "") {
  return WebhookResult{name, type, passed, std::move(message)};
}

// describe() of every action except Events and Alerts (those are asserted separately).
inline std::vector<std::string> stateActions(const Decision& d) {
  std::vector<std::string> out;
  for (const auto& a : d.actions) {
    if (std::holds_alternative<RecordEvent>(a) || std::holds_alternative<SendAlert>(a)) continue;
    out.push_back(describe(a));
  }
  return out;
}

inline std::vector<std::string> eventMessages(const Decision& d) {
  std::vector<std::string> out;
  for (const auto& a : d.actions) {
    if (const auto* e = std::get_if<RecordEvent>(&a))
      out.push_back(std::string(e->type == kube::EventType::kWarning ? "W: " : "N: ") + e->message);
  }
  return out;
}

inline std::vector<std::string> alertMessages(const Decision& d) {
  std::vector<std::string> out;
  for (const auto& a : d.actions) {
    if (const auto* e = std::get_if<SendAlert>(&a)) out.push_back(e->message);
  }
  return out;
}

// The table row shape shared by the step tests.
struct Expect {
  Phase phase = Phase::kNone;
  int64_t weight = 0;
  int64_t failedChecks = 0;
  int64_t iterations = 0;
  std::vector<std::string> actions;  // stateActions()
};

struct Row {
  std::string name;
  api::Canary canary;
  api::CanaryStatus status;
  Observations obs;
  Expect expect;
};

inline void PrintTo(const Row& row, std::ostream* os) { *os << row.name; }

inline void checkRow(const Row& row) {
  Decision d = step(row.canary, row.status, row.obs);
  SCOPED_TRACE(row.name);
  EXPECT_EQ(d.status.phase, row.expect.phase);
  EXPECT_EQ(d.status.canaryWeight, row.expect.weight);
  EXPECT_EQ(d.status.failedChecks, row.expect.failedChecks);
  EXPECT_EQ(d.status.iterations, row.expect.iterations);
  EXPECT_EQ(stateActions(d), row.expect.actions);
}

}  // namespace pennant::analysis::testing
