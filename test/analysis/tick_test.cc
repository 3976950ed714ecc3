// Lifecycle transitions of the state machine, table-driven: initialization, new revisions,
// readiness, skipAnalysis, promotion, finalising, suspend and deletion.
#include "analysis/tick.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace pennant::analysis {
namespace {

using namespace testing;  // NOLINT: the fixtures

Observations withPrimary(Observations o, std::optional<workload::Readiness> r) {
  o.primary = std::move(r);
  return o;
}
Observations withCanary(Observations o, std::optional<workload::Readiness> r) {
  o.canary = std::move(r);
  return o;
}

api::Canary deleting(bool revert, bool finalizer) {
  Json meta = {{"deletionTimestamp", "2027-01-15T08:00:10Z"}};
  if (finalizer) meta["finalizers"] = Json::array({kFinalizer});
  return makeCanary({{"metadata", meta}, {"spec", {{"revertOnDeletion", revert}}}});
}

std::vector<Row> lifecycleRows() {
  api::Canary canary = makeCanary();
  api::Canary skip = makeCanary({{"spec", {{"skipAnalysis", true}}}});
  api::Canary promotionSteps = makeCanary(analysisPatch({{"stepWeightPromotion", 20}}));
  api::Canary scaled =
      makeCanary({{"spec", {{"autoscalerRef", {{"kind", "HorizontalPodAutoscaler"}, {"name", "hpa"}}}}}});
  Observations routeUnreadable = makeObs(10);
  routeUnreadable.route.reset();
  routeUnreadable.routeError = "HTTPRoute test.podinfo parent gw is not ready";
  Observations configs = makeObs(0, false, "rev1");
  configs.configsChanged = true;
  return {
      // Initialization.
      {"new canary, primary ready: Initialized",
       canary,
       api::CanaryStatus{},
       makeObs(0, false, "rev1"),
       {Phase::kInitialized, 0, 0, 0, {"ScaleCanaryToZero", "SetRoute(weight=0)"}}},
      {"new canary with autoscaler",
       scaled,
       api::CanaryStatus{},
       makeObs(0, false, "rev1"),
       {Phase::kInitialized,
        0,
        0,
        0,
        {"Autoscaler(reconcile-primary)", "Autoscaler(pause-target)", "ScaleCanaryToZero", "SetRoute(weight=0)"}}},
      {"new canary, primary rolling out: Initializing",
       canary,
       api::CanaryStatus{},
       withPrimary(makeObs(), waiting()),
       {Phase::kInitializing, 0, 0, 0, {}}},
      {"new canary, primary missing: Initializing",
       canary,
       api::CanaryStatus{},
       withPrimary(makeObs(), std::nullopt),
       {Phase::kInitializing, 0, 0, 0, {}}},
      {"initializing, primary stuck: Failed",
       canary,
       makeStatus(Phase::kInitializing),
       withPrimary(makeObs(), stuck()),
       {Phase::kFailed, 0, 0, 0, kRollback}},
      // Waiting for a new revision.
      {"initialized, same revision: nothing",
       canary,
       makeStatus(Phase::kInitialized, 0, 0, 0, "rev1", "rev1"),
       makeObs(0, false, "rev1"),
       {Phase::kInitialized, 0, 0, 0, {}}},
      {"initialized, new revision: Progressing",
       canary,
       makeStatus(Phase::kInitialized, 0, 0, 0, "rev1", "rev1"),
       makeObs(0, false, "rev2"),
       {Phase::kProgressing, 0, 0, 0, {"ScaleCanaryFromZero"}}},
      {"succeeded, new revision: Progressing",
       canary,
       makeStatus(Phase::kSucceeded, 0, 0, 0, "rev1", "rev1"),
       makeObs(0, false, "rev2"),
       {Phase::kProgressing, 0, 0, 0, {"ScaleCanaryFromZero"}}},
      {"succeeded, config changed: Progressing",
       canary,
       makeStatus(Phase::kSucceeded, 0, 0, 0, "rev1", "rev1"),
       configs,
       {Phase::kProgressing, 0, 0, 0, {"ScaleCanaryFromZero"}}},
      {"failed, target back at the promoted revision: nothing",
       canary,
       makeStatus(Phase::kFailed, 0, 0, 0, "rev2", "rev1"),
       makeObs(0, false, "rev1"),
       {Phase::kFailed, 0, 0, 0, {}}},
      {"failed, newer revision: Progressing",
       canary,
       makeStatus(Phase::kFailed, 0, 0, 0, "rev2", "rev1"),
       makeObs(0, false, "rev3"),
       {Phase::kProgressing, 0, 0, 0, {"ScaleCanaryFromZero"}}},
      {"succeeded, new revision, route unreadable: hold",
       canary,
       makeStatus(Phase::kSucceeded, 0, 0, 0, "rev1", "rev1"),
       [&] {
         Observations o = routeUnreadable;
         o.targetRevision = "rev2";
         return o;
       }(),
       {Phase::kSucceeded, 0, 0, 0, {}}},
      // A newer revision while analysing restarts the analysis.
      {"progressing, newer revision: restart",
       canary,
       makeStatus(Phase::kProgressing, 20, 1, 0),
       makeObs(20, false, "rev3"),
       {Phase::kProgressing, 0, 0, 0, {"SetRoute(weight=0)"}}},
      {"waiting promotion, newer revision: restart",
       canary,
       makeStatus(Phase::kWaitingPromotion, 0, 0, -1),
       makeObs(30, false, "rev3"),
       {Phase::kProgressing, 0, 0, 0, {"SetRoute(weight=0)"}}},
      {"promoting, newer revision: promotion goes on",
       canary,
       makeStatus(Phase::kPromoting, 30),
       makeObs(30, false, "rev3"),
       {Phase::kFinalising, 0, 0, 0, {"SetRoute(weight=0)"}}},
      // Readiness and the route read-back.
      {"progressing, primary rolling: hold",
       canary,
       makeStatus(Phase::kProgressing, 10),
       withPrimary(makeObs(10), waiting()),
       {Phase::kProgressing, 10, 0, 0, {}}},
      {"progressing, primary stuck: rollback",
       canary,
       makeStatus(Phase::kProgressing, 10, 1),
       withPrimary(makeObs(10), stuck()),
       {Phase::kFailed, 0, 0, 0, kRollback}},
      {"promoting, primary stuck: traffic to the canary",
       canary,
       makeStatus(Phase::kPromoting, 30),
       withPrimary(makeObs(30), stuck()),
       {Phase::kFailed,
        100,
        0,
        0,
        {"SetRoute(weight=100)", "Failure(completed)", "RunWebhooks(post-rollout, phase=Failed)"}}},
      {"finalising, primary stuck: traffic to the canary",
       canary,
       makeStatus(Phase::kFinalising),
       withPrimary(makeObs(0), stuck()),
       {Phase::kFailed,
        100,
        0,
        0,
        {"SetRoute(weight=100)", "Failure(completed)", "RunWebhooks(post-rollout, phase=Failed)"}}},
      {"progressing, route unreadable: hold",
       canary,
       makeStatus(Phase::kProgressing, 10),
       routeUnreadable,
       {Phase::kProgressing, 10, 0, 0, {}}},
      {"progressing, canary rolling: hold",
       canary,
       makeStatus(Phase::kProgressing, 10),
       withCanary(makeObs(10), waiting()),
       {Phase::kProgressing, 10, 0, 0, {}}},
      {"progressing, canary past its progress deadline: rollback",
       canary,
       makeStatus(Phase::kProgressing, 20),
       withCanary(makeObs(20), stuck()),
       {Phase::kFailed, 0, 0, 0, kRollback}},
      {"promoting, canary past its progress deadline: rollback",
       canary,
       makeStatus(Phase::kPromoting, 30),
       withCanary(makeObs(30), stuck()),
       {Phase::kFailed, 0, 0, 0, kRollback}},
      // skipAnalysis.
      {"skipAnalysis, new revision: Progressing first",
       skip,
       makeStatus(Phase::kSucceeded, 0, 0, 0, "rev1", "rev1"),
       makeObs(0, false, "rev2"),
       {Phase::kProgressing, 0, 0, 0, {"ScaleCanaryFromZero"}}},
      {"skipAnalysis, progressing: promoted at once",
       skip,
       makeStatus(Phase::kProgressing),
       withPrimary(makeObs(), waiting()),
       {Phase::kSucceeded,
        0,
        0,
        0,
        {"SetRoute(weight=0)", "PromotePrimary", "ScaleCanaryToZero", "Success(skipped)",
         "RunWebhooks(post-rollout, phase=Succeeded)"}}},
      {"skipAnalysis, canary stuck: rollback",
       skip,
       makeStatus(Phase::kProgressing),
       withCanary(makeObs(), stuck()),
       {Phase::kFailed, 0, 0, 0, kRollback}},
      // Promotion and finalising.
      {"promoting: all traffic to the primary",
       canary,
       makeStatus(Phase::kPromoting, 30),
       makeObs(30),
       {Phase::kFinalising, 0, 0, 0, {"SetRoute(weight=0)"}}},
      {"promoting with stepWeightPromotion: one step",
       promotionSteps,
       makeStatus(Phase::kPromoting, 30),
       makeObs(30),
       {Phase::kPromoting, 10, 0, 0, {"SetRoute(weight=10)"}}},
      {"promoting with stepWeightPromotion: last step",
       promotionSteps,
       makeStatus(Phase::kPromoting, 10),
       makeObs(10),
       {Phase::kFinalising, 0, 0, 0, {"SetRoute(weight=0)"}}},
      {"promoting with stepWeightPromotion at 0: Finalising",
       promotionSteps,
       makeStatus(Phase::kPromoting),
       makeObs(0),
       {Phase::kFinalising, 0, 0, 0, {"SetRoute(weight=0)"}}},
      {"promoting with autoscaler",
       scaled,
       makeStatus(Phase::kPromoting, 30),
       makeObs(30),
       {Phase::kFinalising, 0, 0, 0, {"Autoscaler(reconcile-primary)", "SetRoute(weight=0)"}}},
      {"finalising: Succeeded",
       canary,
       makeStatus(Phase::kFinalising),
       makeObs(0),
       {Phase::kSucceeded,
        0,
        0,
        0,
        {"ScaleCanaryToZero", "Success(completed)", "RunWebhooks(post-rollout, phase=Succeeded)"}}},
      {"finalising, primary still rolling out: hold",
       canary,
       makeStatus(Phase::kFinalising),
       withPrimary(makeObs(0), waiting()),
       {Phase::kFinalising, 0, 0, 0, {}}},
      // suspend.
      {"suspended: nothing",
       makeCanary({{"spec", {{"suspend", true}}}}),
       makeStatus(Phase::kProgressing, 10),
       makeObs(10),
       {Phase::kProgressing, 10, 0, 0, {}}},
      // Deletion.
      {"deleted with revertOnDeletion: Terminating",
       deleting(true, true),
       makeStatus(Phase::kProgressing, 20),
       makeObs(20),
       {Phase::kTerminating, 0, 0, 0, {"RevertTarget"}}},
      {"terminating, target not ready: hold",
       deleting(true, true),
       makeStatus(Phase::kTerminating),
       withCanary(makeObs(), waiting()),
       {Phase::kTerminating, 0, 0, 0, {"RevertTarget"}}},
      {"terminating, target ready: Terminated",
       deleting(true, true),
       makeStatus(Phase::kTerminating),
       makeObs(),
       {Phase::kTerminated, 0, 0, 0, {"RevertRouting", "RemoveFinalizer"}}},
      {"terminated: finalizer removed",
       deleting(true, true),
       makeStatus(Phase::kTerminated),
       makeObs(),
       {Phase::kTerminated, 0, 0, 0, {"RemoveFinalizer"}}},
      {"deleted without revertOnDeletion: finalizer removed",
       deleting(false, true),
       makeStatus(Phase::kProgressing, 20),
       makeObs(20),
       {Phase::kProgressing, 20, 0, 0, {"RemoveFinalizer"}}},
      {"deleted, no finalizer: nothing",
       deleting(true, false),
       makeStatus(Phase::kProgressing, 20),
       makeObs(20),
       {Phase::kProgressing, 20, 0, 0, {}}},
      {"revertOnDeletion: finalizer added",
       makeCanary({{"spec", {{"revertOnDeletion", true}}}}),
       makeStatus(Phase::kSucceeded, 0, 0, 0, "rev1", "rev1"),
       makeObs(0, false, "rev1"),
       {Phase::kSucceeded, 0, 0, 0, {"AddFinalizer"}}},
  };
}

class Lifecycle : public ::testing::TestWithParam<Row> {};
TEST_P(Lifecycle, Transition) { checkRow(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Table, Lifecycle, ::testing::ValuesIn(lifecycleRows()));

TEST(Lifecycle, InitializedRecordsTheRevisionAndCondition) {
  Observations o = makeObs(0, false, "rev1");
  o.trackedConfigs = {{"configmap/podinfo", "sum"}};
  Decision d = step(makeCanary(), api::CanaryStatus{}, o);
  EXPECT_TRUE(d.statusChanged);
  EXPECT_EQ(d.status.lastAppliedSpec, "rev1");
  EXPECT_EQ(d.status.lastPromotedSpec, "rev1");
  EXPECT_EQ(d.status.trackedConfigs, o.trackedConfigs);
  EXPECT_EQ(d.status.lastTransitionTime, formatRfc3339(kT1));
  ASSERT_EQ(d.status.conditions.size(), 1u);
  EXPECT_EQ(d.status.conditions[0]["reason"], "Initialized");
  EXPECT_EQ(d.status.conditions[0]["status"], "True");
  EXPECT_EQ(eventMessages(d), std::vector<std::string>{"N: Initialization done! podinfo.test"});
  EXPECT_EQ(alertMessages(d), std::vector<std::string>{"New Deployment detected, initialization completed."});
}

TEST(Lifecycle, NewRevisionRecordsTheAppliedSpecAndAnnounces) {
  Decision d = step(makeCanary(), makeStatus(Phase::kSucceeded, 0, 0, 0, "rev1", "rev1"), makeObs(0, false, "rev2"));
  EXPECT_EQ(d.status.lastAppliedSpec, "rev2");
  EXPECT_EQ(d.status.lastPromotedSpec, "rev1");
  EXPECT_EQ(d.status.conditions[0]["reason"], "Progressing");
  EXPECT_EQ(eventMessages(d), std::vector<std::string>{"N: New revision detected! Scaling up podinfo.test"});
  EXPECT_EQ(alertMessages(d), std::vector<std::string>{"New revision detected, progressing canary analysis."});
}

TEST(Lifecycle, FailedTracksTheTargetWithoutAWriteWhenUnchanged) {
  Decision reverted =
      step(makeCanary(), makeStatus(Phase::kFailed, 0, 0, 0, "rev2", "rev1"), makeObs(0, false, "rev1"));
  EXPECT_TRUE(reverted.statusChanged);
  EXPECT_EQ(reverted.status.lastAppliedSpec, "rev1");
  Decision same = step(makeCanary(), makeStatus(Phase::kFailed, 0, 0, 0, "rev1", "rev1"), makeObs(0, false, "rev1"));
  EXPECT_FALSE(same.statusChanged);
  EXPECT_TRUE(same.actions.empty());
}

TEST(Lifecycle, SucceededRecordsThePromotedSpec) {
  Decision d = step(makeCanary(), makeStatus(Phase::kFinalising, 0, 0, 0, "rev2", "rev1"), makeObs());
  EXPECT_EQ(d.status.lastPromotedSpec, "rev2");
  EXPECT_EQ(d.status.conditions[0]["status"], "True");
  EXPECT_EQ(alertMessages(d), std::vector<std::string>{"Canary analysis completed successfully, promotion finished."});
}

TEST(Lifecycle, HoldsWriteNothing) {
  Decision d = step(makeCanary(), makeStatus(Phase::kProgressing, 10), withPrimary(makeObs(10), waiting("not yet")));
  EXPECT_FALSE(d.statusChanged);
  EXPECT_EQ(d.holdReason, "not yet");
  EXPECT_EQ(eventMessages(d), std::vector<std::string>{"W: not yet"});
  EXPECT_EQ(d.requeueAfter, std::chrono::seconds(15));
}

TEST(Lifecycle, SuspendedRecordsFlaggersEvent) {
  Decision d = step(makeCanary({{"spec", {{"suspend", true}}}}), makeStatus(Phase::kProgressing, 10), makeObs(10));
  EXPECT_FALSE(d.statusChanged);
  EXPECT_EQ(eventMessages(d), std::vector<std::string>{"N: skipping canary run as object is suspended"});
}

TEST(Lifecycle, ProgressDeadlineRollbackAlerts) {
  Decision d = step(makeCanary(), makeStatus(Phase::kProgressing, 20), withCanary(makeObs(20), stuck("deadline")));
  EXPECT_EQ(alertMessages(d), std::vector<std::string>{"Progress deadline exceeded deadline"});
  auto events = eventMessages(d);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front(), "W: Rolling back podinfo.test progress deadline exceeded deadline");
  EXPECT_EQ(events.back(), "W: Canary failed! Scaling down podinfo.test");
}

TEST(Lifecycle, TerminatingLooksAgainSoon) {
  Decision d = step(deleting(true, true), makeStatus(Phase::kProgressing, 20), makeObs(20));
  EXPECT_EQ(d.requeueAfter, std::chrono::seconds(5));
  EXPECT_EQ(eventMessages(d), std::vector<std::string>{"N: Terminating canary podinfo.test"});
}

}  // namespace
}  // namespace pennant::analysis

namespace pennant::analysis {
namespace {

using namespace testing;  // NOLINT: the fixtures

// A version that lost its traffic keeps running for analysis.drainPeriod, counted from the
// transition that moved the traffic, and until the gateway accepted the route; then it goes.
api::Canary draining(const std::string& period = "20s") { return makeCanary(analysisPatch({{"drainPeriod", period}})); }

api::CanaryStatus failedDraining() {
  api::CanaryStatus s = makeStatus(Phase::kFailed, 0, 0, 0, "rev2", "rev1");
  s.draining = true;
  return s;
}

Observations at(Clock::TimePoint now, Observations o = makeObs(0)) {
  o.now = now;
  return o;
}

TEST(Drain, RollbackMovesTheTrafficAndOwesTheScaleDown) {
  Decision d = step(draining(), makeStatus(Phase::kProgressing, 20, 2), makeObs(20));
  EXPECT_EQ(d.status.phase, Phase::kFailed);
  EXPECT_TRUE(d.status.draining);
  EXPECT_EQ(stateActions(d), (std::vector<std::string>{"SetRoute(weight=0)", "Failure(completed)",
                                                       "RunWebhooks(post-rollout, phase=Failed)"}));
  EXPECT_EQ(d.requeueAfter, std::chrono::seconds(20));
}

TEST(Drain, WaitsOutThePeriodFromTheTransition) {
  // The rollback was at kT0; 15 s later 5 s are left.
  Decision d = step(draining(), failedDraining(), at(kT0 + std::chrono::seconds(15)));
  EXPECT_TRUE(stateActions(d).empty());
  EXPECT_TRUE(d.status.draining);
  EXPECT_EQ(d.requeueAfter, std::chrono::seconds(5));
  EXPECT_EQ(d.holdReason, "draining the canary for 5s more");
}

TEST(Drain, ScalesDownOnceThePeriodIsOverAndTheRouteIsInEffect) {
  Decision d = step(draining(), failedDraining(), at(kT0 + std::chrono::seconds(20)));
  EXPECT_EQ(stateActions(d), (std::vector<std::string>{"ScaleCanaryToZero"}));
  EXPECT_FALSE(d.status.draining);
  EXPECT_TRUE(d.statusChanged);
}

TEST(Drain, HoldsWhileTheGatewayHasNotAcceptedTheRoute) {
  Observations o = at(kT0 + std::chrono::seconds(30));
  o.route.reset();
  o.routeError = "parent gw accepted generation 3, the route is at generation 4";
  Decision d = step(draining(), failedDraining(), o);
  EXPECT_TRUE(stateActions(d).empty());
  EXPECT_TRUE(d.status.draining);
  EXPECT_EQ(d.holdReason, "draining the canary: parent gw accepted generation 3, the route is at generation 4");
  o.route = router::Weights{80, 20, false};  // someone else's weights: not drained yet
  EXPECT_TRUE(stateActions(step(draining(), failedDraining(), o)).empty());
}

TEST(Drain, ANewRevisionEndsTheDrainAndStartsARun) {
  Decision d = step(draining(), failedDraining(), at(kT0 + std::chrono::seconds(5), makeObs(0, false, "rev3")));
  EXPECT_FALSE(d.status.draining);
  EXPECT_EQ(d.status.phase, Phase::kProgressing);
  EXPECT_EQ(stateActions(d), (std::vector<std::string>{"ScaleCanaryFromZero"}));
}

TEST(Drain, FinalisingWaitsForADrainLongerThanTheInterval) {
  // Finalising began at kT0 (all traffic to the primary); interval 15 s, drain 40 s.
  api::CanaryStatus s = makeStatus(Phase::kFinalising);
  EXPECT_TRUE(stateActions(step(draining("40s"), s, at(kT0 + std::chrono::seconds(20)))).empty());
  Decision d = step(draining("40s"), s, at(kT0 + std::chrono::seconds(40)));
  EXPECT_EQ(d.status.phase, Phase::kSucceeded);
  EXPECT_EQ(stateActions(d)[0], "ScaleCanaryToZero");
}

TEST(Drain, SkippedAnalysisDrainsToo) {
  api::Canary c = makeCanary({{"spec", {{"skipAnalysis", true}, {"analysis", {{"drainPeriod", "10s"}}}}}});
  Decision d = step(c, makeStatus(Phase::kProgressing), makeObs());
  EXPECT_EQ(d.status.phase, Phase::kSucceeded);
  EXPECT_TRUE(d.status.draining);
  EXPECT_EQ(stateActions(d), (std::vector<std::string>{"SetRoute(weight=0)", "PromotePrimary", "Success(skipped)",
                                                       "RunWebhooks(post-rollout, phase=Succeeded)"}));
}

TEST(Drain, ZeroScalesDownAtOnceAsFlagger) {
  Decision d = step(draining("0s"), makeStatus(Phase::kProgressing, 20, 2), makeObs(20));
  EXPECT_FALSE(d.status.draining);
  EXPECT_EQ(stateActions(d)[1], "ScaleCanaryToZero");
}

}  // namespace
}  // namespace pennant::analysis
