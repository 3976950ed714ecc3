// /healthz, /readyz and /metrics over real HTTP on loopback, with Flagger's metric names.
#include "controller/health_server.h"

#include <gtest/gtest.h>

#include <atomic>

#include "api/canary.h"
#include "http/http_client.h"

namespace pennant::controller {
namespace {

http::Response get(const std::string& url) {
  auto client = http::makeCurlClient();
  http::Request request;
  request.url = url;
  auto answer = client->send(request);
  EXPECT_TRUE(answer.ok()) << answer.status();
  return answer.ok() ? *answer : http::Response{};
}

TEST(HealthServer, ServesHealthReadinessAndFlaggerMetrics) {
  std::atomic<bool> ready{false};
  auto metrics = std::make_shared<ControllerMetrics>("1.2.3");
  api::Canary canary;
  canary.name = "greeter";
  canary.namespace_ = "shop";
  canary.targetRef.name = "greeter";
  metrics->setStatus(canary, api::Phase::kProgressing);
  metrics->setWeight(canary, 75, 25);
  metrics->recordOutcome(canary, true, "completed");
  metrics->setTotal("shop", 1);

  HealthServer server(
      "127.0.0.1:0", [&] { return ready.load(); }, metrics);
  ASSERT_TRUE(server.start().ok());
  ASSERT_GT(server.port(), 0);
  const std::string base = "http://127.0.0.1:" + std::to_string(server.port());

  EXPECT_EQ(get(base + "/healthz").status, 200);
  EXPECT_EQ(get(base + "/readyz").status, 503);
  ready = true;
  EXPECT_EQ(get(base + "/readyz").status, 200);

  auto scrape = get(base + "/metrics");
  EXPECT_EQ(scrape.status, 200);
  for (const char* expected :
       {"flagger_info{mesh_provider=\"gatewayapi\",version=\"1.2.3\"} 1",
        "flagger_canary_status{name=\"greeter\",namespace=\"shop\"} 0",
        "flagger_canary_weight{namespace=\"shop\",workload=\"greeter-primary\"} 75",
        "flagger_canary_weight{namespace=\"shop\",workload=\"greeter\"} 25",
        "flagger_canary_total{namespace=\"shop\"} 1",
        "flagger_canary_successes_total{analysis_status=\"completed\",deployment_strategy=\"canary\",name=\"greeter\","
        "namespace=\"shop\"} 1"}) {
    EXPECT_NE(scrape.body.find(expected), std::string::npos) << expected << "\n" << scrape.body;
  }
  server.stop();
}

TEST(HealthServer, ListenAddresses) {
  auto any = parseListenAddress(":8080");
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any->first, "0.0.0.0");
  EXPECT_EQ(any->second, 8080);
  auto local = parseListenAddress("127.0.0.1:0");
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(local->second, 0);
  EXPECT_FALSE(parseListenAddress("8080").ok());
  EXPECT_FALSE(parseListenAddress("host:99999").ok());
  EXPECT_FALSE(parseListenAddress("host:http").ok());
}

}  // namespace
}  // namespace pennant::controller
