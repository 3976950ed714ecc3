#pragma once
// Accepted value ranges for a metric check, with Flagger's meaning of the deprecated `threshold`.
#include <optional>
#include <string>

namespace pennant::metrics {

struct ThresholdRange {
  std::optional<double> min;
  std::optional<double> max;
};

// How the deprecated scalar `threshold` is read when no thresholdRange is given. Flagger: for
// request-success-rate it is a minimum; for request-duration and every query/template a maximum.
enum class ThresholdSense { kMinimum, kMaximum };

// thresholdRange wins over threshold. A missing threshold is 0, as in Flagger (its field is a
// plain float): a minimum of 0, or a maximum of 0, which fails any positive value.
ThresholdRange effectiveRange(const std::optional<ThresholdRange>& range, const std::optional<double>& threshold,
                              ThresholdSense sense);

// Empty when `value` is inside `range`; otherwise why not, e.g. "87.50 < 99" (Flagger's wording).
std::optional<std::string> outOfRange(double value, const ThresholdRange& range);

}  // namespace pennant::metrics
