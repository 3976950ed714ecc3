#include "metrics/threshold.h"

#include <fmt/format.h>

namespace pennant::metrics {

ThresholdRange effectiveRange(const std::optional<ThresholdRange>& range, const std::optional<double>& threshold,
                              ThresholdSense sense) {
  if (range) return *range;
  ThresholdRange result;
  if (sense == ThresholdSense::kMinimum) {
    result.min = threshold.value_or(0.0);
  } else {
    result.max = threshold.value_or(0.0);
  }
  return result;
}

std::optional<std::string> outOfRange(double value, const ThresholdRange& range) {
  // NaN compares false with everything, so it would slip through both bounds: reject it here.
  if (value != value) return std::string("value is NaN");
  if (range.min && value < *range.min) return fmt::format("{:.2f} < {}", value, *range.min);
  if (range.max && value > *range.max) return fmt::format("{:.2f} > {}", value, *range.max);
  return std::nullopt;
}

}  // namespace pennant::metrics
