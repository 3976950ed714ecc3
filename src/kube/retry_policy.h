#pragma once
// When and how long the REST client waits before retrying: pure functions, tested on their own.
#include <chrono>
#include <optional>
#include <string_view>

namespace pennant::kube {

struct RetryPolicy {
  int maxAttempts = 5;  // attempts in total for retryable failures (1 = never retry)
  std::chrono::milliseconds initialBackoff{250};
  std::chrono::milliseconds maxBackoff{std::chrono::seconds(8)};
  std::chrono::milliseconds maxRetryAfter{std::chrono::seconds(60)};  // cap on a server's Retry-After
};

// Delay before retry number `retry` (0 = first retry): initial * 2^retry capped at maxBackoff, of
// which half is fixed and half scaled by `random` in [0,1) ("equal jitter"), so clients that
// failed together do not retry together but never retry immediately.
std::chrono::milliseconds backoffDelay(const RetryPolicy& policy, int retry, double random);

// The delay of a Retry-After header in its delta-seconds form ("3"). The HTTP-date form and
// garbage give nullopt (the caller falls back to backoffDelay).
std::optional<std::chrono::milliseconds> parseRetryAfter(std::string_view value);

// HTTP answers worth retrying: 429 and 500/502/503/504 (never 409, 422, 404, ...).
bool isRetryableHttpStatus(int httpStatus);

}  // namespace pennant::kube
