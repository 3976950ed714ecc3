#pragma once
// Prometheus HTTP API instant queries (/api/v1/query) over the http::Client seam.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "http/http_client.h"
#include "metrics/credentials.h"
#include "metrics/provider.h"

namespace pennant::metrics {

struct PrometheusConfig {
  std::string address;  // "http://prometheus.monitoring:9090" (a path prefix is kept)
  http::Headers headers;  // MetricTemplate spec.provider.headers, one entry per value
  Credentials credentials;  // from spec.provider.secretRef; empty = none
  std::chrono::milliseconds timeout{std::chrono::seconds(5)};  // per query (Flagger: 5s)
};

// The http::Client carries the TLS settings (insecureSkipVerify); see makeProvider().
StatusOr<MetricProviderPtr> makePrometheusProvider(PrometheusConfig config, http::ClientPtr client);

// Turns one /api/v1/query answer into MetricProvider::query()'s result. Pure, for tests.
StatusOr<std::optional<double>> parsePrometheusAnswer(int httpStatus, std::string_view body, std::string_view query);

// Parses a Prometheus sample value: "1.5", "1e+06", "NaN", "+Inf", "-Inf".
std::optional<double> parseSampleValue(std::string_view text);

// "http://user:secret@host/" -> "http://host/" (addresses appear in messages and logs).
std::string redactAddress(std::string_view address);

}  // namespace pennant::metrics
