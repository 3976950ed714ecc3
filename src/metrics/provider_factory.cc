#include "metrics/provider_factory.h"

#include <absl/strings/str_cat.h>

#include "metrics/strings.h"

#include "metrics/prometheus_provider.h"

namespace pennant::metrics {

StatusOr<MetricProviderPtr> makeProvider(const TemplateProvider& provider, const Credentials& credentials,
                                         const HttpClientFactory& makeClient) {
  if (provider.type != "prometheus") {
    return absl::InvalidArgumentError(
        strCat("metric provider type \"", provider.type, "\" is not supported (supported: prometheus)"));
  }
  if (!provider.secretName.empty() && credentials.empty()) {
    return absl::InvalidArgumentError(
        strCat("metric provider secretRef ", provider.secretName, " gave no credentials"));
  }
  PrometheusConfig config;
  config.address = provider.address;
  config.credentials = credentials;
  config.timeout = provider.timeout;
  for (const auto& [name, values] : provider.headers) {
    for (const auto& value : values) config.headers.emplace_back(name, value);
  }
  http::TlsOptions tls;
  tls.insecureSkipVerify = provider.insecureSkipVerify;
  return makePrometheusProvider(std::move(config), makeClient(tls));
}

}  // namespace pennant::metrics
