// Webhooks through the reconcile shell, against an in-process HTTP server: only the hooks plan()
// asks for are called, a failing rollout hook counts failed checks up to the threshold and rolls
// back (route to the primary, target scaled to zero, the hook's answer in the Event), and a
// confirm-promotion gate holds the promotion until it answers 2xx.
#include "controller/stage_runner.h"

#include <gtest/gtest.h>

#include <atomic>

#include "controller_fixtures.h"
#include "fakes/test_http_server.h"

namespace pennant::controller::testing {
namespace {

using kube::resources::canaries;
using kube::resources::deployments;
using pennant::testing::TestHttpServer;
using pennant::testing::TestRequest;
using pennant::testing::TestResponse;

class StageRunnerTest : public ::testing::Test, public ControllerTest {
 protected:
  void SetUp() override {
    server.on("POST", "/rollout", [this](const TestRequest& r) {
      rolloutCalls++;
      lastPayload = r.body;
      return rolloutOk ? TestResponse::text(200, "ok") : TestResponse::text(500, "boom: canary unhealthy");
    });
    server.on("POST", "/promote", [this](const TestRequest&) {
      promoteCalls++;
      return promoteOk ? TestResponse::text(200, "ok") : TestResponse::text(403, "not yet");
    });
    ASSERT_TRUE(fake->create(deployments(), kNs, targetDeployment("greeter:v1")).ok());
    markReady("greeter");
  }

  void start(const Json& webhooks) {
    Json canary = grpcCanary();
    canary["spec"]["analysis"]["webhooks"] = webhooks;
    ASSERT_TRUE(fake->create(canaries(), kNs, canary).ok());
    ASSERT_TRUE(tick().ok());
    markReady("greeter-primary");
    ASSERT_TRUE(tick().ok());
    ASSERT_EQ(phase(), "Initialized");
    Json target = get(deployments(), "greeter");
    target["spec"]["template"]["spec"]["containers"][0]["image"] = "greeter:v2";
    ASSERT_TRUE(fake->update(deployments(), kNs, target).ok());
    ASSERT_TRUE(tick().ok());
    ASSERT_EQ(phase(), "Progressing");
    markReady("greeter");
  }

  Json hook(const std::string& name, const std::string& type, const std::string& path) {
    return {{"name", name}, {"type", type}, {"url", server.url() + path}, {"timeout", "5s"}};
  }
  bool hasEvent(const std::string& text) {
    for (const auto& e : events->entries()) {
      if (e.message.find(text) != std::string::npos) return true;
    }
    return false;
  }

  TestHttpServer server;
  std::atomic<int> rolloutCalls{0};
  std::atomic<int> promoteCalls{0};
  std::atomic<bool> rolloutOk{true};
  std::atomic<bool> promoteOk{true};
  std::string lastPayload;
};

TEST_F(StageRunnerTest, HooksRunOnlyWhenPlannedAndCarryFlaggersPayload) {
  start(Json::array({hook("load", "rollout", "/rollout")}));
  // Initialisation and the start of the run consult no rollout hooks.
  EXPECT_EQ(rolloutCalls.load(), 0);
  ASSERT_TRUE(tick().ok());
  // As Flagger: the first step (weight 0) consults the pre-rollout hooks only.
  EXPECT_EQ(rolloutCalls.load(), 0);
  EXPECT_EQ(routeCanaryWeight(), 25);
  ASSERT_TRUE(tick().ok());
  EXPECT_EQ(rolloutCalls.load(), 1);
  EXPECT_EQ(routeCanaryWeight(), 50);
  auto payload = parseJson(lastPayload);
  ASSERT_TRUE(payload.ok()) << lastPayload;
  EXPECT_EQ((*payload)["name"], "greeter");
  EXPECT_EQ((*payload)["namespace"], kNs);
  EXPECT_EQ((*payload)["phase"], "Progressing");
  EXPECT_FALSE((*payload).value("checksum", "").empty());
}

TEST_F(StageRunnerTest, AFailingRolloutHookCountsFailedChecksThenRollsBack) {
  start(Json::array({hook("load", "rollout", "/rollout")}));
  rolloutOk = false;
  ASSERT_TRUE(tick().ok());
  ASSERT_EQ(routeCanaryWeight(), 25);
  ASSERT_TRUE(tick().ok());
  EXPECT_EQ(canaryStatus().value("failedChecks", -1), 1);
  EXPECT_EQ(routeCanaryWeight(), 25);  // no traffic increase on a failed check
  EXPECT_TRUE(hasEvent("boom: canary unhealthy"));
  for (int i = 0; i < 3 && phase() != "Failed"; ++i) ASSERT_TRUE(tick().ok());
  EXPECT_EQ(phase(), "Failed");
  EXPECT_EQ(routeCanaryWeight(), 0);
  // The canary keeps running for the drain period (default 10 s), then it is scaled down.
  EXPECT_GT(get(deployments(), "greeter")["spec"].value("replicas", -1), 0);
  ASSERT_TRUE(tick().ok());
  EXPECT_EQ(get(deployments(), "greeter")["spec"].value("replicas", -1), 0);
  EXPECT_EQ(get(deployments(), "greeter-primary")["spec"]["template"]["spec"]["containers"][0].value("image", ""),
            "greeter:v1");
  EXPECT_TRUE(hasEvent("Canary failed!"));
}

TEST_F(StageRunnerTest, AConfirmPromotionGateHoldsUntilItAnswers2xx) {
  start(Json::array({hook("gate", "confirm-promotion", "/promote")}));
  promoteOk = false;
  ASSERT_TRUE(tick().ok());
  ASSERT_TRUE(tick().ok());
  ASSERT_EQ(routeCanaryWeight(), 50);
  EXPECT_EQ(promoteCalls.load(), 0);  // not consulted before maxWeight
  ASSERT_TRUE(tick().ok());
  ASSERT_TRUE(tick().ok());
  EXPECT_EQ(phase(), "WaitingPromotion");
  EXPECT_GE(promoteCalls.load(), 2);
  EXPECT_EQ(get(deployments(), "greeter-primary")["spec"]["template"]["spec"]["containers"][0].value("image", ""),
            "greeter:v1");
  promoteOk = true;
  ASSERT_TRUE(tick().ok());
  EXPECT_EQ(phase(), "Promoting");
  EXPECT_EQ(get(deployments(), "greeter-primary")["spec"]["template"]["spec"]["containers"][0].value("image", ""),
            "greeter:v2");
}

TEST_F(StageRunnerTest, ABuiltinCheckWithoutAMetricsServerFailsWithAClearReason) {
  Json canary = grpcCanary();
  canary["spec"]["analysis"]["metrics"] =
      Json::array({{{"name", "request-success-rate"}, {"thresholdRange", {{"min", 99}}}}});
  auto parsed = api::parseCanary(canary);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ClientObjectStore store(fake);
  AnalysisOptions options;
  auto http = http::makeCurlClient();
  StageRunner runner(*parsed, store, *http, options);
  auto verdicts = runner.runChecks();
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_FALSE(verdicts[0].passed);
  EXPECT_NE(verdicts[0].message.find("--metrics-server"), std::string::npos) << verdicts[0].message;
}

}  // namespace
}  // namespace pennant::controller::testing
