#include "metrics/metric_spec_json.h"

#include "metrics/strings.h"

namespace pennant::metrics {
namespace {

Status fieldError(const std::string& metric, std::string_view field, std::string_view want) {
  return absl::InvalidArgumentError(strCat("metric ", metric.empty() ? "<unnamed>" : metric, ": ", field, " must be ", want));
}

StatusOr<std::optional<double>> optionalNumber(const Json& object, const char* key, const std::string& metric,
                                               std::string_view field) {
  if (!object.contains(key) || object[key].is_null()) return std::optional<double>();
  if (!object[key].is_number()) return fieldError(metric, field, "a number");
  return std::optional<double>(object[key].get<double>());
}

StatusOr<std::string> optionalString(const Json& object, const char* key, const std::string& metric) {
  if (!object.contains(key) || object[key].is_null()) return std::string();
  if (!object[key].is_string()) return fieldError(metric, key, "a string");
  return object[key].get<std::string>();
}

}  // namespace

StatusOr<MetricEntry> metricEntryFromJson(const Json& metric) {
  if (!metric.is_object()) return absl::InvalidArgumentError("a metric must be an object");
  MetricEntry entry;
  MetricSpec& spec = entry.spec;
  PENNANT_ASSIGN_OR_RETURN(spec.name, optionalString(metric, "name", ""));
  if (spec.name.empty()) return absl::InvalidArgumentError("a metric needs a name");
  PENNANT_ASSIGN_OR_RETURN(spec.interval, optionalString(metric, "interval", spec.name));
  PENNANT_ASSIGN_OR_RETURN(spec.query, optionalString(metric, "query", spec.name));
  PENNANT_ASSIGN_OR_RETURN(spec.threshold, optionalNumber(metric, "threshold", spec.name, "threshold"));

  if (metric.contains("thresholdRange") && !metric["thresholdRange"].is_null()) {
    const Json& range = metric["thresholdRange"];
    if (!range.is_object()) return fieldError(spec.name, "thresholdRange", "an object");
    ThresholdRange parsed;
    PENNANT_ASSIGN_OR_RETURN(parsed.min, optionalNumber(range, "min", spec.name, "thresholdRange.min"));
    PENNANT_ASSIGN_OR_RETURN(parsed.max, optionalNumber(range, "max", spec.name, "thresholdRange.max"));
    spec.thresholdRange = parsed;
  }
  if (metric.contains("templateRef") && !metric["templateRef"].is_null()) {
    const Json& ref = metric["templateRef"];
    if (!ref.is_object()) return fieldError(spec.name, "templateRef", "an object");
    TemplateRef parsed;
    PENNANT_ASSIGN_OR_RETURN(parsed.name, optionalString(ref, "name", spec.name));
    PENNANT_ASSIGN_OR_RETURN(parsed.ns, optionalString(ref, "namespace", spec.name));
    if (parsed.name.empty()) return fieldError(spec.name, "templateRef.name", "set");
    entry.templateRef = parsed;
  }
  if (metric.contains("templateVariables") && !metric["templateVariables"].is_null()) {
    const Json& vars = metric["templateVariables"];
    if (!vars.is_object()) return fieldError(spec.name, "templateVariables", "an object of strings");
    for (const auto& [key, value] : vars.items()) {
      if (!value.is_string()) return fieldError(spec.name, strCat("templateVariables.", key), "a string");
      spec.templateVariables[key] = value.get<std::string>();
    }
  }
  if (metric.contains("minRequests") && !metric["minRequests"].is_null()) {
    if (!metric["minRequests"].is_number_integer() || metric["minRequests"].get<int64_t>() < 0) {
      return fieldError(spec.name, "minRequests", "a non-negative integer");
    }
    spec.minRequests = metric["minRequests"].get<int64_t>();
  }
  PENNANT_ASSIGN_OR_RETURN(std::string flavour, optionalString(metric, "queryFlavour", spec.name));
  if (!flavour.empty()) {
    auto parsed = parseQueryFlavour(flavour);
    if (!parsed.ok()) return fieldError(spec.name, "queryFlavour", "app, istio or envoy");
    spec.flavour = *parsed;
  }
  return entry;
}

}  // namespace pennant::metrics
