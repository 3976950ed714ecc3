#include "validation/canary_checks.h"

#include <string>

#include "metrics/check.h"
#include "metrics/metric_spec_json.h"
#include "notify/alerts.h"
#include "notify/webhook.h"
#include "router/gatewayapi/route_validation.h"

namespace pennant::validation {
namespace {

// The webhook and alert parsers report "analysis.webhooks[1].url: required", one per line.
void addParserProblems(const Status& status, api::Problems& out) {
  if (status.ok()) return;
  for (const std::string& line : api::problemLines(status)) {
    const auto colon = line.find(": ");
    if (colon == std::string::npos) {
      out.push_back({"spec.analysis", line});
    } else {
      out.push_back({"spec." + line.substr(0, colon), line.substr(colon + 2)});
    }
  }
}

void checkMetrics(const Json& metrics, api::Problems& out) {
  if (!metrics.is_array()) return;  // parseCanary already refused a non-list
  for (size_t i = 0; i < metrics.size(); ++i) {
    const std::string field = "spec.analysis.metrics[" + std::to_string(i) + "]";
    auto entry = metrics::metricEntryFromJson(metrics[i]);
    if (!entry.ok()) {
      out.push_back({field, std::string(entry.status().message())});
      continue;
    }
    const metrics::MetricSpec& spec = entry->spec;
    if (!entry->templateRef && spec.query.empty() && !metrics::isBuiltinMetricName(spec.name)) {
      out.push_back({field + ".name", "\"" + spec.name +
                                          "\" is not a builtin check and the metric has neither a query nor a "
                                          "templateRef"});
    }
  }
}

}  // namespace

api::Problems checkAnalysisHooks(const api::Analysis& analysis) {
  api::Problems out;
  addParserProblems(notify::parseWebhooks(analysis.webhooks).status(), out);
  checkMetrics(analysis.metrics, out);
  addParserProblems(notify::parseAlertRefs(analysis.alerts).status(), out);
  return out;
}

api::Problems checkCanary(const api::Canary& canary) {
  api::Problems out = router::gatewayapi::validateCanaryForRouting(canary);
  api::Problems hooks = checkAnalysisHooks(canary.analysis);
  out.insert(out.end(), hooks.begin(), hooks.end());
  return out;
}

}  // namespace pennant::validation
