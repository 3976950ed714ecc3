#include "analysis/weights.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

namespace pennant::analysis {
namespace {

api::Analysis analysis(std::optional<int64_t> stepWeight, std::vector<int64_t> stepWeights = {},
                       std::optional<int64_t> max = std::nullopt, std::optional<int64_t> promotion = std::nullopt) {
  api::Analysis a;
  a.stepWeight = stepWeight;
  a.stepWeights = std::move(stepWeights);
  a.maxWeight = max;
  a.stepWeightPromotion = promotion;
  return a;
}

TEST(MaxWeight, FollowsFlaggerPrecedence) {
  EXPECT_EQ(maxWeight(analysis(10)), 100);                           // default: total weight
  EXPECT_EQ(maxWeight(analysis(10, {}, 50)), 50);                    // maxWeight
  EXPECT_EQ(maxWeight(analysis(10, {}, 0)), 100);                    // 0 means unset
  EXPECT_EQ(maxWeight(analysis(std::nullopt, {1, 5, 40}, 90)), 40);  // last stepWeights entry wins
  EXPECT_EQ(maxWeight(analysis(std::nullopt, {10, 120})), 100);      // capped at 100
}

struct StepRow {
  std::optional<int64_t> stepWeight;
  std::vector<int64_t> stepWeights;
  int64_t weight;
  int64_t expectedStep;
  int64_t expectedWeight;
};

TEST(NextStepWeight, Table) {
  const std::vector<StepRow> rows = {
      {10, {}, 0, 10, 10},
      {10, {}, 20, 10, 30},
      {10, {}, 95, 10, 100},        // clamped at 100
      {std::nullopt, {}, 0, 0, 0},  // nothing to step with: no progress
      {5, {1, 50}, 0, 5, 5},        // stepWeight wins over stepWeights
      {std::nullopt, {1, 5, 20, 50}, 0, 1, 1},
      {std::nullopt, {1, 5, 20, 50}, 1, 4, 5},
      {std::nullopt, {1, 5, 20, 50}, 5, 15, 20},
      {std::nullopt, {1, 5, 20, 50}, 20, 30, 50},
      {std::nullopt, {1, 5, 20, 50}, 50, 50, 100},  // past the table: all the way (maxStep)
      {std::nullopt, {1, 5, 20, 50}, 7, 93, 100},   // off the table: maxStep
      {std::nullopt, {10, 100}, 100, 1, 100},       // at 100: 1, which leads to promotion
      {std::nullopt, {80, 120}, 80, 20, 100},       // capped at 100 - weight
  };
  for (const auto& row : rows) {
    api::Analysis a = analysis(row.stepWeight, row.stepWeights);
    SCOPED_TRACE(row.weight);
    EXPECT_EQ(nextStepWeight(a, row.weight), row.expectedStep);
    EXPECT_EQ(advancedWeight(a, row.weight), row.expectedWeight);
  }
}

TEST(IsFinalStep, AtOrAboveMaxWeight) {
  api::Analysis a = analysis(10, {}, 30);
  EXPECT_FALSE(isFinalStep(a, 20));
  EXPECT_TRUE(isFinalStep(a, 30));
  EXPECT_TRUE(isFinalStep(a, 40));
}

TEST(PromotionWeight, StepsBackToThePrimary) {
  EXPECT_EQ(promotionWeight(analysis(10, {}, 50), 50), 0);  // no stepWeightPromotion: at once
  EXPECT_EQ(promotionWeight(analysis(10, {}, 50, 20), 50), 30);
  EXPECT_EQ(promotionWeight(analysis(10, {}, 50, 20), 10), 0);  // floored at 0
}

}  // namespace
}  // namespace pennant::analysis
