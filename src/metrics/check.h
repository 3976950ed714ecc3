#pragma once
// One metric check of a canary analysis: plan (pure: which queries, which range), run (I/O: ask
// the provider) and judge (pure: values -> outcome and the event message).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "metrics/builtin_queries.h"
#include "metrics/provider.h"
#include "metrics/query_template.h"
#include "metrics/threshold.h"

namespace pennant::metrics {

// One entry of Canary spec.analysis.metrics[].
struct MetricSpec {
  std::string name;
  std::string interval;             // "" = "1m"
  std::optional<double> threshold;  // deprecated scalar form
  std::optional<ThresholdRange> thresholdRange;
  std::string query;  // inline PromQL (Flagger's metric.query)
  std::map<std::string, std::string> templateVariables;
  // Pennant additions (optional, new fields):
  std::optional<int64_t> minRequests;   // minimum-traffic guard for builtin checks
  std::optional<QueryFlavour> flavour;  // per-Canary override of the controller's flavour
};

// Builtin comparison checks (canary error % minus primary error %, in percentage points).
inline constexpr std::string_view kRequestErrorRateVsPrimary = "request-error-rate-vs-primary";
inline constexpr std::string_view kGrpcErrorRateVsPrimary = "grpc-error-rate-vs-primary";

struct CheckPlan {
  std::string metricName;
  std::string interval;
  std::string valueQuery;                   // rendered PromQL
  std::optional<std::string> primaryQuery;  // comparison checks: the primary's success rate
  std::optional<std::string> countQuery;    // minimum-traffic guard
  int64_t minRequests = 0;
  ThresholdRange range;
  std::string unit;  // "%", "ms", "pp" (percentage points) or "" for custom queries
};

// True for the names planCheck() knows without a query: the builtin checks and the comparisons.
bool isBuiltinMetricName(std::string_view name);

// `templateQuery` is MetricTemplate spec.query when the metric has a templateRef. `model` carries
// the Canary's names; interval and variables come from `spec`. Errors: kInvalidArgument (a
// template error, or a metric that is neither builtin nor has a query).
StatusOr<CheckPlan> planCheck(const MetricSpec& spec, const TemplateModel& model,
                              const std::optional<std::string>& templateQuery, const BuiltinOptions& options);

enum class CheckOutcome {
  kPassed,
  kOutOfRange,      // a value outside the threshold range
  kNoValues,        // empty result or NaN: nothing to judge
  kTooFewRequests,  // the minimum-traffic guard held: not judged, and not a pass
  kQueryFailed,     // provider error; `error` tells unreachable / timeout / query error apart
  kInvalid,         // the check itself is wrong (template error, no query)
};

std::string_view checkOutcomeName(CheckOutcome outcome);

struct CheckResult {
  std::string metricName;
  CheckOutcome outcome = CheckOutcome::kInvalid;
  std::optional<double> value;
  std::string message;  // ready for the failed-check Event
  Status error;         // set for kQueryFailed and kInvalid

  bool passed() const { return outcome == CheckOutcome::kPassed; }
};

// What the provider answered for each query of a plan.
using QueryAnswer = StatusOr<std::optional<double>>;
struct CheckObservations {
  std::optional<QueryAnswer> requestCount;  // when the plan has a countQuery
  std::optional<QueryAnswer> value;         // absent when the guard already decided
  std::optional<QueryAnswer> primaryValue;  // when the plan has a primaryQuery
};

CheckResult judgeCheck(const CheckPlan& plan, const CheckObservations& observations);

// Runs the plan's queries (the guard first; the value queries only when it lets them) and judges.
CheckResult runCheck(const CheckPlan& plan, MetricProvider& provider);

// planCheck + runCheck; a planning error becomes a kInvalid result.
CheckResult evaluateMetric(const MetricSpec& spec, const TemplateModel& model,
                           const std::optional<std::string>& templateQuery, const BuiltinOptions& options,
                           MetricProvider& provider);

}  // namespace pennant::metrics
