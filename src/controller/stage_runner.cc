#include "controller/stage_runner.h"

#include <absl/strings/escaping.h>

#include "api/metric_template.h"
#include "kube/resource.h"
#include "metrics/check.h"
#include "metrics/credentials.h"
#include "metrics/metric_spec_json.h"
#include "notify/alerts.h"
#include "notify/webhook.h"

namespace pennant::controller {
namespace {

notify::WebhookPayload basePayload(const api::Canary& canary, api::Phase phase) {
  notify::WebhookPayload p;
  p.name = canary.name;
  p.namespace_ = canary.namespace_;
  p.phase = std::string(api::phaseName(phase));
  p.checksum = notify::canaryChecksum(canary.status.trackedConfigs, canary.status.lastAppliedSpec);
  return p;
}

// The Secret's data, base64-decoded (what notify::resolveAlertTarget expects).
Json decodedSecretData(const Json& secret) {
  Json out = Json::object();
  const Json* data = findPath(secret, {"data"});
  if (data && data->is_object()) {
    for (const auto& [k, v] : data->items()) {
      std::string decoded;
      if (v.is_string() && absl::Base64Unescape(v.get<std::string>(), &decoded)) out[k] = decoded;
    }
  }
  return out;
}

notify::Severity toSeverity(analysis::AlertSeverity s) {
  switch (s) {
    case analysis::AlertSeverity::kWarn:
      return notify::Severity::kWarn;
    case analysis::AlertSeverity::kError:
      return notify::Severity::kError;
    default:
      return notify::Severity::kInfo;
  }
}

}  // namespace

void StageRunner::run(const analysis::Plan& plan, analysis::Observations& obs) {
  for (const auto& stage : plan.stages) {
    if (stage.kind == analysis::StageKind::kWebhooks) {
      auto results = runHooks(stage.hookType, canary_.status.phase);
      obs.webhooks.insert(obs.webhooks.end(), results.begin(), results.end());
      if (!analysis::continueAfter(stage, results)) return;
    } else {
      obs.checks = runChecks();
      obs.checksRan = true;
      if (!analysis::continueAfter(obs.checks)) return;
    }
  }
}

std::vector<analysis::WebhookResult> StageRunner::runHooks(analysis::HookType type, api::Phase phase) {
  std::vector<analysis::WebhookResult> out;
  auto hooks = notify::parseWebhooks(canary_.analysis.webhooks);
  if (!hooks.ok()) {
    out.push_back({"webhooks", type, false, std::string(hooks.status().message())});
    return out;
  }
  for (const auto& hook : notify::hooksOfType(*hooks, type)) {
    notify::WebhookResult r = notify::callWebhook(http_, hook, basePayload(canary_, phase));
    std::string message =
        r.ok ? ""
             : hook.name + " failed: " + (r.httpStatus ? "HTTP " + std::to_string(r.httpStatus) + " " : "") + r.message;
    out.push_back({hook.name, type, r.ok, message});
  }
  return out;
}

std::vector<analysis::CheckVerdict> StageRunner::runChecks() {
  std::vector<analysis::CheckVerdict> out;
  if (!canary_.analysis.metrics.is_array()) return out;
  for (const auto& metric : canary_.analysis.metrics) out.push_back(runCheck(metric));
  return out;
}

analysis::CheckVerdict StageRunner::runCheck(const Json& metric) {
  auto entry = metrics::metricEntryFromJson(metric);
  if (!entry.ok()) return {metric.value("name", "metric"), false, std::string(entry.status().message())};
  const std::string name = entry->spec.name;
  metrics::TemplateProvider provider;
  metrics::Credentials credentials;
  std::optional<std::string> templateQuery;
  if (entry->templateRef) {
    const std::string ns = entry->templateRef->ns.empty() ? canary_.namespace_ : entry->templateRef->ns;
    auto object = store_.get(kube::resources::metricTemplates(), ns, entry->templateRef->name);
    if (!object) return {name, false, "MetricTemplate " + ns + "/" + entry->templateRef->name + " not found"};
    auto tmpl = api::parseMetricTemplate(*object);
    if (!tmpl.ok()) return {name, false, std::string(tmpl.status().message())};
    provider.type = tmpl->provider.type;
    provider.address = tmpl->provider.address;
    provider.headers = tmpl->provider.headers;
    provider.insecureSkipVerify = tmpl->provider.insecureSkipVerify;
    provider.secretName = tmpl->provider.secretRefName;
    templateQuery = tmpl->query;
    if (!provider.secretName.empty()) {
      auto secret = store_.get(kube::resources::secrets(), ns, provider.secretName);
      if (!secret) return {name, false, "secret " + ns + "/" + provider.secretName + " not found"};
      auto creds = metrics::credentialsFromSecret(*secret);
      if (!creds.ok()) return {name, false, std::string(creds.status().message())};
      credentials = *creds;
    }
  } else {
    if (options_.metricsServer.empty()) return {name, false, "no metrics server configured (--metrics-server)"};
    provider.address = options_.metricsServer;
  }
  auto factory =
      options_.providerClients
          ? options_.providerClients
          : metrics::HttpClientFactory([](const http::TlsOptions& tls) { return http::makeCurlClient(tls); });
  auto made = metrics::makeProvider(provider, credentials, factory);
  if (!made.ok()) return {name, false, std::string(made.status().message())};
  metrics::TemplateModel model;
  model.name = canary_.name;
  model.ns = canary_.namespace_;
  model.target = canary_.targetRef.name;
  model.service = canary_.apexName();
  model.ingress = canary_.targetRef.name;
  model.route = canary_.routeRef ? canary_.routeRef->name : canary_.targetRef.name;
  auto result = metrics::evaluateMetric(entry->spec, model, templateQuery, options_.builtin, **made);
  const std::string metricName = result.metricName.empty() ? name : result.metricName;
  if (result.value) measured_.emplace_back(metricName, *result.value);
  return {metricName, result.passed(), result.message};
}

void StageRunner::sendEventHooks(const analysis::RecordEvent& event, int64_t unixMillis) {
  auto hooks = notify::parseWebhooks(canary_.analysis.webhooks);
  if (!hooks.ok()) return;
  for (const auto& hook : notify::hooksOfType(*hooks, notify::HookType::kEvent)) {
    auto payload = notify::eventPayload(
        basePayload(canary_, event.phase == api::Phase::kNone ? canary_.status.phase : event.phase), hook,
        event.message, kube::eventTypeName(event.type), unixMillis);
    notify::callWebhook(http_, hook, payload);
  }
}

Status StageRunner::sendAlert(const analysis::SendAlert& alert) {
  auto refs = notify::parseAlertRefs(canary_.analysis.alerts);
  if (!refs.ok()) return refs.status();
  const notify::Severity severity = toSeverity(alert.severity);
  std::string errors;
  for (const auto& ref : *refs) {
    if (!notify::shouldAlert(ref.severity, severity)) continue;
    const std::string ns = notify::providerNamespace(ref, canary_.namespace_);
    auto object = store_.get(kube::resources::alertProviders(), ns, ref.providerName);
    Status s = absl::OkStatus();
    if (!object) {
      s = absl::NotFoundError("AlertProvider " + ns + "/" + ref.providerName + " not found");
    } else if (auto provider = api::parseAlertProvider(*object); !provider.ok()) {
      s = provider.status();
    } else {
      std::optional<Json> data;
      if (!provider->secretRefName.empty()) {
        if (auto secret = store_.get(kube::resources::secrets(), ns, provider->secretRefName)) {
          data = decodedSecretData(*secret);
        }
      }
      auto target = notify::resolveAlertTarget(*provider, data ? &*data : nullptr);
      if (!target.ok()) {
        s = target.status();
      } else {
        auto fields = notify::alertFields(canary_, options_.clusterName, alert.withMetadata);
        s = notify::postAlert(http_, *target, canary_.targetRef.name, canary_.namespace_, alert.message, fields,
                              severity);
      }
    }
    if (!s.ok()) errors += (errors.empty() ? "" : "; ") + ref.name + ": " + std::string(s.message());
  }
  return errors.empty() ? absl::OkStatus() : absl::UnavailableError("alerts: " + errors);
}

}  // namespace pennant::controller
