#include "analysis/step.h"

#include <gtest/gtest.h>

#include "analysis/plan.h"
#include "fixtures.h"

namespace pennant::analysis {
namespace {

using namespace testing;  // NOLINT: the fixtures

api::Canary withRolloutHookAndMetric() {
  return makeCanary(analysisPatch(
      {{"webhooks", {hook("load", "rollout")}}, {"metrics", {{{"name", "error-rate"}, {"query", "q"}}}}}));
}

TEST(Step, HoldsWhenAPlannedStageWasNotRun) {
  api::Canary canary = withRolloutHookAndMetric();
  Observations o = makeObs(10);  // no webhook results
  Decision d = step(canary, makeStatus(Phase::kProgressing, 10), o);
  EXPECT_FALSE(d.statusChanged);
  EXPECT_TRUE(d.actions.empty());
  EXPECT_EQ(d.holdReason, "results of the rollout webhooks missing");
  EXPECT_EQ(d.requeueAfter, std::chrono::seconds(15));
}

TEST(Step, HoldsWhenTheChecksWereNotRun) {
  api::Canary canary = withRolloutHookAndMetric();
  Observations o = makeObs(10);
  o.webhooks = {result("load", HookType::kRollout, true)};
  o.checksRan = false;
  Decision d = step(canary, makeStatus(Phase::kProgressing, 10), o);
  EXPECT_FALSE(d.statusChanged);
  EXPECT_EQ(d.holdReason, "results of the metric checks missing");
}

TEST(Step, AFailedHookDecidesWithoutTheRest) {
  api::Canary canary = makeCanary(analysisPatch({{"webhooks", {hook("a", "rollout"), hook("b", "rollout")}}}));
  Observations o = makeObs(10);
  o.webhooks = {result("a", HookType::kRollout, false, "500 boom")};  // the shell stopped after a
  Decision d = step(canary, makeStatus(Phase::kProgressing, 10), o);
  EXPECT_EQ(d.status.failedChecks, 1);
  EXPECT_EQ(eventMessages(d),
            std::vector<std::string>{"W: Halt podinfo.test advancement external check a failed 500 boom"});
}

TEST(Step, AdvancingChangesTheStatusAndStampsIt) {
  Decision d = step(makeCanary(), makeStatus(Phase::kProgressing, 10), makeObs(10));
  EXPECT_TRUE(d.statusChanged);
  EXPECT_EQ(d.status.canaryWeight, 20);
  EXPECT_EQ(d.status.lastTransitionTime, formatRfc3339(kT1));
  EXPECT_EQ(d.status.lastAppliedSpec, "rev2");  // untouched by a weight step
}

TEST(Step, IsDeterministic) {
  api::Canary canary = withRolloutHookAndMetric();
  Observations o = makeObs(10);
  o.webhooks = {result("load", HookType::kRollout, true)};
  Decision a = step(canary, makeStatus(Phase::kProgressing, 10), o);
  Decision b = step(canary, makeStatus(Phase::kProgressing, 10), o);
  EXPECT_EQ(a.actions, b.actions);
  EXPECT_TRUE(sameStatus(a.status, b.status));
}

TEST(Step, ResumesFromTheStatusAlone) {
  // A restarted controller with the same status and route decides the same next step: the
  // weight comes from the route, never jumps ahead and never falls back without a failure.
  api::Canary canary = makeCanary();
  api::CanaryStatus status = makeStatus(Phase::kProgressing, 20);
  for (int i = 0; i < 3; ++i) {
    Decision d = step(canary, status, makeObs(20));
    EXPECT_EQ(d.status.canaryWeight, 30);
    EXPECT_EQ(stateActions(d), std::vector<std::string>{"SetRoute(weight=30)"});
  }
}

TEST(Step, WalksACanaryRunEndToEnd) {
  api::Canary canary = makeCanary();
  api::CanaryStatus status = makeStatus(Phase::kSucceeded, 0, 0, 0, "rev1", "rev1");
  int64_t routeWeight = 0;
  std::vector<std::string> phases;
  for (int tick = 0; tick < 9; ++tick) {  // the last two ticks: nothing left to do
    Observations o = makeObs(routeWeight, false, "rev2");
    o.now = kT1 + tick * std::chrono::seconds(15);  // one interval per tick
    Decision d = step(canary, status, o);
    for (const auto& a : d.actions) {
      if (const auto* r = std::get_if<SetRoute>(&a)) routeWeight = r->state.canaryWeight;
    }
    status = d.status;
    phases.push_back(std::string(phaseName(status.phase)) + "/" + std::to_string(routeWeight));
  }
  EXPECT_EQ(phases,
            (std::vector<std::string>{"Progressing/0", "Progressing/10", "Progressing/20", "Progressing/30",
                                      "Promoting/30", "Finalising/0", "Succeeded/0", "Succeeded/0", "Succeeded/0"}));
  EXPECT_EQ(status.lastPromotedSpec, "rev2");
}

TEST(Step, OneAnalysisStepPerInterval) {
  api::Canary canary = makeCanary(analysisPatch({{"webhooks", {hook("load", "rollout")}}}));
  api::CanaryStatus status = makeStatus(Phase::kProgressing, 10);  // written at kT0, interval 15s
  Observations early = makeObs(10);
  early.now = kT0 + std::chrono::milliseconds(5500);
  Decision d = step(canary, status, early);
  EXPECT_FALSE(d.statusChanged);
  EXPECT_TRUE(d.actions.empty());
  EXPECT_EQ(d.requeueAfter, std::chrono::seconds(10));  // rounded up
  EXPECT_TRUE(plan(canary, status, early).stages.empty());

  // A new revision does not wait for the interval.
  Observations newer = early;
  newer.targetRevision = "rev3";
  EXPECT_EQ(stateActions(step(canary, status, newer)), std::vector<std::string>{"SetRoute(weight=0)"});

  Observations due = makeObs(10);
  due.now = kT0 + std::chrono::seconds(15);
  due.webhooks = {result("load", HookType::kRollout, true)};
  EXPECT_EQ(step(canary, status, due).status.canaryWeight, 20);
}

TEST(AnalysisSettings, IntervalAndThreshold) {
  api::Analysis a;
  a.intervalSeconds = 30;
  EXPECT_EQ(analysisInterval(a), std::chrono::seconds(30));
  a.intervalSeconds = 5;
  EXPECT_EQ(analysisInterval(a), std::chrono::seconds(10));
  a.intervalSeconds = -1;
  EXPECT_EQ(analysisInterval(a), std::chrono::seconds(60));
  a.threshold = 0;
  EXPECT_EQ(analysisThreshold(a), 1);
  a.threshold = 5;
  EXPECT_EQ(analysisThreshold(a), 5);
}

}  // namespace
}  // namespace pennant::analysis
