#include "metrics/exporter/exporter.h"

#include <gtest/gtest.h>
#include <httplib.h>

namespace pennant::testing {
namespace {

BackendTraffic canary() {
  BackendTraffic b;
  b.ns = "t";
  b.workload = "podinfo";
  b.service = "podinfo-canary";
  b.grpcCodes = {{0, 90}, {14, 10}};
  b.latencies = {{0.2, 100}};
  return b;
}

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

TEST(ExporterTest, RendersEveryFlavour) {
  std::string text = renderExposition({canary()});
  // Application metrics, codes pre-initialised.
  EXPECT_TRUE(contains(text, "grpc_server_handled_total{kubernetes_namespace=\"t\",kubernetes_pod_name=\"podinfo-7d9c8b6f5-x2x4z\","
                             "grpc_service=\"helloworld.Greeter\",grpc_method=\"SayHello\",grpc_type=\"unary\",grpc_code=\"Unavailable\"} 10\n"))
      << text;
  EXPECT_TRUE(contains(text, "grpc_code=\"DataLoss\"} 0\n"));
  EXPECT_TRUE(contains(text, "grpc_server_handling_seconds_bucket{"));
  EXPECT_TRUE(contains(text, "le=\"0.25\"} 100\n"));
  EXPECT_TRUE(contains(text, "le=\"0.1\"} 0\n"));
  // Istio: gRPC status beside HTTP 200.
  EXPECT_TRUE(contains(text, "destination_service_name=\"podinfo-canary\",destination_workload_namespace=\"t\","
                             "destination_workload=\"podinfo\",request_protocol=\"grpc\",response_code=\"200\",grpc_response_status=\"14\"} 10\n"))
      << text;
  EXPECT_TRUE(contains(text, "istio_request_duration_milliseconds_bucket{"));
  EXPECT_TRUE(contains(text, "le=\"250\"} 100\n"));
  // Envoy grpc_stats: code in the name.
  EXPECT_TRUE(contains(text, "envoy_cluster_grpc_Greeter_14{envoy_cluster_name=\"t_podinfo-canary_9898\","
                             "envoy_grpc_bridge_service=\"helloworld\",envoy_grpc_bridge_method=\"SayHello\"} 10\n"))
      << text;
  EXPECT_TRUE(contains(text, "envoy_cluster_grpc_Greeter_total{envoy_cluster_name=\"t_podinfo-canary_9898\","));
  EXPECT_TRUE(contains(text, "envoy_cluster_upstream_rq{envoy_cluster_name=\"t_podinfo-canary_9898\",envoy_response_code=\"200\"} 100\n"));
}

TEST(ExporterTest, ServesOverHttpAndAcceptsBackendsAsJson) {
  TestExporter exporter;
  auto port = exporter.start();
  ASSERT_TRUE(port.ok()) << port.status();
  httplib::Client client("127.0.0.1", *port);
  auto posted = client.Post("/backends",
                            R"({"namespace":"x","workload":"web","service":"web-canary","httpStatuses":{"200":7,"503":3}})",
                            "application/json");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 200);
  auto bad = client.Post("/backends", R"({"namespace":"x"})", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto scraped = client.Get("/metrics");
  ASSERT_TRUE(scraped);
  EXPECT_TRUE(contains(scraped->body, "http_request_duration_seconds_count{kubernetes_namespace=\"x\","
                                      "kubernetes_pod_name=\"web-7d9c8b6f5-x2x4z\",status=\"503\"} 3\n"))
      << scraped->body;
  EXPECT_EQ(exporter.scrapes(), 1u);
  exporter.stop();
}

}  // namespace
}  // namespace pennant::testing
