#include "metrics/builtin_queries.h"

#include <gtest/gtest.h>

#include "metrics/query_template.h"

namespace pennant::metrics {
namespace {

TemplateModel queryModel() {
  TemplateModel m;
  m.name = "podinfo";
  m.ns = "test";
  m.target = "podinfo";
  m.service = "podinfo";
  m.ingress = "podinfo";
  m.route = "podinfo";
  m.interval = "1m";
  return m;
}

std::string rendered(BuiltinCheck check, Backend backend, const BuiltinOptions& options) {
  auto out = renderQuery(builtinQueries(check, backend, options).value, queryModel());
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *out : "";
}

TEST(BuiltinQueriesTest, NamesAndFlavours) {
  EXPECT_EQ(builtinCheckByName("grpc-success-rate"), BuiltinCheck::kGrpcSuccessRate);
  EXPECT_EQ(builtinCheckByName("grpc-request-duration"), BuiltinCheck::kGrpcRequestDuration);
  EXPECT_EQ(builtinCheckByName("request-success-rate"), BuiltinCheck::kRequestSuccessRate);
  EXPECT_EQ(builtinCheckByName("request-duration"), BuiltinCheck::kRequestDuration);
  EXPECT_FALSE(builtinCheckByName("error-rate").has_value());
  for (BuiltinCheck c : {BuiltinCheck::kRequestSuccessRate, BuiltinCheck::kRequestDuration,
                         BuiltinCheck::kGrpcSuccessRate, BuiltinCheck::kGrpcRequestDuration}) {
    EXPECT_EQ(builtinCheckByName(builtinCheckName(c)), c);
  }
  EXPECT_EQ(*parseQueryFlavour("istio"), QueryFlavour::kIstio);
  EXPECT_EQ(*parseQueryFlavour("envoy"), QueryFlavour::kEnvoy);
  EXPECT_EQ(*parseQueryFlavour("app"), QueryFlavour::kApp);
  EXPECT_FALSE(parseQueryFlavour("linkerd").ok());
}

TEST(BuiltinQueriesTest, AppGrpcSuccessRateJudgesGrpcCodeInCamelCase) {
  std::string q = rendered(BuiltinCheck::kGrpcSuccessRate, Backend::kCanary, {});
  EXPECT_EQ(
      q,
      "100 * (1 - (sum(rate(grpc_server_handled_total{kubernetes_namespace=\"test\", "
      "kubernetes_pod_name=~\"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)\", "
      "grpc_code=~\"Unknown|DeadlineExceeded|Unimplemented|Internal|Unavailable|DataLoss\"}[1m])) or vector(0)) / "
      "sum(rate(grpc_server_handled_total{kubernetes_namespace=\"test\", "
      "kubernetes_pod_name=~\"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)\"}[1m])))");
}

TEST(BuiltinQueriesTest, ResourceExhaustedJoinsTheFailuresWhenConfigured) {
  BuiltinOptions options;
  options.grpc.resourceExhaustedIsFailure = true;
  EXPECT_NE(rendered(BuiltinCheck::kGrpcSuccessRate, Backend::kCanary, options)
                .find("grpc_code=~\"Unknown|DeadlineExceeded|ResourceExhausted|Unimplemented"),
            std::string::npos);
  options.flavour = QueryFlavour::kIstio;
  EXPECT_NE(rendered(BuiltinCheck::kGrpcSuccessRate, Backend::kCanary, options)
                .find("grpc_response_status=~\"2|4|8|12|13|14|15\""),
            std::string::npos);
}

TEST(BuiltinQueriesTest, IstioSelectsTheBackendServiceAndGrpcStatus) {
  BuiltinOptions options;
  options.flavour = QueryFlavour::kIstio;
  std::string canary = rendered(BuiltinCheck::kGrpcSuccessRate, Backend::kCanary, options);
  EXPECT_NE(canary.find("reporter=\"source\", destination_service_namespace=\"test\", "
                        "destination_service_name=\"podinfo-canary\", request_protocol=\"grpc\", "
                        "grpc_response_status=~\"2|4|12|13|14|15\""),
            std::string::npos)
      << canary;
  EXPECT_EQ(canary.find("response_code"), std::string::npos);  // gRPC errors are HTTP 200
  std::string primary = rendered(BuiltinCheck::kGrpcSuccessRate, Backend::kPrimary, options);
  EXPECT_NE(primary.find("destination_service_name=\"podinfo-primary\""), std::string::npos);
  std::string duration = rendered(BuiltinCheck::kGrpcRequestDuration, Backend::kCanary, options);
  EXPECT_EQ(duration,
            "histogram_quantile(0.99, sum(rate(istio_request_duration_milliseconds_bucket{reporter=\"source\", "
            "destination_service_namespace=\"test\", destination_service_name=\"podinfo-canary\", "
            "request_protocol=\"grpc\"}[1m])) by (le))");
  std::string http = rendered(BuiltinCheck::kRequestSuccessRate, Backend::kCanary, options);
  EXPECT_NE(http.find("response_code=~\"5.*\""), std::string::npos);
}

TEST(BuiltinQueriesTest, EnvoyGrpcStatsSelectTheCodeByMetricName) {
  BuiltinOptions options;
  options.flavour = QueryFlavour::kEnvoy;
  std::string q = rendered(BuiltinCheck::kGrpcSuccessRate, Backend::kCanary, options);
  // rate() drops __name__, so the per-code series go through label_replace in a subquery.
  EXPECT_EQ(
      q,
      "100 * (1 - (sum(rate(label_replace({__name__=~\"envoy_cluster_grpc_(.+_)?(2|4|12|13|14|15)\", "
      "envoy_cluster_name=~\"test_podinfo-canary_[0-9a-zA-Z-]+\"}, \"envoy_stat\", \"$1\", \"__name__\", \"(.+)\")"
      "[1m:15s])) or vector(0)) / "
      "sum(rate(label_replace({__name__=~\"envoy_cluster_grpc_(.+_)?total\", "
      "envoy_cluster_name=~\"test_podinfo-canary_[0-9a-zA-Z-]+\"}, \"envoy_stat\", \"$1\", \"__name__\", \"(.+)\")"
      "[1m:15s])))");
  options.envoyClusterRegex = "httproute/{{ namespace }}/{{ route }}/rule/0/{backend}";
  EXPECT_NE(rendered(BuiltinCheck::kGrpcRequestDuration, Backend::kPrimary, options)
                .find("envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name=~\"httproute/test/podinfo/rule/0/"
                      "podinfo-primary\"}"),
            std::string::npos);
}

TEST(BuiltinQueriesTest, AppDurationIsInMillisecondsAndUnaryOnly) {
  BuiltinOptions options;
  options.percentile = 0.95;
  std::string q = rendered(BuiltinCheck::kGrpcRequestDuration, Backend::kCanary, options);
  EXPECT_EQ(q,
            "histogram_quantile(0.95, sum(rate(grpc_server_handling_seconds_bucket{kubernetes_namespace=\"test\", "
            "kubernetes_pod_name=~\"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)\", grpc_type=\"unary\"}[1m])) by (le)) * 1000");
}

TEST(BuiltinQueriesTest, AppHttpMatchesFlaggerSelectors) {
  std::string q = rendered(BuiltinCheck::kRequestSuccessRate, Backend::kPrimary, {});
  EXPECT_NE(q.find("http_request_duration_seconds_count{kubernetes_namespace=\"test\", "
                   "kubernetes_pod_name=~\"podinfo-primary-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)\", status=~\"5.*\"}[1m]"),
            std::string::npos)
      << q;
  std::string d = rendered(BuiltinCheck::kRequestDuration, Backend::kCanary, {});
  EXPECT_NE(d.find("http_request_duration_seconds_bucket{"), std::string::npos);
  EXPECT_TRUE(d.ends_with(" by (le)) * 1000"));
}

TEST(BuiltinQueriesTest, RequestCountQueriesForTheGuard) {
  for (QueryFlavour flavour : {QueryFlavour::kApp, QueryFlavour::kIstio, QueryFlavour::kEnvoy}) {
    BuiltinOptions options;
    options.flavour = flavour;
    for (BuiltinCheck c : {BuiltinCheck::kRequestSuccessRate, BuiltinCheck::kRequestDuration,
                           BuiltinCheck::kGrpcSuccessRate, BuiltinCheck::kGrpcRequestDuration}) {
      auto count = renderQuery(builtinQueries(c, Backend::kCanary, options).requestCount, queryModel());
      ASSERT_TRUE(count.ok());
      EXPECT_TRUE(count->starts_with("sum(increase(")) << *count;
      EXPECT_TRUE(count->ends_with("[1m]))") || count->ends_with("[1m:15s]))")) << *count;
    }
  }
}

}  // namespace
}  // namespace pennant::metrics
