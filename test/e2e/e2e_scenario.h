#pragma once
// The gtest fixture every scenario starts from: its own namespace, the controller binary running
// as the ServiceAccount bound to the shipped ClusterRole, and the shared Prometheus/exporter.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "e2e/e2e_env.h"
#include "e2e/traffic_follower.h"
#include "integration/cluster_env.h"

namespace pennant::e2e {

using namespace std::chrono_literals;
namespace res = kube::resources;

#define E2E_ASSERT_OK(expr)                                \
  do {                                                     \
    auto e2e_result_ = (expr);                             \
    ASSERT_TRUE(e2e_result_.ok()) << e2e_result_.status(); \
  } while (0)

class Scenario : public ::testing::Test {
 protected:
  explicit Scenario(const char* prefix = "e2e") : ns_(prefix) {}

  void SetUp() override {
    admin = testbed::adminClient();
    ASSERT_NE(admin, nullptr);
    ASSERT_TRUE(ns_.ok());
    ns = ns_.name();
    auto exporter = fixtureValue("EXPORTER_URL");
    ASSERT_TRUE(exporter.ok()) << exporter.status();
    exporterUrl = *exporter;
    auto prometheus = fixtureValue("PROMETHEUS_URL");
    ASSERT_TRUE(prometheus.ok()) << prometheus.status();
    prometheusUrl = *prometheus;
    auto kubeconfig = controllerKubeconfig(*admin, ns);
    ASSERT_TRUE(kubeconfig.ok()) << kubeconfig.status();
    controller = std::make_unique<ControllerProcess>(*kubeconfig, ns, prometheusUrl);
    ASSERT_TRUE(controller->start().ok());
  }

  void TearDown() override {
    if (HasFailure() && controller) {
      std::cerr << controller->logTail(60);
      for (const auto& e : eventsOf(*admin, ns, canaryName)) std::cerr << "event: " << e << "\n";
    }
    if (follower) follower->stop();
    recorder.reset();
    if (controller) {
      EXPECT_TRUE(controller->stopGracefully()) << "the controller did not exit 0 on SIGTERM";
    }
    if (admin) removeControllerAccess(*admin, ns);
  }

  // A follower of `route` sending `calls` (plus the load tester) and publishing to the exporter.
  void follow(const kube::Resource& route, const std::string& apex, bool grpc, std::vector<CallClass> calls) {
    FollowerOptions o;
    o.ns = ns;
    o.route = &route;
    o.routeName = apex;
    o.apex = apex;
    o.target = apex;
    o.grpc = grpc;
    o.calls = std::move(calls);
    o.exporterUrl = exporterUrl;
    follower = std::make_unique<TrafficFollower>(admin, o);
    follower->start();
  }

  // Waits for one of `phases` while recording every phase seen; returns the last phase.
  std::string waitForPhase(const std::vector<std::string>& phases, std::chrono::seconds timeout) {
    std::string phase;
    testbed::eventually(
        [&] {
          phase = phaseOf(*admin, ns, canaryName);
          if (phasesSeen.empty() || phasesSeen.back() != phase) phasesSeen.push_back(phase);
          return std::find(phases.begin(), phases.end(), phase) != phases.end();
        },
        timeout);
    return phase;
  }

  // Deployment `name` (image :1) and waits for the Canary to be Initialized with the target at 0.
  void deployAndInitialise(const Json& canary) {
    canaryName = canary["metadata"]["name"];
    const std::string target = canary["spec"]["targetRef"]["name"];
    E2E_ASSERT_OK(createSoon(*admin, res::deployments(), ns, deployment(target, "example.com/" + target + ":1")));
    E2E_ASSERT_OK(createSoon(*admin, res::canaries(), ns, canary));
    ASSERT_EQ(waitForPhase({"Initialized"}, 120s), "Initialized") << join(phasesSeen, " ");
    ASSERT_TRUE(testbed::eventually([&] { return replicasOf(*admin, ns, target) == 0; }, 60s));
  }

  bool sawPhase(const std::string& phase) const {
    return std::find(phasesSeen.begin(), phasesSeen.end(), phase) != phasesSeen.end();
  }

  kube::ClientPtr admin;
  std::string ns;
  std::string exporterUrl, prometheusUrl;
  std::string canaryName;
  std::unique_ptr<ControllerProcess> controller;
  std::unique_ptr<TrafficFollower> follower;
  std::unique_ptr<RouteRecorder> recorder;
  std::vector<std::string> phasesSeen;

 private:
  testbed::ScopedNamespace ns_;
};

// A Canary of `name` for a GRPCRoute (managed unless the caller sets spec.routeRef).
inline Json grpcCanary(const std::string& name, const Json& analysis) {
  return {{"apiVersion", "flagger.app/v1beta1"},
          {"kind", "Canary"},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"provider", "gatewayapi:v1"},
            {"targetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", name}}},
            {"progressDeadlineSeconds", 120},
            {"service",
             {{"port", 9090},
              {"appProtocol", "kubernetes.io/h2c"},
              {"gatewayRefs", Json::array({{{"name", "public-gw"}, {"namespace", "gateway-system"}}})},
              {"route", {{"kind", "GRPCRoute"}}}}},
            {"analysis", analysis}}}};
}

// The builtin gRPC checks, judged on the last 20s of metrics.
inline Json grpcChecks() {
  return Json::array({{{"name", "grpc-success-rate"}, {"interval", "20s"}, {"thresholdRange", {{"min", 99}}}},
                      {{"name", "grpc-request-duration"}, {"interval", "20s"}, {"thresholdRange", {{"max", 500}}}}});
}

inline CallClass greeterCall(const std::string& method = "SayHello", std::map<std::string, std::string> headers = {}) {
  CallClass c;
  c.grpcService = "helloworld.Greeter";
  c.grpcMethod = method;
  c.headers = std::move(headers);
  return c;
}

}  // namespace pennant::e2e
