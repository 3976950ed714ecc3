// pennant promote / pennant abort in the state machine, table-driven: each request acts in the
// phases where it means something, is dismissed (recorded, nothing else) elsewhere, and acts
// exactly once (the handled id in status.handledRequests).
#include "analysis/user_requests.h"

#include <gtest/gtest.h>

#include "analysis/plan.h"
#include "fixtures.h"

namespace pennant::analysis {
namespace {

using namespace testing;  // NOLINT: the fixtures

struct RequestRow {
  std::string name;
  api::Canary canary;
  api::CanaryStatus status;
  Observations obs;
  Expect expect;
  api::HandledRequests handled;  // expected status.handledRequests
  std::string event;             // an Event the decision must carry ("" = none asserted)
};

void PrintTo(const RequestRow& row, std::ostream* os) { *os << row.name; }

Observations requesting(Observations o, std::string promote, std::string abort = "") {
  o.requests = UserRequests{std::move(promote), std::move(abort)};
  return o;
}

api::CanaryStatus handled(api::CanaryStatus s, std::string promote, std::string abort = "") {
  s.handledRequests = api::HandledRequests{std::move(promote), std::move(abort)};
  return s;
}

api::Canary promotionGate() { return makeCanary(analysisPatch({{"webhooks", {hook("gate", "confirm-promotion")}}})); }

Observations gate(Observations o, bool approved) {
  o.webhooks = {result("gate", HookType::kConfirmPromotion, approved)};
  return o;
}

const char* kAborted = "W: Rolling back podinfo.test: aborted by user (request a1)";
const char* kPromoted = "N: Promotion of podinfo.test requested by user (request p1): skipping the remaining analysis";

std::vector<RequestRow> requestRows() {
  const api::Canary canary = makeCanary();
  const api::Canary suspended = makeCanary({{"spec", {{"suspend", true}}}});
  const api::Canary blueGreen = makeCanary(analysisPatch({{"iterations", 3}}));
  Observations early = makeObs(10);
  early.now = kT0 + std::chrono::seconds(1);  // the next analysis step is 14 s away
  return {
      // Abort: rolled back at once from every analysing phase.
      {"abort while progressing",
       canary,
       makeStatus(Phase::kProgressing, 20),
       requesting(makeObs(20), "", "a1"),
       {Phase::kFailed, 0, 0, 0, kRollback},
       {"", "a1"},
       kAborted},
      {"abort while waiting for rollout approval",
       canary,
       makeStatus(Phase::kWaiting),
       requesting(makeObs(0), "", "a1"),
       {Phase::kFailed, 0, 0, 0, kRollback},
       {"", "a1"},
       kAborted},
      {"abort while waiting for promotion approval",
       canary,
       makeStatus(Phase::kWaitingPromotion, 30),
       requesting(makeObs(30), "", "a1"),
       {Phase::kFailed, 0, 0, 0, kRollback},
       {"", "a1"},
       kAborted},
      {"abort before the next step is due",
       canary,
       makeStatus(Phase::kProgressing, 10),
       requesting(early, "", "a1"),
       {Phase::kFailed, 0, 0, 0, kRollback},
       {"", "a1"},
       kAborted},
      {"abort with the canary not ready",
       canary,
       makeStatus(Phase::kProgressing, 10),
       [] {
         Observations o = requesting(makeObs(10), "", "a1");
         o.canary = waiting();
         return o;
       }(),
       {Phase::kFailed, 0, 0, 0, kRollback},
       {"", "a1"},
       kAborted},
      {"abort and promote together: abort wins, both recorded",
       canary,
       makeStatus(Phase::kProgressing, 20),
       requesting(makeObs(20), "p1", "a1"),
       {Phase::kFailed, 0, 0, 0, kRollback},
       {"p1", "a1"},
       kAborted},
      // Abort: dismissed where there is nothing to roll back.
      {"abort while promoting: promotion goes on",
       canary,
       makeStatus(Phase::kPromoting, 30),
       requesting(makeObs(30), "", "a1"),
       {Phase::kFinalising, 0, 0, 0, {"SetRoute(weight=0)"}},
       {"", "a1"},
       "N: Ignoring the abort request (a1) for podinfo.test: the promotion is already under way (Promoting)"},
      {"abort while finalising",
       canary,
       makeStatus(Phase::kFinalising),
       requesting(makeObs(0), "", "a1"),
       {Phase::kSucceeded,
        0,
        0,
        0,
        {"ScaleCanaryToZero", "Success(completed)", "RunWebhooks(post-rollout, phase=Succeeded)"}},
       {"", "a1"},
       ""},
      {"abort when succeeded",
       canary,
       makeStatus(Phase::kSucceeded, 0, 0, 0, "rev2", "rev2"),
       requesting(makeObs(0), "", "a1"),
       {Phase::kSucceeded, 0, 0, 0, {}},
       {"", "a1"},
       "N: Ignoring the abort request (a1) for podinfo.test: no analysis is running (Succeeded)"},
      {"abort when initialized",
       canary,
       makeStatus(Phase::kInitialized, 0, 0, 0, "rev2", "rev2"),
       requesting(makeObs(0), "", "a1"),
       {Phase::kInitialized, 0, 0, 0, {}},
       {"", "a1"},
       ""},
      {"abort when failed",
       canary,
       makeStatus(Phase::kFailed),
       requesting(makeObs(0), "", "a1"),
       {Phase::kFailed, 0, 0, 0, {}},
       {"", "a1"},
       ""},
      {"abort already handled: the analysis goes on",
       canary,
       handled(makeStatus(Phase::kProgressing, 10), "", "a1"),
       requesting(makeObs(10), "", "a1"),
       {Phase::kProgressing, 20, 0, 0, {"SetRoute(weight=20)"}},
       {"", "a1"},
       ""},
      {"abort while suspended: waits",
       suspended,
       makeStatus(Phase::kProgressing, 10),
       requesting(makeObs(10), "", "a1"),
       {Phase::kProgressing, 10, 0, 0, {}},
       {},
       ""},
      // Promote: remaining steps and checks skipped, the gate still honoured.
      {"promote while progressing",
       canary,
       makeStatus(Phase::kProgressing, 10),
       requesting(makeObs(10), "p1"),
       {Phase::kPromoting, 10, 0, 0, {"PromotePrimary"}},
       {"p1", ""},
       kPromoted},
      {"promote before the next step is due",
       canary,
       makeStatus(Phase::kProgressing, 10),
       requesting(early, "p1"),
       {Phase::kPromoting, 10, 0, 0, {"PromotePrimary"}},
       {"p1", ""},
       kPromoted},
      {"promote past the failed-checks threshold",
       canary,
       makeStatus(Phase::kProgressing, 10, 2),
       requesting(makeObs(10), "p1"),
       {Phase::kPromoting, 10, 2, 0, {"PromotePrimary"}},
       {"p1", ""},
       kPromoted},
      {"promote blue/green mid-iterations",
       blueGreen,
       makeStatus(Phase::kProgressing, 0, 0, 1),
       requesting(makeObs(0), "p1"),
       {Phase::kPromoting, 0, 0, 1, {"PromotePrimary"}},
       {"p1", ""},
       kPromoted},
      {"promote, gate denies: WaitingPromotion, request kept",
       promotionGate(),
       makeStatus(Phase::kProgressing, 10),
       gate(requesting(makeObs(10), "p1"), false),
       {Phase::kWaitingPromotion, 0, 0, -1, {}},
       {},
       kPromoted},
      {"promote, gate approves",
       promotionGate(),
       makeStatus(Phase::kProgressing, 10),
       gate(requesting(makeObs(10), "p1"), true),
       {Phase::kPromoting, 10, 0, 0, {"PromotePrimary"}},
       {"p1", ""},
       kPromoted},
      {"promote waiting for promotion, gate approves later",
       promotionGate(),
       makeStatus(Phase::kWaitingPromotion, 0, 0, -1),
       gate(requesting(makeObs(10), "p1"), true),
       {Phase::kPromoting, 0, 0, -1, {"PromotePrimary"}},
       {"p1", ""},
       ""},
      {"promote already handled: the analysis goes on",
       canary,
       handled(makeStatus(Phase::kProgressing, 10), "p1"),
       requesting(makeObs(10), "p1"),
       {Phase::kProgressing, 20, 0, 0, {"SetRoute(weight=20)"}},
       {"p1", ""},
       ""},
      {"promote, new revision restarts: dismissed",
       canary,
       makeStatus(Phase::kProgressing, 20),
       requesting(makeObs(20, false, "rev3"), "p1"),
       {Phase::kProgressing, 0, 0, 0, {"SetRoute(weight=0)"}},
       {"p1", ""},
       "N: Ignoring the promote request (p1) for podinfo.test: a new revision restarted the analysis"},
      // Promote: dismissed where it cannot apply.
      {"promote while waiting for rollout approval",
       canary,
       makeStatus(Phase::kWaiting),
       requesting(makeObs(0), "p1"),
       {Phase::kProgressing, 0, 0, 0, {"ScaleCanaryFromZero"}},
       {"p1", ""},
       "N: Ignoring the promote request (p1) for podinfo.test: the rollout waits for its confirm-rollout approval "
       "(Waiting)"},
      {"promote while promoting",
       canary,
       makeStatus(Phase::kPromoting, 30),
       requesting(makeObs(30), "p1"),
       {Phase::kFinalising, 0, 0, 0, {"SetRoute(weight=0)"}},
       {"p1", ""},
       ""},
      {"promote when succeeded",
       canary,
       makeStatus(Phase::kSucceeded, 0, 0, 0, "rev2", "rev2"),
       requesting(makeObs(0), "p1"),
       {Phase::kSucceeded, 0, 0, 0, {}},
       {"p1", ""},
       "N: Ignoring the promote request (p1) for podinfo.test: no analysis is running (Succeeded)"},
      {"promote when initialized",
       canary,
       makeStatus(Phase::kInitialized, 0, 0, 0, "rev2", "rev2"),
       requesting(makeObs(0), "p1"),
       {Phase::kInitialized, 0, 0, 0, {}},
       {"p1", ""},
       ""},
      {"promote when failed",
       canary,
       makeStatus(Phase::kFailed),
       requesting(makeObs(0), "p1"),
       {Phase::kFailed, 0, 0, 0, {}},
       {"p1", ""},
       ""},
  };
}

class UserRequestsTable : public ::testing::TestWithParam<RequestRow> {};

TEST_P(UserRequestsTable, Transition) {
  const RequestRow& row = GetParam();
  checkRow(Row{row.name, row.canary, row.status, row.obs, row.expect});
  Decision d = step(row.canary, row.status, row.obs);
  EXPECT_EQ(d.status.handledRequests, row.handled);
  if (!row.event.empty()) {
    auto events = eventMessages(d);
    EXPECT_NE(std::find(events.begin(), events.end(), row.event), events.end()) << ::testing::PrintToString(events);
  }
  // Recording the request is a status change, so the controller writes it.
  if (row.handled != row.status.handledRequests) {
    EXPECT_TRUE(d.statusChanged);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, UserRequestsTable, ::testing::ValuesIn(requestRows()));

TEST(UserRequests, ActExactlyOnce) {
  // The status a promote request left behind, fed back with the annotation still present, does
  // not promote again: the next tick is the ordinary Promoting one.
  api::Canary canary = makeCanary();
  Observations o = requesting(makeObs(10), "p1");
  Decision first = step(canary, makeStatus(Phase::kProgressing, 10), o);
  ASSERT_EQ(first.status.phase, Phase::kPromoting);
  Observations later = requesting(makeObs(10), "p1");
  later.now = kT1 + std::chrono::seconds(60);
  Decision second = step(canary, first.status, later);
  EXPECT_EQ(second.status.phase, Phase::kFinalising);
  EXPECT_EQ(stateActions(second), std::vector<std::string>{"SetRoute(weight=0)"});
}

TEST(UserRequests, ReadFromAnnotations) {
  Json meta = {{"annotations", {{"pennant.io/promote", "p1"}, {"pennant.io/abort", 7}, {"other", "x"}}}};
  EXPECT_EQ(readUserRequests(meta), (UserRequests{"p1", ""}));
  EXPECT_EQ(readUserRequests(Json::object()), UserRequests{});
  api::CanaryStatus s;
  s.handledRequests.promote = "p1";
  EXPECT_FALSE(promotePending(UserRequests{"p1", ""}, s));
  EXPECT_TRUE(promotePending(UserRequests{"p2", ""}, s));
  EXPECT_TRUE(abortPending(UserRequests{"", "a"}, s));
  EXPECT_FALSE(anyPending(UserRequests{}, s));
}

TEST(UserRequests, PlanOfARequestedPromotionIsTheGateAlone) {
  api::Canary canary = makeCanary(analysisPatch(
      {{"webhooks", {hook("load", "rollout"), hook("gate", "confirm-promotion"), hook("stop", "rollback")}},
       {"metrics", {{{"name", "error-rate"}, {"query", "q"}}}}}));
  Plan p = plan(canary, makeStatus(Phase::kProgressing, 10), requesting(makeObs(10), "p1"));
  EXPECT_EQ(p.stages, (std::vector<Stage>{{StageKind::kWebhooks, HookType::kRollback},
                                          {StageKind::kWebhooks, HookType::kConfirmPromotion}}));
  Plan aborting = plan(canary, makeStatus(Phase::kProgressing, 10), requesting(makeObs(10), "", "a1"));
  EXPECT_TRUE(aborting.stages.empty());
}

}  // namespace
}  // namespace pennant::analysis
