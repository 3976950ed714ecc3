#include "metrics/builtin_queries.h"

#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>
#include <absl/strings/str_replace.h>
#include <fmt/format.h>

#include <vector>

#include "metrics/strings.h"

namespace pennant::metrics {
namespace {

constexpr std::string_view kWindow = "[{{ interval }}]";

std::string percentileText(double percentile) { return fmt::format("{}", percentile); }

std::string failureCodes(const GrpcClassification& grpc, bool camel) {
  std::vector<std::string> names;
  for (GrpcCode code : grpc.serverFailures()) {
    names.push_back(camel ? std::string(grpcCodeCamelName(code)) : std::to_string(static_cast<int>(code)));
  }
  return absl::StrJoin(names, "|");
}

// 100 * (1 - failed / all). `or vector(0)`: with no failures the failure selector matches no
// series, and an empty numerator would turn a perfect canary into "no values".
std::string successRate(std::string_view failedRate, std::string_view allRate) {
  return strCat("100 * (1 - (", failedRate, " or vector(0)) / ", allRate, ")");
}

std::string sumRate(std::string_view selector) { return strCat("sum(rate(", selector, kWindow, "))"); }
std::string sumIncrease(std::string_view selector) { return strCat("sum(increase(", selector, kWindow, "))"); }

std::string quantile(double percentile, std::string_view bucketSelector, std::string_view scale) {
  return strCat("histogram_quantile(", percentileText(percentile), ", sum(rate(", bucketSelector, kWindow,
                      ")) by (le))", scale);
}

// --- app: the workload's own metrics, pods selected like Flagger's HTTP observer ---------------

std::string appPods(const BuiltinOptions& o, Backend backend) {
  std::string_view workload = backend == Backend::kCanary ? "{{ target }}" : "{{ target }}-primary";
  // <workload>-<replicaset hash>-<pod suffix>; anchored, so the canary regex never matches -primary pods.
  return strCat(o.appNamespaceLabel, "=\"{{ namespace }}\", ", o.appPodLabel, "=~\"", workload,
                      "-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)\"");
}

BuiltinQueries appQueries(BuiltinCheck check, Backend backend, const BuiltinOptions& o) {
  const std::string pods = appPods(o, backend);
  switch (check) {
    case BuiltinCheck::kRequestSuccessRate:
    case BuiltinCheck::kRequestDuration: {
      const std::string all = strCat("http_request_duration_seconds_count{", pods, "}");
      if (check == BuiltinCheck::kRequestDuration) {
        return {quantile(o.percentile, strCat("http_request_duration_seconds_bucket{", pods, "}"), " * 1000"),
                sumIncrease(all)};
      }
      const std::string failed = strCat("http_request_duration_seconds_count{", pods, ", status=~\"5.*\"}");
      return {successRate(sumRate(failed), sumRate(all)), sumIncrease(all)};
    }
    case BuiltinCheck::kGrpcSuccessRate:
    case BuiltinCheck::kGrpcRequestDuration: {
      const std::string all = strCat("grpc_server_handled_total{", pods, "}");
      if (check == BuiltinCheck::kGrpcRequestDuration) {
        // Unary only: a stream's "duration" is its lifetime and would swamp the percentile.
        return {quantile(o.percentile,
                         strCat("grpc_server_handling_seconds_bucket{", pods, ", grpc_type=\"unary\"}"),
                         " * 1000"),
                sumIncrease(all)};
      }
      const std::string failed =
          strCat("grpc_server_handled_total{", pods, ", grpc_code=~\"", failureCodes(o.grpc, true), "\"}");
      return {successRate(sumRate(failed), sumRate(all)), sumIncrease(all)};
    }
  }
  return {};
}

// --- istio: the gateway's (or sidecar's) view of the backend Service ---------------------------

std::string backendService(Backend backend) {
  return backend == Backend::kCanary ? "{{ service }}-canary" : "{{ service }}-primary";
}

BuiltinQueries istioQueries(BuiltinCheck check, Backend backend, const BuiltinOptions& o) {
  std::string selector = strCat("reporter=\"", o.istioReporter,
                                      "\", destination_service_namespace=\"{{ namespace }}\", destination_service_name=\"",
                                      backendService(backend), "\"");
  const bool grpc = check == BuiltinCheck::kGrpcSuccessRate || check == BuiltinCheck::kGrpcRequestDuration;
  if (grpc) selector += ", request_protocol=\"grpc\"";
  const std::string all = strCat("istio_requests_total{", selector, "}");
  switch (check) {
    case BuiltinCheck::kRequestDuration:
    case BuiltinCheck::kGrpcRequestDuration:
      return {quantile(o.percentile, strCat("istio_request_duration_milliseconds_bucket{", selector, "}"), ""),
              sumIncrease(all)};
    case BuiltinCheck::kRequestSuccessRate:
      return {successRate(sumRate(strCat("istio_requests_total{", selector, ", response_code=~\"5.*\"}")),
                          sumRate(all)),
              sumIncrease(all)};
    case BuiltinCheck::kGrpcSuccessRate:
      // gRPC errors travel with HTTP 200: judge grpc_response_status, not response_code.
      return {successRate(sumRate(strCat("istio_requests_total{", selector, ", grpc_response_status=~\"",
                                               failureCodes(o.grpc, false), "\"}")),
                          sumRate(all)),
              sumIncrease(all)};
  }
  return {};
}

// --- envoy: cluster stats of the backend's upstream cluster -----------------------------------

// sum(fn(selector)) over series told apart only by their metric name: rate() and increase() drop
// __name__, and Prometheus refuses a result with two identical label sets, so the name is copied
// into a label first, which needs a subquery.
std::string sumNamedSeries(std::string_view fn, std::string_view selector, const BuiltinOptions& o) {
  return strCat("sum(", fn, "(label_replace(", selector, ", \"envoy_stat\", \"$1\", \"__name__\", \"(.+)\")[{{ interval }}:",
                o.envoySubqueryStep, "]))");
}

BuiltinQueries envoyQueries(BuiltinCheck check, Backend backend, const BuiltinOptions& o) {
  const std::string cluster = strCat(
      "envoy_cluster_name=~\"", absl::StrReplaceAll(o.envoyClusterRegex, {{"{backend}", toAbsl(backendService(backend))}}), "\"");
  switch (check) {
    case BuiltinCheck::kRequestSuccessRate:
    case BuiltinCheck::kRequestDuration: {
      const std::string all = strCat("envoy_cluster_upstream_rq{", cluster, "}");
      if (check == BuiltinCheck::kRequestDuration) {
        return {quantile(o.percentile, strCat("envoy_cluster_upstream_rq_time_bucket{", cluster, "}"), ""),
                sumIncrease(all)};
      }
      return {successRate(sumRate(strCat("envoy_cluster_upstream_rq{", cluster, ", envoy_response_code=~\"5.*\"}")),
                          sumRate(all)),
              sumIncrease(all)};
    }
    case BuiltinCheck::kGrpcSuccessRate:
    case BuiltinCheck::kGrpcRequestDuration: {
      // grpc_stats puts the status code in the metric name (envoy_cluster_grpc_[<svc>_]<code>) and
      // keeps its own "total" counter; the optional (.+_)? covers per-method stats.
      const std::string all = strCat("{__name__=~\"envoy_cluster_grpc_(.+_)?total\", ", cluster, "}");
      if (check == BuiltinCheck::kGrpcRequestDuration) {
        // grpc_stats' own upstream_rq_time needs enable_upstream_stats; the cluster's histogram is always there.
        return {quantile(o.percentile, strCat("envoy_cluster_upstream_rq_time_bucket{", cluster, "}"), ""),
                sumNamedSeries("increase", all, o)};
      }
      const std::string failed = strCat("{__name__=~\"envoy_cluster_grpc_(.+_)?(", failureCodes(o.grpc, false),
                                              ")\", ", cluster, "}");
      return {successRate(sumNamedSeries("rate", failed, o), sumNamedSeries("rate", all, o)),
              sumNamedSeries("increase", all, o)};
    }
  }
  return {};
}

}  // namespace

std::optional<BuiltinCheck> builtinCheckByName(std::string_view name) {
  if (name == "request-success-rate") return BuiltinCheck::kRequestSuccessRate;
  if (name == "request-duration") return BuiltinCheck::kRequestDuration;
  if (name == "grpc-success-rate") return BuiltinCheck::kGrpcSuccessRate;
  if (name == "grpc-request-duration") return BuiltinCheck::kGrpcRequestDuration;
  return std::nullopt;
}

std::string_view builtinCheckName(BuiltinCheck check) {
  switch (check) {
    case BuiltinCheck::kRequestSuccessRate:
      return "request-success-rate";
    case BuiltinCheck::kRequestDuration:
      return "request-duration";
    case BuiltinCheck::kGrpcSuccessRate:
      return "grpc-success-rate";
    case BuiltinCheck::kGrpcRequestDuration:
      return "grpc-request-duration";
  }
  return "";
}

bool isSuccessRate(BuiltinCheck check) {
  return check == BuiltinCheck::kRequestSuccessRate || check == BuiltinCheck::kGrpcSuccessRate;
}

StatusOr<QueryFlavour> parseQueryFlavour(std::string_view text) {
  if (text == "app") return QueryFlavour::kApp;
  if (text == "istio") return QueryFlavour::kIstio;
  if (text == "envoy") return QueryFlavour::kEnvoy;
  return absl::InvalidArgumentError(strCat("unknown metrics flavour \"", text, "\" (want app, istio or envoy)"));
}

std::string_view queryFlavourName(QueryFlavour flavour) {
  switch (flavour) {
    case QueryFlavour::kApp:
      return "app";
    case QueryFlavour::kIstio:
      return "istio";
    case QueryFlavour::kEnvoy:
      return "envoy";
  }
  return "";
}

BuiltinQueries builtinQueries(BuiltinCheck check, Backend backend, const BuiltinOptions& options) {
  switch (options.flavour) {
    case QueryFlavour::kApp:
      return appQueries(check, backend, options);
    case QueryFlavour::kIstio:
      return istioQueries(check, backend, options);
    case QueryFlavour::kEnvoy:
      return envoyQueries(check, backend, options);
  }
  return {};
}

}  // namespace pennant::metrics
