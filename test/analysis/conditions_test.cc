#include "analysis/conditions.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace pennant::analysis {
namespace {

using testing::kT0;
using testing::kT1;

TEST(PromotedConditions, FlaggerStatusReasonAndMessage) {
  struct Row {
    Phase phase;
    const char* status;
    const char* message;
  };
  const Row rows[] = {
      {Phase::kInitializing, "Unknown", "New Deployment detected, starting initialization."},
      {Phase::kInitialized, "True", "Deployment initialization completed."},
      {Phase::kWaiting, "Unknown", "Waiting for approval."},
      {Phase::kProgressing, "Unknown", "New revision detected, progressing canary analysis."},
      {Phase::kWaitingPromotion, "Unknown", "Waiting for approval."},
      {Phase::kPromoting, "Unknown", "Canary analysis completed, starting primary rolling update."},
      {Phase::kFinalising, "Unknown", "Canary analysis completed, routing all traffic to primary."},
      {Phase::kSucceeded, "True", "Canary analysis completed successfully, promotion finished."},
      {Phase::kFailed, "False", "Canary analysis failed, Deployment scaled to zero."},
  };
  for (const auto& row : rows) {
    Json c = promotedConditions(Json::array(), row.phase, "Deployment", kT0);
    ASSERT_EQ(c.size(), 1u);
    EXPECT_EQ(c[0]["type"], "Promoted");
    EXPECT_EQ(c[0]["status"], row.status) << row.phase;
    EXPECT_EQ(c[0]["reason"], std::string(phaseName(row.phase)));
    EXPECT_EQ(c[0]["message"], row.message);
    EXPECT_EQ(c[0]["lastTransitionTime"], "2027-01-15T08:00:00Z");
  }
}

TEST(PromotedConditions, UnchangedForSameStatusAndReason) {
  Json before = promotedConditions(Json::array(), Phase::kProgressing, "Deployment", kT0);
  EXPECT_EQ(promotedConditions(before, Phase::kProgressing, "Deployment", kT1), before);
}

TEST(PromotedConditions, KeepsTransitionTimeWhenOnlyTheReasonChanges) {
  Json before = promotedConditions(Json::array(), Phase::kProgressing, "Deployment", kT0);
  Json after = promotedConditions(before, Phase::kPromoting, "Deployment", kT1);
  EXPECT_EQ(after[0]["reason"], "Promoting");
  EXPECT_EQ(after[0]["lastTransitionTime"], formatRfc3339(kT0));
  EXPECT_EQ(after[0]["lastUpdateTime"], formatRfc3339(kT1));
  Json failed = promotedConditions(after, Phase::kFailed, "Deployment", kT1);
  EXPECT_EQ(failed[0]["lastTransitionTime"], formatRfc3339(kT1));
}

TEST(PromotedConditions, KeepsConditionsOfOtherTypes) {
  Json other = Json::array({{{"type", "Valid"}, {"status", "False"}}});
  Json out = promotedConditions(other, Phase::kProgressing, "Deployment", kT0);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0]["type"], "Valid");
  EXPECT_EQ(out[1]["type"], "Promoted");
}

TEST(SetStatusPhase, ResetsWeightAndIterationsLikeFlagger) {
  api::Canary canary = testing::makeCanary(testing::analysisPatch({{"iterations", 5}}));
  for (Phase keep : {Phase::kProgressing, Phase::kWaiting, Phase::kPromoting}) {
    api::CanaryStatus s = testing::makeStatus(Phase::kProgressing, 30, 1, 2);
    setStatusPhase(s, canary, keep, kT1);
    EXPECT_EQ(s.canaryWeight, 30) << keep;
    EXPECT_EQ(s.iterations, 2) << keep;
  }
  api::CanaryStatus s = testing::makeStatus(Phase::kProgressing, 30, 1, 2);
  setStatusPhase(s, canary, Phase::kWaitingPromotion, kT1);
  EXPECT_EQ(s.canaryWeight, 0);
  EXPECT_EQ(s.iterations, 4);  // analysis.iterations - 1
  EXPECT_EQ(s.failedChecks, 1);
  EXPECT_EQ(s.lastTransitionTime, formatRfc3339(kT1));

  s = testing::makeStatus(Phase::kFinalising, 0, 0, 0, "rev2", "rev1");
  setStatusPhase(s, canary, Phase::kSucceeded, kT1);
  EXPECT_EQ(s.lastPromotedSpec, "rev2");
  EXPECT_EQ(s.conditions[0]["status"], "True");
}

TEST(SyncStatus, SetsAllCountersAndTheRevision) {
  api::Canary canary = testing::makeCanary();
  api::CanaryStatus s = testing::makeStatus(Phase::kSucceeded, 0, 0, 0, "rev1", "rev1");
  Json configs = {{"configmap/app", "abc"}};
  syncStatus(s, canary, Phase::kProgressing, 0, 0, 0, "rev2", configs, kT1);
  EXPECT_EQ(s.phase, Phase::kProgressing);
  EXPECT_EQ(s.lastAppliedSpec, "rev2");
  EXPECT_EQ(s.lastPromotedSpec, "rev1");
  EXPECT_EQ(s.trackedConfigs, configs);
  EXPECT_EQ(s.conditions[0]["reason"], "Progressing");

  syncStatus(s, canary, Phase::kInitialized, 0, 0, 0, "rev3", configs, kT1);
  EXPECT_EQ(s.lastPromotedSpec, "rev3");
}

}  // namespace
}  // namespace pennant::analysis
