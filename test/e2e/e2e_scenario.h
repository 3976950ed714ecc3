#pragma once
// The gtest fixture every scenario starts from: its own namespace and hostname (<ns>.test) on the
// data plane's shared Gateway, the controller binary running as the ServiceAccount bound to the
// shipped ClusterRole, and real traffic through Traefik to real greeters.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "e2e/e2e_env.h"
#include "e2e/greeter_objects.h"
#include "e2e/traffic.h"
#include "integration/cluster_env.h"

namespace pennant::e2e {

using namespace std::chrono_literals;
namespace res = kube::resources;

inline Status statusOf(const Status& s) { return s; }
template <class T>
Status statusOf(const StatusOr<T>& s) {
  return s.status();
}
#define E2E_ASSERT_OK(expr)                                                 \
  do {                                                                      \
    auto e2e_result_ = (expr);                                              \
    ASSERT_TRUE(e2e_result_.ok()) << ::pennant::e2e::statusOf(e2e_result_); \
  } while (0)

// Traefik applies a route write within ~0.4 s (provider throttle 100 ms); the share of calls in a
// step is counted from 2 s after the recorder saw the write, so a loaded machine has margin.
inline constexpr std::chrono::milliseconds kSettle{2000};
// Traefik's weighted round robin is exact over any run of consecutive picks (each backend within
// one call of its share); calls are counted by start time with two in flight per class, so a step
// boundary can move a call or two across it. With the whole suite running four scenarios at once
// on two cores, Traefik once applied a write later than kSettle: 3.6 of 563 calls off (CI,
// 2026-12-02). So a step may be off by kShareTolerance calls plus kShareSlack of its calls.
inline constexpr int64_t kShareTolerance = 3;
inline constexpr double kShareSlack = 0.01;

class Scenario : public ::testing::Test {
 protected:
  explicit Scenario(const char* prefix = "e2e") : ns_(prefix) {}

  void SetUp() override {
    admin = testbed::adminClient();
    ASSERT_NE(admin, nullptr);
    ASSERT_TRUE(ns_.ok());
    ns = ns_.name();
    auto gw = fixtureValue("GATEWAY");
    ASSERT_TRUE(gw.ok()) << gw.status();
    gateway = *gw;
    auto prometheus = fixtureValue("PROMETHEUS_URL");
    ASSERT_TRUE(prometheus.ok()) << prometheus.status();
    prometheusUrl = *prometheus;
    auto kubeconfig = controllerKubeconfig(*admin, ns);
    ASSERT_TRUE(kubeconfig.ok()) << kubeconfig.status();
    controller = std::make_unique<ControllerProcess>(*kubeconfig, ns, prometheusUrl);
    ASSERT_TRUE(controller->start().ok());
  }

  void TearDown() override {
    if (traffic) traffic->stop();
    if (HasFailure() && controller) {
      std::cerr << controller->logTail(60);
      for (const auto& e : eventsOf(*admin, ns, canaryName)) std::cerr << "event: " << e << "\n";
    }
    recorder.reset();
    if (controller) {
      EXPECT_TRUE(controller->stopGracefully()) << "the controller did not exit 0 on SIGTERM";
    }
    if (admin) removeControllerAccess(*admin, ns);
  }

  // The hostname of this scenario's routes: every scenario shares the Gateway's listener.
  std::string host() const { return ns + ".test"; }

  // A gRPC call class to this scenario's host.
  CallClass grpcCall(const std::string& method, std::vector<std::pair<std::string, std::string>> metadata = {},
                     double rps = 20) const {
    CallClass c;
    c.name = method;
    c.method = "helloworld." + method;
    c.authority = host();
    c.metadata = std::move(metadata);
    c.rps = rps;
    c.payload = helloRequest("e2e");
    return c;
  }

  // Starts every class once the gateway answers the first one (a new route takes Traefik a moment).
  void startTraffic(std::vector<CallClass> classes) {
    ASSERT_FALSE(classes.empty());
    ASSERT_TRUE(testbed::eventually([&] { return answers(classes.front()); }, 60s))
        << "the gateway never answered " << classes.front().name << " for " << classes.front().authority;
    traffic = std::make_unique<Traffic>(gateway, std::move(classes));
    E2E_ASSERT_OK(traffic->start());
  }

  // One call of `c` succeeds now.
  bool answers(const CallClass& c) const { return probe(gateway, c); }

  // Waits for one of `phases` while recording every phase seen; returns the last phase.
  std::string waitForPhase(const std::vector<std::string>& phases, std::chrono::seconds timeout) {
    std::string phase;
    testbed::eventually(
        [&] {
          phase = testbed::phaseOf(*admin, ns, canaryName);
          if (phasesSeen.empty() || phasesSeen.back() != phase) phasesSeen.push_back(phase);
          return std::find(phases.begin(), phases.end(), phase) != phases.end();
        },
        timeout);
    return phase;
  }

  // The greeter Deployment (v1 unless given) and the Canary; waits for Initialized with the
  // target at 0 replicas.
  void deployAndInitialise(const Json& canary, Json workload = nullptr) {
    canaryName = canary["metadata"]["name"];
    const std::string target = canary["spec"]["targetRef"]["name"];
    if (workload.is_null()) workload = greeterDeployment(target, "v1");
    E2E_ASSERT_OK(testbed::createSoon(*admin, res::deployments(), ns, workload));
    E2E_ASSERT_OK(testbed::createSoon(*admin, res::canaries(), ns, canary));
    ASSERT_EQ(waitForPhase({"Initialized"}, 120s), "Initialized") << join(phasesSeen, " ");
    ASSERT_TRUE(testbed::eventually([&] { return testbed::replicasOf(*admin, ns, target) == 0; }, 60s));
    // Initialized means the primary Deployment is Ready and the route written; the gateway learns
    // the primary's endpoints a moment later (the EndpointSlice controller, then Traefik's watch),
    // while the scaled-down target's Pod may still be listed for the canary Service. Calls sent in
    // that moment reached the target's Pod in one run of the whole suite (7 calls of a rule that
    // never names the canary with weight). Traffic starts once the primary Service lists a ready
    // endpoint, the canary Service none, and Traefik has had kSettle to apply that.
    const std::string apex = canary["spec"]["service"].value("name", target);
    ASSERT_TRUE(testbed::eventually(
        [&] { return readyEndpoints(apex + "-primary") > 0 && readyEndpoints(apex + "-canary") == 0; }, 60s))
        << "primary " << readyEndpoints(apex + "-primary") << ", canary " << readyEndpoints(apex + "-canary");
    std::this_thread::sleep_for(kSettle);
  }

  // Ready endpoints in the EndpointSlices of Service `service`.
  int readyEndpoints(const std::string& service) const {
    static const kube::Resource slices{"discovery.k8s.io", "v1", "endpointslices", true};
    kube::ListOptions options;
    options.labelSelector = "kubernetes.io/service-name=" + service;
    auto list = admin->list(slices, ns, options);
    if (!list.ok()) return -1;
    int ready = 0;
    for (const Json& slice : list->items) {
      for (const Json& endpoint : slice.value("endpoints", Json::array())) {
        const Json* isReady = findPath(endpoint, {"conditions", "ready"});
        if (isReady != nullptr && isReady->is_boolean() && isReady->get<bool>()) ++ready;
      }
    }
    return ready;
  }

  // Waits until the route's latest weights are `signature` (RouteRecorder's form, "80/20").
  bool waitForWeights(const std::string& signature, std::chrono::seconds timeout) {
    return testbed::eventually(
        [&] {
          auto seq = recorder->sequence();
          return !seq.empty() && seq.back() == signature;
        },
        timeout);
  }

  bool sawPhase(const std::string& phase) const {
    return std::find(phasesSeen.begin(), phasesSeen.end(), phase) != phasesSeen.end();
  }

  // Every steady stretch of `rule`'s weights, with the calls of class `index` counted in it; one
  // line per step in `report` ("100/0: primary 160 canary 0 failed 0 (v1 160)").
  struct CountedStep {
    Step step;
    Split split;
  };
  std::vector<CountedStep> countSteps(size_t index, const std::string& rule, const std::string& target,
                                      std::string* report = nullptr) const {
    std::vector<CountedStep> out;
    const auto calls = traffic->calls(index);
    for (const Step& s : stepsOf(recorder->versions(), rule, kSettle, Clock::now())) {
      out.push_back({s, splitOf(calls, s.from, s.to, target)});
      if (report) {
        *report +=
            "  " + std::to_string(s.primary) + "/" + std::to_string(s.canary) + ": " + out.back().split.text() + "\n";
      }
    }
    return out;
  }

  // At every step the canary's share of the calls equals its weight (within kShareTolerance calls
  // plus kShareSlack of the step's calls).
  void expectSharesFollowWeights(size_t index, const std::string& rule, const std::string& target) {
    std::string report;
    auto steps = countSteps(index, rule, target, &report);
    std::cout << "calls per step (" << traffic->classes()[index].name << ", rule \"" << rule << "\"):\n" << report;
    ASSERT_FALSE(steps.empty());
    for (const auto& [step, split] : steps) {
      const int64_t answered = split.primary + split.canary;
      if (answered == 0) continue;
      const double expected = static_cast<double>(answered) * static_cast<double>(step.canary) /
                              static_cast<double>(step.primary + step.canary);
      const double tolerance = static_cast<double>(kShareTolerance) + kShareSlack * static_cast<double>(answered);
      EXPECT_LE(std::abs(static_cast<double>(split.canary) - expected), tolerance)
          << "at " << step.primary << "/" << step.canary << ": " << split.text() << "\n"
          << report;
    }
  }

  kube::ClientPtr admin;
  std::string ns;
  std::string gateway, prometheusUrl;
  std::string canaryName;
  std::unique_ptr<ControllerProcess> controller;
  std::unique_ptr<Traffic> traffic;
  std::unique_ptr<RouteRecorder> recorder;
  std::vector<std::string> phasesSeen;

 private:
  testbed::ScopedNamespace ns_;
};

// A Canary of `name` for a GRPCRoute on the shared Gateway under `host` (managed unless the
// caller sets spec.routeRef).
inline Json grpcCanary(const std::string& name, const std::string& host, const Json& analysis) {
  return {{"apiVersion", "flagger.app/v1beta1"},
          {"kind", "Canary"},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"provider", "gatewayapi:v1"},
            {"targetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", name}}},
            {"progressDeadlineSeconds", 120},
            {"service",
             {{"port", kGrpcPort},
              {"portName", "grpc"},
              {"appProtocol", "kubernetes.io/h2c"},
              {"gatewayRefs", Json::array({{{"name", "public-gw"}, {"namespace", "gateway-system"}}})},
              {"hosts", Json::array({host})},
              {"route", {{"kind", "GRPCRoute"}}}}},
            {"analysis", analysis}}}};
}

// The builtin gRPC checks on the greeters' own metrics (application flavour), last 20 s.
inline Json grpcChecks() {
  return Json::array({{{"name", "grpc-success-rate"}, {"interval", "20s"}, {"thresholdRange", {{"min", 99}}}},
                      {{"name", "grpc-request-duration"}, {"interval", "20s"}, {"thresholdRange", {{"max", 500}}}}});
}

}  // namespace pennant::e2e
