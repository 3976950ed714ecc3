#include "metrics/threshold.h"

#include <gtest/gtest.h>

#include <limits>

namespace pennant::metrics {
namespace {

TEST(ThresholdTest, RangeWinsOverDeprecatedThreshold) {
  ThresholdRange range = effectiveRange(ThresholdRange{.min = 90, .max = std::nullopt}, 99.0, ThresholdSense::kMinimum);
  EXPECT_EQ(range.min, 90);
  EXPECT_FALSE(range.max.has_value());
}

TEST(ThresholdTest, DeprecatedThresholdIsMinimumOrMaximumBySense) {
  ThresholdRange asMin = effectiveRange(std::nullopt, 99.0, ThresholdSense::kMinimum);
  EXPECT_EQ(asMin.min, 99);
  EXPECT_FALSE(asMin.max.has_value());
  ThresholdRange asMax = effectiveRange(std::nullopt, 500.0, ThresholdSense::kMaximum);
  EXPECT_EQ(asMax.max, 500);
  EXPECT_FALSE(asMax.min.has_value());
}

TEST(ThresholdTest, MissingThresholdIsZeroAsInFlagger) {
  EXPECT_EQ(effectiveRange(std::nullopt, std::nullopt, ThresholdSense::kMaximum).max, 0);
  EXPECT_EQ(effectiveRange(std::nullopt, std::nullopt, ThresholdSense::kMinimum).min, 0);
}

TEST(ThresholdTest, OutOfRangeExplainsWhichBound) {
  ThresholdRange range{.min = 99, .max = 100};
  EXPECT_FALSE(outOfRange(99.5, range).has_value());
  EXPECT_FALSE(outOfRange(99, range).has_value());  // bounds are inclusive
  EXPECT_EQ(outOfRange(87.5, range), "87.50 < 99");
  EXPECT_EQ(outOfRange(100.25, range), "100.25 > 100");
}

TEST(ThresholdTest, NaNAndInfinity) {
  ThresholdRange range{.min = std::nullopt, .max = 500};
  EXPECT_TRUE(outOfRange(std::numeric_limits<double>::quiet_NaN(), range).has_value());
  EXPECT_TRUE(outOfRange(std::numeric_limits<double>::infinity(), range).has_value());
  EXPECT_FALSE(outOfRange(-std::numeric_limits<double>::infinity(), range).has_value());
  EXPECT_FALSE(outOfRange(std::numeric_limits<double>::infinity(), ThresholdRange{}).has_value());
}

}  // namespace
}  // namespace pennant::metrics
