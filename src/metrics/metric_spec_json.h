#pragma once
// Reads one Canary spec.analysis.metrics[] entry (JSON, as api::CanaryAnalysis keeps it) into a
// MetricSpec, so the controller can hand metrics straight to planCheck()/evaluateMetric().
#include <optional>
#include <string>

#include "common/json.h"
#include "common/status.h"
#include "metrics/check.h"

namespace pennant::metrics {

struct TemplateRef {
  std::string name;
  std::string ns;  // "" = the Canary's namespace
};

struct MetricEntry {
  MetricSpec spec;
  std::optional<TemplateRef> templateRef;
};

// Flagger's fields (name, interval, threshold, thresholdRange, query, templateRef,
// templateVariables) plus Pennant's optional minRequests (integer) and queryFlavour
// ("app" | "istio" | "envoy"). Errors are kInvalidArgument naming the field.
StatusOr<MetricEntry> metricEntryFromJson(const Json& metric);

}  // namespace pennant::metrics
