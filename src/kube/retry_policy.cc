#include "kube/retry_policy.h"

#include <absl/strings/ascii.h>
#include <absl/strings/numbers.h>

#include <algorithm>

namespace pennant::kube {

std::chrono::milliseconds backoffDelay(const RetryPolicy& policy, int retry, double random) {
  double base = static_cast<double>(policy.initialBackoff.count());
  const double cap = static_cast<double>(policy.maxBackoff.count());
  for (int i = 0; i < retry && base < cap; ++i) base *= 2;
  base = std::min(base, cap);
  random = std::clamp(random, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<int64_t>(base / 2 + base / 2 * random));
}

std::optional<std::chrono::milliseconds> parseRetryAfter(std::string_view value) {
  int64_t seconds = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(absl::string_view(value.data(), value.size())), &seconds) ||
      seconds < 0)
    return std::nullopt;
  return std::chrono::seconds(seconds);
}

bool isRetryableHttpStatus(int httpStatus) {
  return httpStatus == 429 || httpStatus == 500 || httpStatus == 502 || httpStatus == 503 || httpStatus == 504;
}

}  // namespace pennant::kube
