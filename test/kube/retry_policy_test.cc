#include "kube/retry_policy.h"

#include <gtest/gtest.h>

namespace pennant::kube {
namespace {

using namespace std::chrono_literals;

TEST(RetryPolicyTest, BackoffDoublesUpToTheCapWithEqualJitter) {
  RetryPolicy p;
  p.initialBackoff = 100ms;
  p.maxBackoff = 1s;
  EXPECT_EQ(backoffDelay(p, 0, 0.0), 50ms);
  EXPECT_EQ(backoffDelay(p, 0, 1.0), 100ms);
  EXPECT_EQ(backoffDelay(p, 1, 0.5), 150ms);
  EXPECT_EQ(backoffDelay(p, 3, 1.0), 800ms);
  EXPECT_EQ(backoffDelay(p, 4, 1.0), 1000ms);  // capped
  EXPECT_EQ(backoffDelay(p, 60, 0.0), 500ms);  // no overflow for large retry numbers
  EXPECT_EQ(backoffDelay(p, 0, 7.0), 100ms);   // out-of-range randomness is clamped
}

TEST(RetryPolicyTest, RetryAfterSecondsParse) {
  EXPECT_EQ(parseRetryAfter("3"), 3000ms);
  EXPECT_EQ(parseRetryAfter(" 0 "), 0ms);
  EXPECT_EQ(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"), std::nullopt);
  EXPECT_EQ(parseRetryAfter("-1"), std::nullopt);
  EXPECT_EQ(parseRetryAfter(""), std::nullopt);
}

TEST(RetryPolicyTest, OnlyThrottlingAndServerErrorsAreRetried) {
  for (int code : {429, 500, 502, 503, 504}) EXPECT_TRUE(isRetryableHttpStatus(code)) << code;
  for (int code : {200, 400, 401, 403, 404, 409, 410, 422, 501}) EXPECT_FALSE(isRetryableHttpStatus(code)) << code;
}

}  // namespace
}  // namespace pennant::kube
