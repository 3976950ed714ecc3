#pragma once
// Builds the provider of a MetricTemplate (spec.provider) or of the builtin checks.
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "http/http_client.h"
#include "metrics/credentials.h"
#include "metrics/provider.h"

namespace pennant::metrics {

// MetricTemplate spec.provider.
struct TemplateProvider {
  std::string type = "prometheus";
  std::string address;
  std::map<std::string, std::vector<std::string>> headers;  // http.Header shape: name -> values
  bool insecureSkipVerify = false;
  std::string secretName;  // spec.provider.secretRef.name; "" = none
  std::chrono::milliseconds timeout{std::chrono::seconds(5)};  // Pennant addition: per-query timeout
};

// Makes the HTTP client for a provider; insecureSkipVerify lives in the TLS options.
using HttpClientFactory = std::function<http::ClientPtr(const http::TlsOptions&)>;

// `credentials` come from credentialsFromSecret() when secretName is set. An unsupported type is
// an error (Pennant only speaks prometheus); it never falls back to another provider.
StatusOr<MetricProviderPtr> makeProvider(const TemplateProvider& provider, const Credentials& credentials,
                                         const HttpClientFactory& makeClient);

}  // namespace pennant::metrics
