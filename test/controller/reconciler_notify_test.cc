// Alerts and metric gauges through the whole reconcile shell, against an in-process server that
// plays both Prometheus (/api/v1/query) and an alert receiver: initialisation and a rollback each
// POST an alert to the AlertProvider whose address comes from a Secret, the secret never reaches
// the logs, and flagger_canary_metric_analysis carries the last measured value.
#include <absl/strings/escaping.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <sstream>

#include "controller/controller_metrics.h"
#include "controller/reconciler.h"
#include "controller_fixtures.h"
#include "fakes/test_http_server.h"

namespace pennant::controller::testing {
namespace {

using kube::resources::alertProviders;
using kube::resources::canaries;
using kube::resources::deployments;
using kube::resources::metricTemplates;
using kube::resources::secrets;
using pennant::testing::TestHttpServer;
using pennant::testing::TestRequest;
using pennant::testing::TestResponse;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kSecretPath = "/alerts/S3CRET-hook-7f3a";

Json secretWithAddress(const std::string& name, const std::string& address) {
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata", {{"name", name}, {"namespace", kNs}}},
          {"data", {{"address", absl::Base64Escape(address)}}}};
}

Json provider(const std::string& name, const std::string& type, const std::string& secret) {
  return {{"apiVersion", "flagger.app/v1beta1"},
          {"kind", "AlertProvider"},
          {"metadata", {{"name", name}, {"namespace", kNs}}},
          {"spec", {{"type", type}, {"secretRef", {{"name", secret}}}}}};
}

class ReconcilerNotifyTest : public ::testing::Test, public ControllerTest {
 protected:
  void SetUp() override {
    server.on("GET", "/api/v1/query", [this](const TestRequest&) {
      Json sample = {{"metric", Json::object()},
                     {"value", Json::array({1700000000, std::to_string(errorRate.load())})}};
      return TestResponse::json(
          200, {{"status", "success"}, {"data", {{"resultType", "vector"}, {"result", Json::array({sample})}}}});
    });
    server.on("POST", kSecretPath, [this](const TestRequest& r) {
      std::lock_guard lock(mu);
      alerts.push_back(Json::parse(r.body));
      return TestResponse::text(200, "ok");
    });
    logSink = std::make_shared<spdlog::sinks::ostream_sink_mt>(logText);
    spdlog::default_logger()->sinks().push_back(logSink);
    spdlog::set_level(spdlog::level::debug);

    ASSERT_TRUE(fake->create(deployments(), kNs, targetDeployment("greeter:v1")).ok());
    markReady("greeter");
    ASSERT_TRUE(fake->create(secrets(), kNs, secretWithAddress("hook-url", server.url() + kSecretPath)).ok());
    // A second provider whose receiver is down: its failure is logged, its address must not be.
    ASSERT_TRUE(fake->create(secrets(), kNs, secretWithAddress("dead-url", "http://127.0.0.1:1/S3CRET-dead")).ok());
    ASSERT_TRUE(fake->create(alertProviders(), kNs, provider("hooks", "generic", "hook-url")).ok());
    ASSERT_TRUE(fake->create(alertProviders(), kNs, provider("dead", "slack", "dead-url")).ok());
    Json tmpl = {
        {"apiVersion", "flagger.app/v1beta1"},
        {"kind", "MetricTemplate"},
        {"metadata", {{"name", "error-rate"}, {"namespace", kNs}}},
        {"spec", {{"provider", {{"type", "prometheus"}, {"address", server.url()}}}, {"query", "sum(errors)"}}}};
    ASSERT_TRUE(fake->create(metricTemplates(), kNs, tmpl).ok());

    metrics = std::make_shared<ControllerMetrics>("test");
    ReconcilerDeps deps;
    deps.client = fake;
    deps.store = std::make_shared<ClientObjectStore>(fake);
    deps.clock = clock;
    deps.events = events;
    deps.metrics = metrics;
    reconciler = std::make_unique<Reconciler>(std::move(deps));
  }
  void TearDown() override {
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), logSink), sinks.end());
  }

  std::vector<Json> received() {
    std::lock_guard lock(mu);
    return alerts;
  }

  TestHttpServer server;
  std::atomic<double> errorRate{1.5};
  std::mutex mu;
  std::vector<Json> alerts;
  std::ostringstream logText;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> logSink;
  std::shared_ptr<ControllerMetrics> metrics;
};

TEST_F(ReconcilerNotifyTest, AlertsReachTheProviderFromTheSecretAndTheGaugeCarriesTheMeasuredValue) {
  Json canary = grpcCanary();
  canary["spec"]["analysis"]["metrics"] = Json::array(
      {{{"name", "error-rate"}, {"templateRef", {{"name", "error-rate"}}}, {"thresholdRange", {{"max", 5}}}}});
  canary["spec"]["analysis"]["alerts"] =
      Json::array({{{"name", "ops"}, {"severity", "info"}, {"providerRef", {{"name", "hooks"}}}},
                   {{"name", "pager"}, {"severity", "error"}, {"providerRef", {{"name", "dead"}}}}});
  ASSERT_TRUE(fake->create(canaries(), kNs, canary).ok());
  ASSERT_TRUE(tick().ok());
  markReady("greeter-primary");
  ASSERT_TRUE(tick().ok());
  ASSERT_EQ(phase(), "Initialized");
  ASSERT_EQ(received().size(), 1u);
  EXPECT_EQ(received()[0]["severity"], "info");
  EXPECT_THAT(received()[0]["message"].get<std::string>(), HasSubstr("initialization completed"));
  EXPECT_EQ(received()[0]["fields"]["Target"], "Deployment/greeter.shop");

  Json target = get(deployments(), "greeter");
  target["spec"]["template"]["spec"]["containers"][0]["image"] = "greeter:v2";
  ASSERT_TRUE(fake->update(deployments(), kNs, target).ok());
  ASSERT_TRUE(tick().ok());  // Progressing, target scaled up
  markReady("greeter");
  ASSERT_TRUE(tick().ok());  // first step: 25%
  ASSERT_TRUE(tick().ok());  // checks run: 1.5 < 5
  EXPECT_EQ(routeCanaryWeight(), 50);
  EXPECT_THAT(metrics->scrape(),
              HasSubstr(R"(flagger_canary_metric_analysis{metric="error-rate",name="greeter",namespace="shop"} 1.5)"));

  errorRate = 42;
  for (int i = 0; i < 4 && phase() != "Failed"; ++i) ASSERT_TRUE(tick().ok());
  ASSERT_EQ(phase(), "Failed");
  EXPECT_THAT(metrics->scrape(),
              HasSubstr(R"(flagger_canary_metric_analysis{metric="error-rate",name="greeter",namespace="shop"} 42)"));
  std::vector<std::string> severities;
  for (const auto& a : received()) severities.push_back(a["severity"]);
  EXPECT_THAT(severities, ::testing::Contains("error"));
  bool thresholdAlert = false;
  for (const auto& a : received()) {
    thresholdAlert |= a["message"].get<std::string>().find("Failed checks threshold reached") != std::string::npos;
  }
  EXPECT_TRUE(thresholdAlert);

  spdlog::default_logger()->flush();
  const std::string logs = logText.str();
  EXPECT_THAT(logs, HasSubstr("pager"));        // the dead receiver's failure is logged...
  EXPECT_THAT(logs, Not(HasSubstr("S3CRET")));  // ...without either secret address
}

}  // namespace
}  // namespace pennant::controller::testing
