// The controller on the real control plane (see controller_on_cluster.h): a GRPCRoute canary
// stepped and promoted, an invalid Canary, failing webhooks rolling back.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>

#include "controller/status_writer.h"
#include "fakes/test_http_server.h"
#include "integration/controller_on_cluster.h"

namespace pennant::testbed {
namespace {

using namespace std::chrono_literals;
namespace res = kube::resources;

TEST_F(ControllerOnCluster, GrpcRouteCanaryIsInitialisedSteppedPromotedAndSucceeds) {
  const std::string n = ns.name();
  ASSERT_OK_CREATE(createSoon(*admin, res::deployments(), n, deployment("greeter", "example.com/greeter:1")));
  Json analysis = {{"interval", "10s"}, {"threshold", 2}, {"stepWeight", 25}, {"maxWeight", 50}};
  ASSERT_OK_CREATE(createSoon(*admin, res::canaries(), n, grpcCanary("greeter", analysis)));

  ASSERT_TRUE(eventually([&] { return phaseOf(*admin, n, "greeter") == "Initialized"; }, 180s))
      << "phase " << phaseOf(*admin, n, "greeter");
  EXPECT_NE(manager->isLeader(), standby->isLeader());  // exactly one replica acts
  EXPECT_EQ(canaryWeight(*admin, n, "greeter"), 0);
  auto primary = admin->get(res::deployments(), n, "greeter-primary");
  ASSERT_TRUE(primary.ok()) << primary.status();
  EXPECT_GE((*primary)["status"].value("readyReplicas", 0), 1);  // Ready via KWOK
  for (const char* s : {"greeter", "greeter-primary", "greeter-canary"}) {
    auto svc = admin->get(res::services(), n, s);
    ASSERT_TRUE(svc.ok()) << s << ": " << svc.status();
    EXPECT_EQ((*svc)["spec"]["ports"][0].value("appProtocol", ""), "kubernetes.io/h2c");
  }
  ASSERT_TRUE(eventually(
      [&] {
        auto t = admin->get(res::deployments(), n, "greeter");
        return t.ok() && (*t)["spec"].value("replicas", -1) == 0;
      },
      30s));

  // A new pod template: Progressing, then the weight steps 25, 50 at each tick, then promotion.
  Status changed = setImage(*admin, n, "greeter", "example.com/greeter:2");
  ASSERT_TRUE(changed.ok()) << changed;

  std::vector<int64_t> weights;
  std::vector<std::string> phases;
  bool done = eventually(
      [&] {
        int64_t w = canaryWeight(*admin, n, "greeter");
        if (weights.empty() || weights.back() != w) weights.push_back(w);
        std::string p = phaseOf(*admin, n, "greeter");
        if (phases.empty() || phases.back() != p) phases.push_back(p);
        return p == "Succeeded" || p == "Failed";
      },
      180s);
  ASSERT_TRUE(done) << "phases: " << joined(phases) << " weights: " << joined(weights);
  EXPECT_EQ(phases.back(), "Succeeded") << joined(phases);
  EXPECT_EQ(weights, (std::vector<int64_t>{0, 25, 50, 0})) << joined(weights);
  EXPECT_NE(std::find(phases.begin(), phases.end(), "Progressing"), phases.end()) << joined(phases);
  auto promoted = admin->get(res::deployments(), n, "greeter-primary");
  ASSERT_TRUE(promoted.ok());
  EXPECT_EQ((*promoted)["spec"]["template"]["spec"]["containers"][0].value("image", ""), "example.com/greeter:2");
  auto scaled = admin->get(res::deployments(), n, "greeter");
  ASSERT_TRUE(scaled.ok());
  EXPECT_EQ((*scaled)["spec"].value("replicas", -1), 0);

  // /metrics carries Flagger's names.
  auto scrape = (manager->isLeader() ? manager : standby)->metrics()->scrape();
  EXPECT_NE(scrape.find("flagger_canary_status{"), std::string::npos);
  EXPECT_NE(scrape.find("flagger_canary_successes_total{"), std::string::npos);
}

TEST_F(ControllerOnCluster, InvalidCanaryGetsAConditionAndAnEventAndItsRouteIsUntouched) {
  const std::string n = ns.name();
  ASSERT_OK_CREATE(createSoon(*admin, res::deployments(), n, deployment("broken", "example.com/broken:1")));
  // A GRPCRoute of the apex's name that the user wrote: an invalid Canary must not touch it.
  Json route = {{"apiVersion", "gateway.networking.k8s.io/v1"},
                {"kind", "GRPCRoute"},
                {"metadata", {{"name", "broken"}}},
                {"spec",
                 {{"parentRefs", Json::array({{{"name", "public-gw"}, {"namespace", "gateway-system"}}})},
                  {"rules", Json::array({{{"backendRefs", Json::array({{{"name", "legacy"}, {"port", 9090}}})}}})}}}};
  auto created = admin->create(res::grpcRoutes(), n, route);
  ASSERT_TRUE(created.ok()) << created.status();
  // Valid for the CRD schema, invalid for Pennant: GRPCRoute has no timeout field.
  Json analysis = {{"interval", "10s"}, {"threshold", 2}, {"stepWeight", 10}, {"maxWeight", 50}};
  Json canary = grpcCanary("broken", analysis);
  canary["spec"]["service"]["timeout"] = "5s";
  auto made = admin->create(res::canaries(), n, canary);
  ASSERT_TRUE(made.ok()) << made.status();

  std::string message;
  ASSERT_TRUE(eventually(
      [&] {
        auto c = admin->get(res::canaries(), n, "broken");
        if (!c.ok()) return false;
        const Json* conditions = findPath(*c, {"status", "conditions"});
        if (!conditions || !conditions->is_array()) return false;
        for (const auto& cond : *conditions) {
          if (cond.value("type", "") == controller::kValidatedCondition && cond.value("status", "") == "False") {
            message = cond.value("message", "");
            return true;
          }
        }
        return false;
      },
      60s));
  EXPECT_NE(message.find("spec.service.timeout"), std::string::npos) << message;
  EXPECT_TRUE(eventually(
      [&] {
        auto events = admin->list(res::events(), n, {});
        if (!events.ok()) return false;
        for (const auto& e : events->items) {
          if (stringAt(e, {"regarding", "name"}) == "broken" && e.value("type", "") == "Warning" &&
              e.value("reason", "") == "InvalidSpec") {
            return true;
          }
        }
        return false;
      },
      30s));
  auto after = admin->get(res::grpcRoutes(), n, "broken");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*after)["metadata"]["resourceVersion"], (*created)["metadata"]["resourceVersion"]);
  EXPECT_FALSE(admin->get(res::deployments(), n, "broken-primary").ok());
  EXPECT_EQ(phaseOf(*admin, n, "broken"), "");
}

TEST_F(ControllerOnCluster, FailingRolloutWebhooksRollTheCanaryBack) {
  const std::string n = ns.name();
  std::atomic<int> calls{0};               // declared first: it must outlive the server whose handler counts
  pennant::testing::TestHttpServer hooks;  // on loopback; the controller runs in this process
  hooks.on("POST", "/check", [&](const pennant::testing::TestRequest&) {
    calls++;
    return pennant::testing::TestResponse::text(500, "error rate too high");
  });
  ASSERT_OK_CREATE(createSoon(*admin, res::deployments(), n, deployment("payments", "example.com/payments:1")));
  Json analysis = {
      {"interval", "10s"},
      {"threshold", 1},
      {"stepWeight", 20},
      {"maxWeight", 60},
      {"webhooks", Json::array({{{"name", "smoke"}, {"type", "rollout"}, {"url", hooks.url() + "/check"}}})}};
  ASSERT_OK_CREATE(createSoon(*admin, res::canaries(), n, grpcCanary("payments", analysis)));
  ASSERT_TRUE(eventually([&] { return phaseOf(*admin, n, "payments") == "Initialized"; }, 180s))
      << "phase " << phaseOf(*admin, n, "payments");

  Status changed = setImage(*admin, n, "payments", "example.com/payments:2");
  ASSERT_TRUE(changed.ok()) << changed;

  int64_t highest = 0;
  ASSERT_TRUE(eventually(
      [&] {
        highest = std::max(highest, canaryWeight(*admin, n, "payments"));
        return phaseOf(*admin, n, "payments") == "Failed";
      },
      120s))
      << "phase " << phaseOf(*admin, n, "payments");
  EXPECT_GE(calls.load(), 1);
  EXPECT_EQ(highest, 20);  // the first step only; the failed check stopped any further increase
  EXPECT_EQ(canaryWeight(*admin, n, "payments"), 0);
  auto primary = admin->get(res::deployments(), n, "payments-primary");
  ASSERT_TRUE(primary.ok());
  EXPECT_EQ((*primary)["spec"]["template"]["spec"]["containers"][0].value("image", ""), "example.com/payments:1");
  EXPECT_TRUE(eventually(
      [&] {
        auto t = admin->get(res::deployments(), n, "payments");
        return t.ok() && (*t)["spec"].value("replicas", -1) == 0;
      },
      30s));
  EXPECT_TRUE(eventually(
      [&] {
        auto events = admin->list(res::events(), n, {});
        if (!events.ok()) return false;
        for (const auto& e : events->items) {
          if (stringAt(e, {"regarding", "name"}) == "payments" &&
              e.value("note", "").find("error rate too high") != std::string::npos) {
            return true;
          }
        }
        return false;
      },
      30s));
}

}  // namespace
}  // namespace pennant::testbed
