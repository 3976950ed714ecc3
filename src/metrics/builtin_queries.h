#pragma once
// PromQL for the builtin checks, per query flavour. Queries are templates: they still contain
// Flagger's {{ namespace }}, {{ target }}, {{ service }} and {{ interval }}, which renderQuery()
// fills in. Every query yields one number: a success rate in percent or a latency in ms.
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "metrics/grpc_codes.h"

namespace pennant::metrics {

enum class BuiltinCheck {
  kRequestSuccessRate,   // "request-success-rate": % of HTTP requests that are not 5xx
  kRequestDuration,      // "request-duration": HTTP latency percentile, ms
  kGrpcSuccessRate,      // "grpc-success-rate": 100 * (1 - server failures / all calls)
  kGrpcRequestDuration,  // "grpc-request-duration": gRPC latency percentile, ms
};

std::optional<BuiltinCheck> builtinCheckByName(std::string_view name);
std::string_view builtinCheckName(BuiltinCheck check);
bool isSuccessRate(BuiltinCheck check);

// Where the numbers come from.
enum class QueryFlavour {
  kApp,    // the application's own metrics (http_request_duration_seconds_*, grpc_server_*)
  kIstio,  // istio_requests_total / istio_request_duration_milliseconds_bucket
  kEnvoy,  // Envoy cluster stats: upstream_rq, upstream_rq_time, grpc_stats counters
};

StatusOr<QueryFlavour> parseQueryFlavour(std::string_view text);  // "app" | "istio" | "envoy"
std::string_view queryFlavourName(QueryFlavour flavour);

// Which Deployment's traffic a query measures.
enum class Backend { kCanary, kPrimary };

struct BuiltinOptions {
  QueryFlavour flavour = QueryFlavour::kApp;
  GrpcClassification grpc;
  double percentile = 0.99;  // for the duration checks
  // Istio: the reporter whose view is used. A Gateway API gateway reports as "source".
  std::string istioReporter = "source";
  // Envoy: regex for envoy_cluster_name of one backend; "{backend}" becomes the backend Service
  // name ({{ service }}-canary or {{ service }}-primary). Default: Contour's naming, as Flagger.
  std::string envoyClusterRegex = "{{ namespace }}_{backend}_[0-9a-zA-Z-]+";
  // Envoy grpc_stats: resolution of the subquery that keeps the per-code metric names apart
  // (rate() drops __name__, so series of different codes would collide). About the scrape interval.
  std::string envoySubqueryStep = "15s";
  // App flavour: the labels Prometheus' Kubernetes discovery put on scraped pods (Flagger's names).
  std::string appNamespaceLabel = "kubernetes_namespace";
  std::string appPodLabel = "kubernetes_pod_name";
};

struct BuiltinQueries {
  std::string value;         // the number the check judges
  std::string requestCount;  // requests in {{ interval }}, for the minimum-traffic guard
};

BuiltinQueries builtinQueries(BuiltinCheck check, Backend backend, const BuiltinOptions& options);

}  // namespace pennant::metrics
