#include "metrics/check.h"

#include <absl/strings/str_cat.h>
#include <fmt/format.h>

#include <cmath>
#include <variant>

#include "metrics/strings.h"

namespace pennant::metrics {
namespace {

constexpr std::string_view kDefaultInterval = "1m";

// A Prometheus duration as Flagger users write it: digits and a unit, possibly repeated ("1m30s").
// It goes into range selectors verbatim, so anything else would be a confusing query error.
bool isPromDuration(std::string_view text) {
  if (text.empty()) return false;
  size_t i = 0;
  while (i < text.size()) {
    size_t digits = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == digits) return false;
    std::string_view rest = text.substr(i);
    if (rest.starts_with("ms")) {
      i += 2;
    } else if (!rest.empty() && std::string_view("smhdwy").find(rest[0]) != std::string_view::npos) {
      ++i;
    } else {
      return false;
    }
  }
  return true;
}

std::optional<BuiltinCheck> comparisonBase(std::string_view name) {
  if (name == kRequestErrorRateVsPrimary) return BuiltinCheck::kRequestSuccessRate;
  if (name == kGrpcErrorRateVsPrimary) return BuiltinCheck::kGrpcSuccessRate;
  return std::nullopt;
}

std::string formatValue(double value, std::string_view unit) {
  return unit.empty() ? fmt::format("{:.2f}", value)
                      : fmt::format("{:.2f}{}", value, unit == "%" ? "%" : strCat(" ", unit));
}

CheckResult result(const CheckPlan& plan, CheckOutcome outcome, std::string message) {
  CheckResult r;
  r.metricName = plan.metricName;
  r.outcome = outcome;
  r.message = std::move(message);
  return r;
}

CheckResult queryFailed(const CheckPlan& plan, const Status& status, std::string_view what) {
  CheckResult r = result(plan, CheckOutcome::kQueryFailed,
                         strCat("metric ", plan.metricName, ": ", what, " failed: ", toStd(status.message())));
  r.error = status;
  return r;
}

// A value the check can judge, or the result that ends the check (no values / query failed).
std::variant<double, CheckResult> usableValue(const CheckPlan& plan, const QueryAnswer& answer, std::string_view what) {
  if (!answer.ok()) return queryFailed(plan, answer.status(), what);
  if (!answer->has_value()) {
    return result(plan, CheckOutcome::kNoValues,
                  strCat("metric ", plan.metricName, ": no values found for the ", what,
                         " (the query matched no series; is the workload receiving traffic?)"));
  }
  double value = **answer;
  if (std::isnan(value)) {
    return result(plan, CheckOutcome::kNoValues,
                  strCat("metric ", plan.metricName, ": no values found for the ", what,
                         " (it evaluated to NaN, usually no requests in the last ", plan.interval, ")"));
  }
  return value;
}

// The minimum-traffic guard: a result when it decides the check (too few requests, or its query
// failed), nullopt when the value queries should run.
std::optional<CheckResult> guardVerdict(const CheckPlan& plan, const QueryAnswer& requestCount) {
  auto count = usableValue(plan, requestCount, "request count");
  if (auto* done = std::get_if<CheckResult>(&count)) {
    // No series at all is the guard's business too: zero requests are too few.
    if (done->outcome != CheckOutcome::kNoValues) return std::move(*done);
    count = 0.0;
  }
  double requests = std::get<double>(count);
  if (requests >= static_cast<double>(plan.minRequests)) return std::nullopt;
  CheckResult r = result(plan, CheckOutcome::kTooFewRequests,
                         fmt::format("metric {}: only {:.0f} requests in the last {}, fewer than the minimum {}; "
                                     "not enough traffic to judge the canary",
                                     plan.metricName, requests, plan.interval, plan.minRequests));
  r.value = requests;
  return r;
}

}  // namespace

bool isBuiltinMetricName(std::string_view name) {
  return builtinCheckByName(name).has_value() || comparisonBase(name).has_value();
}

std::string_view checkOutcomeName(CheckOutcome outcome) {
  switch (outcome) {
    case CheckOutcome::kPassed:
      return "Passed";
    case CheckOutcome::kOutOfRange:
      return "OutOfRange";
    case CheckOutcome::kNoValues:
      return "NoValues";
    case CheckOutcome::kTooFewRequests:
      return "TooFewRequests";
    case CheckOutcome::kQueryFailed:
      return "QueryFailed";
    case CheckOutcome::kInvalid:
      return "Invalid";
  }
  return "";
}

StatusOr<CheckPlan> planCheck(const MetricSpec& spec, const TemplateModel& baseModel,
                              const std::optional<std::string>& templateQuery, const BuiltinOptions& baseOptions) {
  CheckPlan plan;
  plan.metricName = spec.name;
  plan.interval = spec.interval.empty() ? std::string(kDefaultInterval) : spec.interval;
  if (!isPromDuration(plan.interval)) {
    return absl::InvalidArgumentError(
        strCat("metric ", spec.name, ": interval \"", plan.interval, "\" is not a duration like 30s, 1m or 1h"));
  }
  TemplateModel model = baseModel;
  model.interval = plan.interval;
  model.variables = spec.templateVariables;
  BuiltinOptions options = baseOptions;
  if (spec.flavour) options.flavour = *spec.flavour;

  auto render = [&](const std::string& query) -> StatusOr<std::string> {
    auto rendered = renderQuery(query, model);
    if (!rendered.ok()) return annotate(rendered.status(), strCat("metric ", spec.name));
    return rendered;
  };

  // A template or an inline query wins over a builtin name, as in Flagger.
  if (templateQuery || !spec.query.empty()) {
    PENNANT_ASSIGN_OR_RETURN(plan.valueQuery, render(templateQuery ? *templateQuery : spec.query));
    plan.range = effectiveRange(spec.thresholdRange, spec.threshold, ThresholdSense::kMaximum);
    return plan;
  }

  std::optional<BuiltinCheck> builtin = builtinCheckByName(spec.name);
  std::optional<BuiltinCheck> compared = comparisonBase(spec.name);
  if (!builtin && !compared) {
    return absl::InvalidArgumentError(
        strCat("metric ", spec.name, ": not a builtin check and has neither a templateRef nor a query"));
  }
  BuiltinQueries canary = builtinQueries(builtin ? *builtin : *compared, Backend::kCanary, options);
  PENNANT_ASSIGN_OR_RETURN(plan.valueQuery, render(canary.value));
  if (spec.minRequests && *spec.minRequests > 0) {
    PENNANT_ASSIGN_OR_RETURN(plan.countQuery, render(canary.requestCount));
    plan.minRequests = *spec.minRequests;
  }
  if (compared) {
    PENNANT_ASSIGN_OR_RETURN(plan.primaryQuery, render(builtinQueries(*compared, Backend::kPrimary, options).value));
    plan.range = effectiveRange(spec.thresholdRange, spec.threshold, ThresholdSense::kMaximum);
    plan.unit = "pp";
    return plan;
  }
  const bool successRate = isSuccessRate(*builtin);
  plan.range = effectiveRange(spec.thresholdRange, spec.threshold,
                              successRate ? ThresholdSense::kMinimum : ThresholdSense::kMaximum);
  plan.unit = successRate ? "%" : "ms";
  return plan;
}

CheckResult judgeCheck(const CheckPlan& plan, const CheckObservations& observations) {
  if (plan.countQuery) {
    if (!observations.requestCount) return queryFailed(plan, absl::InternalError("not run"), "request count query");
    if (auto verdict = guardVerdict(plan, *observations.requestCount)) return std::move(*verdict);
  }
  if (!observations.value) return queryFailed(plan, absl::InternalError("not run"), "query");
  auto canary = usableValue(plan, *observations.value, plan.primaryQuery ? "canary's success rate" : "query");
  if (auto* done = std::get_if<CheckResult>(&canary)) return std::move(*done);
  double value = std::get<double>(canary);

  if (plan.primaryQuery) {
    if (!observations.primaryValue) return queryFailed(plan, absl::InternalError("not run"), "primary's query");
    auto primary = usableValue(plan, *observations.primaryValue, "primary's success rate");
    if (auto* done = std::get_if<CheckResult>(&primary)) return std::move(*done);
    // canary error % - primary error % == primary success % - canary success %.
    value = std::get<double>(primary) - value;
  }

  CheckResult r;
  r.metricName = plan.metricName;
  r.value = value;
  if (auto why = outOfRange(value, plan.range)) {
    r.outcome = CheckOutcome::kOutOfRange;
    r.message = strCat("metric ", plan.metricName, ": ", *why, plan.unit.empty() ? "" : strCat(" (", plan.unit, ")"));
  } else {
    r.outcome = CheckOutcome::kPassed;
    r.message = strCat("metric ", plan.metricName, ": ", formatValue(value, plan.unit), " within range");
  }
  return r;
}

CheckResult runCheck(const CheckPlan& plan, MetricProvider& provider) {
  CheckObservations observations;
  if (plan.countQuery) {
    observations.requestCount = provider.query(*plan.countQuery);
    // When the guard already decides, the value queries are not worth running.
    if (auto verdict = guardVerdict(plan, *observations.requestCount)) return std::move(*verdict);
  }
  observations.value = provider.query(plan.valueQuery);
  if (plan.primaryQuery && observations.value->ok()) observations.primaryValue = provider.query(*plan.primaryQuery);
  return judgeCheck(plan, observations);
}

CheckResult evaluateMetric(const MetricSpec& spec, const TemplateModel& model,
                           const std::optional<std::string>& templateQuery, const BuiltinOptions& options,
                           MetricProvider& provider) {
  auto plan = planCheck(spec, model, templateQuery, options);
  if (!plan.ok()) {
    CheckResult r;
    r.metricName = spec.name;
    r.outcome = CheckOutcome::kInvalid;
    r.error = plan.status();
    r.message = std::string(plan.status().message());
    return r;
  }
  return runCheck(*plan, provider);
}

}  // namespace pennant::metrics
