#pragma once
// Converts the metrics module's check results into the state machine's verdicts. Header-only so
// pennant_analysis does not link the metrics providers; include it where both are linked.
#include <vector>

#include "analysis/observations.h"
#include "metrics/check.h"

namespace pennant::analysis {

inline CheckVerdict toVerdict(const metrics::CheckResult& result) {
  return CheckVerdict{result.metricName, result.passed(), result.message};
}

inline std::vector<CheckVerdict> toVerdicts(const std::vector<metrics::CheckResult>& results) {
  std::vector<CheckVerdict> out;
  out.reserve(results.size());
  for (const auto& r : results) out.push_back(toVerdict(r));
  return out;
}

}  // namespace pennant::analysis
