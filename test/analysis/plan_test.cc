#include "analysis/plan.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace pennant::analysis {
namespace {

using namespace testing;  // NOLINT: the fixtures

// A Canary with a hook of every gate type and one metric.
api::Canary everything(Json analysis = Json::object()) {
  analysis["metrics"] = Json::array({{{"name", "error-rate"}, {"query", "vector(0)"}}});
  analysis["webhooks"] =
      Json::array({hook("approve", "confirm-rollout"), hook("pre", "pre-rollout"), hook("load", ""),
                   hook("traffic", "confirm-traffic-increase"), hook("promote", "confirm-promotion"),
                   hook("post", "post-rollout"), hook("abort", "rollback"), hook("events", "event")});
  return makeCanary(analysisPatch(analysis));
}

Stage hooks(HookType type) { return Stage{StageKind::kWebhooks, type}; }
const Stage kChecks{StageKind::kMetricChecks, HookType::kRollout};

struct PlanRow {
  std::string name;
  api::Canary canary;
  api::CanaryStatus status;
  Observed observed;
  std::vector<Stage> stages;
};

std::vector<PlanRow> planRows() {
  Observed unreadable = makeObs(10);
  unreadable.route.reset();
  using H = HookType;
  return {
      {"new revision: the confirm-rollout gate",
       everything(),
       makeStatus(Phase::kSucceeded, 0, 0, 0, "rev1", "rev1"),
       makeObs(0, false, "rev2"),
       {hooks(H::kConfirmRollout)}},
      {"waiting: the confirm-rollout gate again",
       everything(),
       makeStatus(Phase::kWaiting),
       makeObs(0),
       {hooks(H::kConfirmRollout)}},
      {"no new revision: nothing",
       everything(),
       makeStatus(Phase::kSucceeded, 0, 0, 0, "rev2", "rev2"),
       makeObs(0),
       {}},
      {"first step: rollback, pre-rollout, traffic gate",
       everything(),
       makeStatus(Phase::kProgressing),
       makeObs(0),
       {hooks(H::kRollback), hooks(H::kPreRollout), hooks(H::kConfirmTrafficIncrease)}},
      {"analysing: rollback, rollout, checks, traffic gate",
       everything(),
       makeStatus(Phase::kProgressing, 10),
       makeObs(10),
       {hooks(H::kRollback), hooks(H::kRollout), kChecks, hooks(H::kConfirmTrafficIncrease)}},
      {"at maxWeight: the promotion gate too",
       everything(),
       makeStatus(Phase::kProgressing, 30),
       makeObs(30),
       {hooks(H::kRollback), hooks(H::kRollout), kChecks, hooks(H::kConfirmTrafficIncrease),
        hooks(H::kConfirmPromotion)}},
      {"waiting promotion: no traffic gate",
       everything(),
       makeStatus(Phase::kWaitingPromotion, 0, 0, -1),
       makeObs(30),
       {hooks(H::kRollback), hooks(H::kRollout), kChecks, hooks(H::kConfirmPromotion)}},
      {"threshold reached: only the rollback hooks",
       everything(),
       makeStatus(Phase::kProgressing, 10, 2),
       makeObs(10),
       {hooks(H::kRollback)}},
      {"blue/green mid-test: no gates after the checks",
       everything({{"iterations", 3}}),
       makeStatus(Phase::kProgressing, 0, 0, 1),
       makeObs(0),
       {hooks(H::kRollback), hooks(H::kRollout), kChecks}},
      {"blue/green last iteration: promotion gate",
       everything({{"iterations", 3}}),
       makeStatus(Phase::kProgressing, 0, 0, 3),
       makeObs(0),
       {hooks(H::kRollback), hooks(H::kRollout), kChecks, hooks(H::kConfirmPromotion)}},
      {"promoting: nothing", everything(), makeStatus(Phase::kPromoting, 30), makeObs(30), {}},
      {"finalising: nothing", everything(), makeStatus(Phase::kFinalising), makeObs(0), {}},
      {"route unreadable: nothing", everything(), makeStatus(Phase::kProgressing, 10), unreadable, {}},
      {"suspended: nothing",
       makeCanary({{"spec", {{"suspend", true}}}}),
       makeStatus(Phase::kProgressing, 10),
       makeObs(10),
       {}},
      {"no hooks: only the checks",
       makeCanary(analysisPatch({{"metrics", {{{"name", "m"}, {"query", "q"}}}}})),
       makeStatus(Phase::kProgressing, 10),
       makeObs(10),
       {kChecks}},
  };
}

TEST(Plan, Table) {
  for (const auto& row : planRows()) {
    SCOPED_TRACE(row.name);
    Plan p = plan(row.canary, row.status, row.observed);
    EXPECT_EQ(p.stages, row.stages);
  }
}

// Whatever plan() lists, step() finds; whatever it leaves out, step() does not need.
TEST(Plan, StepNeedsExactlyThePlannedStages) {
  for (const auto& row : planRows()) {
    SCOPED_TRACE(row.name);
    Plan p = plan(row.canary, row.status, row.observed);
    Observations all;
    static_cast<Observed&>(all) = row.observed;
    for (const Stage& stage : p.stages) {
      if (stage.kind == StageKind::kMetricChecks) {
        all.checksRan = true;
        continue;
      }
      for (const auto& spec : hooksOfType(row.canary, stage.hookType)) {
        all.webhooks.push_back(result(spec.name, stage.hookType, stage.hookType != HookType::kRollback));
      }
    }
    Decision d = step(row.canary, row.status, all);
    EXPECT_EQ(d.holdReason.find("missing"), std::string::npos) << d.holdReason;
    for (size_t leftOut = 0; leftOut < p.stages.size(); ++leftOut) {
      Observations partial = all;
      const Stage& stage = p.stages[leftOut];
      if (stage.kind == StageKind::kMetricChecks) {
        partial.checksRan = false;
      } else {
        std::erase_if(partial.webhooks, [&](const WebhookResult& r) { return r.type == stage.hookType; });
      }
      Decision held = step(row.canary, row.status, partial);
      EXPECT_FALSE(held.statusChanged) << "left out stage " << leftOut;
      EXPECT_TRUE(held.actions.empty());
      EXPECT_NE(held.holdReason.find("missing"), std::string::npos);
    }
  }
}

TEST(Plan, UsesTheCanaryStatusByDefault) {
  api::Canary canary = everything();
  canary.status = makeStatus(Phase::kProgressing, 10);
  EXPECT_EQ(plan(canary, makeObs(10)).stages, plan(canary, canary.status, makeObs(10)).stages);
  EXPECT_TRUE(plan(canary, makeObs(10)).needsChecks());
  EXPECT_TRUE(plan(canary, makeObs(10)).needsHooks(HookType::kRollout));
  EXPECT_FALSE(plan(canary, makeObs(10)).needsHooks(HookType::kPreRollout));
}

TEST(ContinueAfter, RollbackStopsOnASignalGatesOnAFailure) {
  Stage rollback = hooks(HookType::kRollback);
  EXPECT_TRUE(continueAfter(rollback, {result("a", HookType::kRollback, false)}));
  EXPECT_FALSE(
      continueAfter(rollback, {result("a", HookType::kRollback, false), result("b", HookType::kRollback, true)}));
  Stage gate = hooks(HookType::kRollout);
  EXPECT_TRUE(continueAfter(gate, {result("a", HookType::kRollout, true)}));
  EXPECT_FALSE(continueAfter(gate, {result("a", HookType::kRollout, false)}));
  EXPECT_TRUE(continueAfter(std::vector<CheckVerdict>{{"m", true, ""}}));
  EXPECT_FALSE(continueAfter(std::vector<CheckVerdict>{{"m", true, ""}, {"n", false, "bad"}}));
}

}  // namespace
}  // namespace pennant::analysis
