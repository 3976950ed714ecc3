#pragma once
// Flagger-compatible query templates. Flagger renders MetricTemplate queries with Go's
// text/template and a set of zero-argument functions, so users write `{{ namespace }}`,
// `{{namespace}}`, `{{- namespace -}}` and `{{ variables.direction }}` (or
// `{{ index variables "direction" }}`). Flagger does not define `.name` (data is nil there, which
// silently renders "<no value>"); Pennant rejects it with a hint instead.
// An unknown or unset variable is an error, never an empty string.
#include <map>
#include <string>
#include <string_view>

#include "common/status.h"

namespace pennant::metrics {

// The values a query may refer to (Flagger's MetricTemplateModel).
struct TemplateModel {
  std::string name;       // Canary metadata.name
  std::string ns;         // Canary metadata.namespace  -> {{ namespace }}
  std::string target;     // spec.targetRef.name
  std::string service;    // spec.service.name, or the target name
  std::string ingress;    // spec.ingressRef.name, or the target name
  std::string route;      // spec.routeRef.name, or the target name
  std::string interval;   // the metric's interval, e.g. "1m"
  std::map<std::string, std::string> variables;  // metric templateVariables
};

// Renders `query` against `model`. Errors are kInvalidArgument and name the offending expression.
StatusOr<std::string> renderQuery(std::string_view query, const TemplateModel& model);

}  // namespace pennant::metrics
