// Analysis steps of each strategy, table-driven: canary (stepWeight, stepWeights), A/B,
// blue/green with and without mirroring, the threshold, and the confirm/rollback gates.
#include <gtest/gtest.h>

#include "fixtures.h"

namespace pennant::analysis {
namespace {

using namespace testing;  // NOLINT: the fixtures

Json withHooks(Json analysis, Json hooks) {
  analysis["webhooks"] = std::move(hooks);
  return analysis;
}

Observations failingCheck(int64_t weight, bool mirrored = false) {
  Observations o = makeObs(weight, mirrored);
  o.checks = {CheckVerdict{"error-rate", false, "Halt podinfo.test advancement error-rate 5.00 > 1"}};
  return o;
}

Observations withHook(Observations o, const std::string& name, HookType type, bool passed) {
  o.webhooks.push_back(result(name, type, passed, passed ? "" : "403 Forbidden"));
  return o;
}

const Json kMetrics = Json::array({{{"name", "error-rate"}, {"templateRef", {{"name", "error-rate"}}}}});

std::vector<Row> canaryRows() {
  api::Canary canary = makeCanary(analysisPatch({{"metrics", kMetrics}}));
  api::Canary steps = makeCanary(analysisPatch({{"stepWeight", nullptr}, {"stepWeights", {5, 25, 50}}}));
  api::Canary gated = makeCanary(analysisPatch(
      withHooks({}, {hook("traffic", "confirm-traffic-increase"), hook("promote", "confirm-promotion")})));
  api::Canary hooked = makeCanary(
      analysisPatch(withHooks({}, {hook("pre", "pre-rollout"), hook("load", "rollout"), hook("abort", "rollback")})));
  return {
      {"first step: weight 10",
       canary,
       makeStatus(Phase::kProgressing),
       makeObs(0),
       {Phase::kProgressing, 10, 0, 0, {"SetRoute(weight=10)"}}},
      {"10 -> 20",
       canary,
       makeStatus(Phase::kProgressing, 10),
       makeObs(10),
       {Phase::kProgressing, 20, 0, 0, {"SetRoute(weight=20)"}}},
      {"20 -> maxWeight 30",
       canary,
       makeStatus(Phase::kProgressing, 20),
       makeObs(20),
       {Phase::kProgressing, 30, 0, 0, {"SetRoute(weight=30)"}}},
      {"at maxWeight: promote",
       canary,
       makeStatus(Phase::kProgressing, 30),
       makeObs(30),
       {Phase::kPromoting, 30, 0, 0, {"PromotePrimary"}}},
      {"weight read back from the route, not the status",
       canary,
       makeStatus(Phase::kProgressing, 20),
       makeObs(10),
       {Phase::kProgressing, 20, 0, 0, {"SetRoute(weight=20)"}}},
      {"failed check: failedChecks+1, weight held",
       canary,
       makeStatus(Phase::kProgressing, 10),
       failingCheck(10),
       {Phase::kProgressing, 10, 1, 0, {}}},
      {"threshold reached: rollback",
       canary,
       makeStatus(Phase::kProgressing, 10, 2),
       makeObs(10),
       {Phase::kFailed, 0, 0, 0, kRollback}},
      {"threshold reached in WaitingPromotion: rollback",
       canary,
       makeStatus(Phase::kWaitingPromotion, 0, 2, -1),
       makeObs(30),
       {Phase::kFailed, 0, 0, 0, kRollback}},
      {"below threshold: the check runs",
       canary,
       makeStatus(Phase::kProgressing, 10, 1),
       failingCheck(10),
       {Phase::kProgressing, 10, 2, 0, {}}},
      {"stepWeights: 0 -> 5",
       steps,
       makeStatus(Phase::kProgressing),
       makeObs(0),
       {Phase::kProgressing, 5, 0, 0, {"SetRoute(weight=5)"}}},
      {"stepWeights: 5 -> 25",
       steps,
       makeStatus(Phase::kProgressing, 5),
       makeObs(5),
       {Phase::kProgressing, 25, 0, 0, {"SetRoute(weight=25)"}}},
      {"stepWeights: 25 -> 50",
       steps,
       makeStatus(Phase::kProgressing, 25),
       makeObs(25),
       {Phase::kProgressing, 50, 0, 0, {"SetRoute(weight=50)"}}},
      {"stepWeights: at 50: promote",
       steps,
       makeStatus(Phase::kProgressing, 50),
       makeObs(50),
       {Phase::kPromoting, 50, 0, 0, {"PromotePrimary"}}},
      {"pre-rollout fails on the first step",
       hooked,
       makeStatus(Phase::kProgressing),
       withHook(withHook(makeObs(0), "abort", HookType::kRollback, false), "pre", HookType::kPreRollout, false),
       {Phase::kProgressing, 0, 1, 0, {}}},
      {"rollout hook fails",
       hooked,
       makeStatus(Phase::kProgressing, 10),
       withHook(withHook(makeObs(10), "abort", HookType::kRollback, false), "load", HookType::kRollout, false),
       {Phase::kProgressing, 10, 1, 0, {}}},
      {"rollback hook answers 2xx: rollback",
       hooked,
       makeStatus(Phase::kProgressing, 10, 1),
       withHook(makeObs(10), "abort", HookType::kRollback, true),
       {Phase::kFailed, 0, 0, 0, kRollback}},
      {"traffic increase not confirmed: hold",
       gated,
       makeStatus(Phase::kProgressing, 10),
       withHook(makeObs(10), "traffic", HookType::kConfirmTrafficIncrease, false),
       {Phase::kProgressing, 10, 0, 0, {}}},
      {"traffic increase confirmed",
       gated,
       makeStatus(Phase::kProgressing, 10),
       withHook(makeObs(10), "traffic", HookType::kConfirmTrafficIncrease, true),
       {Phase::kProgressing, 20, 0, 0, {"SetRoute(weight=20)"}}},
      {"promotion not confirmed: WaitingPromotion",
       gated,
       makeStatus(Phase::kProgressing, 30),
       withHook(withHook(makeObs(30), "traffic", HookType::kConfirmTrafficIncrease, true), "promote",
                HookType::kConfirmPromotion, false),
       {Phase::kWaitingPromotion, 0, 0, -1, {}}},
      {"still waiting for promotion",
       gated,
       makeStatus(Phase::kWaitingPromotion, 0, 0, -1),
       withHook(makeObs(30), "promote", HookType::kConfirmPromotion, false),
       {Phase::kWaitingPromotion, 0, 0, -1, {}}},
      {"promotion confirmed: Promoting",
       gated,
       makeStatus(Phase::kWaitingPromotion, 0, 0, -1),
       withHook(makeObs(30), "promote", HookType::kConfirmPromotion, true),
       {Phase::kPromoting, 0, 0, -1, {"PromotePrimary"}}},
  };
}

std::vector<Row> iterationRows() {
  Json match = Json::array({{{"headers", {{"x-canary", {{"exact", "insider"}}}}}}});
  api::Canary ab =
      makeCanary(analysisPatch({{"stepWeight", nullptr}, {"iterations", 3}, {"match", match}, {"metrics", kMetrics}}));
  api::Canary abGated = makeCanary(analysisPatch(withHooks(
      {{"stepWeight", nullptr}, {"iterations", 3}, {"match", match}}, {hook("promote", "confirm-promotion")})));
  api::Canary bg = makeCanary(analysisPatch({{"stepWeight", nullptr}, {"iterations", 2}, {"metrics", kMetrics}}));
  api::Canary mirror = makeCanary(analysisPatch({{"stepWeight", nullptr}, {"iterations", 2}, {"mirror", true}}));
  return {
      // A/B testing: the A/B rules carry weight 100 to the canary during the analysis.
      {"A/B first iteration",
       ab,
       makeStatus(Phase::kProgressing),
       makeObs(0),
       {Phase::kProgressing, 0, 0, 1, {"SetRoute(weight=100, A/B rules)"}}},
      {"A/B iteration 2",
       ab,
       makeStatus(Phase::kProgressing, 0, 0, 1),
       makeObs(100),
       {Phase::kProgressing, 0, 0, 2, {"SetRoute(weight=100, A/B rules)"}}},
      {"A/B failed check",
       ab,
       makeStatus(Phase::kProgressing, 0, 0, 2),
       failingCheck(100),
       {Phase::kProgressing, 0, 1, 2, {}}},
      {"A/B threshold: rollback",
       ab,
       makeStatus(Phase::kProgressing, 0, 2, 2),
       makeObs(100),
       {Phase::kFailed, 0, 0, 0, kRollback}},
      {"A/B iterations done: promote",
       ab,
       makeStatus(Phase::kProgressing, 0, 0, 3),
       makeObs(100),
       {Phase::kPromoting, 0, 0, 3, {"PromotePrimary"}}},
      {"A/B promotion not confirmed",
       abGated,
       makeStatus(Phase::kProgressing, 0, 0, 3),
       withHook(makeObs(100), "promote", HookType::kConfirmPromotion, false),
       {Phase::kWaitingPromotion, 0, 0, 2, {}}},
      {"A/B waiting promotion runs the last iteration again",
       abGated,
       makeStatus(Phase::kWaitingPromotion, 0, 0, 2),
       makeObs(100),
       {Phase::kWaitingPromotion, 0, 0, 3, {"SetRoute(weight=100, A/B rules)"}}},
      // Blue/green without mirroring: no traffic until the last iteration.
      {"B/G first iteration", bg, makeStatus(Phase::kProgressing), makeObs(0), {Phase::kProgressing, 0, 0, 1, {}}},
      {"B/G iteration 2", bg, makeStatus(Phase::kProgressing, 0, 0, 1), makeObs(0), {Phase::kProgressing, 0, 0, 2, {}}},
      {"B/G failed check",
       bg,
       makeStatus(Phase::kProgressing, 0, 0, 1),
       failingCheck(0),
       {Phase::kProgressing, 0, 1, 1, {}}},
      {"B/G threshold: rollback",
       bg,
       makeStatus(Phase::kProgressing, 0, 2, 1),
       makeObs(0),
       {Phase::kFailed, 0, 0, 0, kRollback}},
      {"B/G iterations done: all traffic to the canary",
       bg,
       makeStatus(Phase::kProgressing, 0, 0, 2),
       makeObs(0),
       {Phase::kProgressing, 0, 0, 3, {"SetRoute(weight=100)"}}},
      {"B/G then promote",
       bg,
       makeStatus(Phase::kProgressing, 0, 0, 3),
       makeObs(100),
       {Phase::kPromoting, 0, 0, 3, {"PromotePrimary"}}},
      // Blue/green with mirroring: mirror for the whole test, then switch.
      {"B/G mirror: start mirroring",
       mirror,
       makeStatus(Phase::kProgressing),
       makeObs(0),
       {Phase::kProgressing, 0, 0, 1, {"SetRoute(weight=0, mirror)"}}},
      {"B/G mirror: keeps mirroring",
       mirror,
       makeStatus(Phase::kProgressing, 0, 0, 1),
       makeObs(0, true),
       {Phase::kProgressing, 0, 0, 2, {}}},
      {"B/G mirror: mirror lost, restored",
       mirror,
       makeStatus(Phase::kProgressing, 0, 0, 1),
       makeObs(0, false),
       {Phase::kProgressing, 0, 0, 2, {"SetRoute(weight=0, mirror)"}}},
      {"B/G mirror: switch to the canary",
       mirror,
       makeStatus(Phase::kProgressing, 0, 0, 2),
       makeObs(0, true),
       {Phase::kProgressing, 0, 0, 3, {"SetRoute(weight=100)"}}},
      {"B/G mirror: promote",
       mirror,
       makeStatus(Phase::kProgressing, 0, 0, 3),
       makeObs(100),
       {Phase::kPromoting, 0, 0, 3, {"PromotePrimary"}}},
  };
}

class CanaryStrategy : public ::testing::TestWithParam<Row> {};
TEST_P(CanaryStrategy, Transition) { checkRow(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Table, CanaryStrategy, ::testing::ValuesIn(canaryRows()));

class IterationStrategies : public ::testing::TestWithParam<Row> {};
TEST_P(IterationStrategies, Transition) { checkRow(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Table, IterationStrategies, ::testing::ValuesIn(iterationRows()));

TEST(AnalysisEvents, FailedCheckEventCarriesTheCheckMessage) {
  api::Canary canary = makeCanary(analysisPatch({{"metrics", kMetrics}}));
  Decision d = step(canary, makeStatus(Phase::kProgressing, 10), failingCheck(10));
  EXPECT_EQ(eventMessages(d), std::vector<std::string>{"W: Halt podinfo.test advancement error-rate 5.00 > 1"});
  EXPECT_EQ(d.status.lastTransitionTime, formatRfc3339(kT1));
}

TEST(AnalysisEvents, ThresholdRollbackAlerts) {
  Decision d = step(makeCanary(), makeStatus(Phase::kProgressing, 10, 2), makeObs(10));
  EXPECT_EQ(alertMessages(d), std::vector<std::string>{"Failed checks threshold reached 2"});
  EXPECT_EQ(eventMessages(d).front(), "W: Rolling back podinfo.test failed checks threshold reached 2");
  EXPECT_EQ(d.status.conditions[0]["status"], "False");
  EXPECT_EQ(d.status.conditions[0]["message"], "Canary analysis failed, Deployment scaled to zero.");
}

TEST(AnalysisEvents, FirstStepAnnouncesTheAnalysis) {
  Decision d = step(makeCanary(), makeStatus(Phase::kProgressing), makeObs(0));
  EXPECT_EQ(eventMessages(d), (std::vector<std::string>{"N: Starting canary analysis for podinfo.test",
                                                        "N: Advance podinfo.test canary weight 10"}));
}

TEST(AnalysisEvents, MutedGateSendsNoAlert) {
  api::Canary loud = makeCanary(analysisPatch(withHooks({}, {hook("promote", "confirm-promotion")})));
  api::Canary muted = makeCanary(analysisPatch(withHooks({}, {hook("promote", "confirm-promotion", true)})));
  Observations o = withHook(makeObs(30), "promote", HookType::kConfirmPromotion, false);
  EXPECT_EQ(alertMessages(step(loud, makeStatus(Phase::kProgressing, 30), o)),
            std::vector<std::string>{"Canary promotion is waiting for approval."});
  EXPECT_TRUE(alertMessages(step(muted, makeStatus(Phase::kProgressing, 30), o)).empty());
}

TEST(AnalysisEvents, ConfirmRolloutGateHoldsInWaiting) {
  api::Canary gated = makeCanary(analysisPatch(withHooks({}, {hook("approve", "confirm-rollout")})));
  api::CanaryStatus succeeded = makeStatus(Phase::kSucceeded, 0, 0, 0, "rev1", "rev1");
  Observations denied = withHook(makeObs(0, false, "rev2"), "approve", HookType::kConfirmRollout, false);
  Decision waiting = step(gated, succeeded, denied);
  EXPECT_EQ(waiting.status.phase, Phase::kWaiting);
  EXPECT_EQ(waiting.status.lastAppliedSpec, "rev1");  // the run has not started
  EXPECT_EQ(alertMessages(waiting), std::vector<std::string>{"Canary is waiting for approval."});
  EXPECT_TRUE(stateActions(waiting).empty());

  Decision still = step(gated, waiting.status, denied);  // Waiting again: no new alert
  EXPECT_EQ(still.status.phase, Phase::kWaiting);
  EXPECT_TRUE(alertMessages(still).empty());

  Observations approved = withHook(makeObs(0, false, "rev2"), "approve", HookType::kConfirmRollout, true);
  Decision started = step(gated, waiting.status, approved);
  EXPECT_EQ(started.status.phase, Phase::kProgressing);
  EXPECT_EQ(started.status.lastAppliedSpec, "rev2");
  EXPECT_EQ(stateActions(started), std::vector<std::string>{"ScaleCanaryFromZero"});
}

}  // namespace
}  // namespace pennant::analysis
