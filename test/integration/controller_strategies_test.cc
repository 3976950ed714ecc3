// The strategies on the real control plane, the route's weights watched at every step: A/B by a
// gRPC header, blue/green with and without mirroring, a user-owned route (routeRef) of which only the weights change,
// and a controller restarted in the middle of an analysis. See controller_on_cluster.h for the setup.
#include <gtest/gtest.h>

#include "integration/controller_on_cluster.h"

namespace pennant::testbed {
namespace {

using namespace std::chrono_literals;
namespace res = kube::resources;

// Phases and distinct route weights seen while waiting for the end of an analysis.
struct Trace {
  std::vector<std::string> phases;
  std::vector<RouteWeights> weights;
  std::string describe() const {
    std::string out = "phases: " + joined(phases) + "weights(primary/canary/ab):";
    for (const auto& w : weights)
      out += " " + std::to_string(w.primary) + "/" + std::to_string(w.canary) + "/" + std::to_string(w.abCanary);
    return out;
  }
};

class ControllerStrategies : public ControllerOnCluster {
 protected:
  void initialise(const std::string& name, const Json& canary) {
    const std::string n = ns.name();
    ASSERT_OK_CREATE(createSoon(*admin, res::deployments(), n, deployment(name, "example.com/" + name + ":1")));
    ASSERT_OK_CREATE(createSoon(*admin, res::canaries(), n, canary));
    ASSERT_TRUE(eventually([&] { return phaseOf(*admin, n, name) == "Initialized"; }, 180s))
        << "phase " << phaseOf(*admin, n, name);
    ASSERT_TRUE(eventually([&] { return replicasOf(*admin, n, name) == 0; }, 30s));
  }

  // Polls until Succeeded/Failed (or `stop` says so), recording every change.
  Trace follow(const std::string& name, const std::string& route,
               const std::function<bool(const Trace&)>& stop = nullptr) {
    Trace t;
    bool done = eventually(
        [&] {
          RouteWeights w = routeWeights(*admin, ns.name(), route, name);
          if (t.weights.empty() || !(t.weights.back() == w)) t.weights.push_back(w);
          std::string p = phaseOf(*admin, ns.name(), name);
          if (t.phases.empty() || t.phases.back() != p) t.phases.push_back(p);
          if (stop && stop(t)) return true;
          return p == "Succeeded" || p == "Failed";
        },
        240s);
    EXPECT_TRUE(done) << t.describe();
    return t;
  }
};

TEST_F(ControllerStrategies, AbTestingByGrpcHeaderRoutesOnlyMatchingCallsToTheCanary) {
  const std::string n = ns.name();
  Json analysis = {{"interval", "10s"},
                   {"threshold", 2},
                   {"iterations", 2},
                   {"match", Json::array({{{"headers", {{"x-canary", {{"exact", "insider"}}}}}}})}};
  initialise("cart", grpcCanary("cart", analysis));
  ASSERT_TRUE(setImage(*admin, n, "cart", "example.com/cart:2").ok());

  Json abRule;
  Trace t = follow("cart", "cart", [&](const Trace&) {
    if (!abRule.is_null()) return false;
    auto route = admin->get(res::grpcRoutes(), n, "cart");  // the rule and its weight from one read
    if (route.ok() && weightsOf(*route, "cart").abCanary >= 0) abRule = (*route)["spec"]["rules"][0];
    return false;
  });
  ASSERT_EQ(t.phases.back(), "Succeeded") << t.describe();
  // The base rule stays on the primary; the A/B rule sends matching calls to the canary, then goes.
  std::vector<RouteWeights> expected = {{100, 0, -1}, {100, 0, 100}, {100, 0, -1}};
  EXPECT_EQ(t.weights, expected) << t.describe();
  ASSERT_FALSE(abRule.is_null());
  EXPECT_EQ(abRule.value("name", "").rfind("pennant-ab-", 0), 0u) << abRule.dump();
  Json header = abRule["matches"][0]["headers"][0];
  EXPECT_EQ(header.value("name", ""), "x-canary") << abRule.dump();
  EXPECT_EQ(header.value("value", ""), "insider") << abRule.dump();
  EXPECT_EQ(header.value("type", "Exact"), "Exact") << abRule.dump();
  auto primary = admin->get(res::deployments(), n, "cart-primary");
  ASSERT_TRUE(primary.ok());
  EXPECT_EQ((*primary)["spec"]["template"]["spec"]["containers"][0].value("image", ""), "example.com/cart:2");
}

TEST_F(ControllerStrategies, BlueGreenSwitchesAllTrafficOnlyAfterTheIterations) {
  const std::string n = ns.name();
  Json analysis = {{"interval", "10s"}, {"threshold", 2}, {"iterations", 2}};
  initialise("shelf", grpcCanary("shelf", analysis));
  ASSERT_TRUE(setImage(*admin, n, "shelf", "example.com/shelf:2").ok());

  int64_t iterationsAtSwitch = -1;
  Trace t = follow("shelf", "shelf", [&](const Trace& seen) {
    if (iterationsAtSwitch < 0 && seen.weights.back().canary == 100) {
      auto c = admin->get(res::canaries(), n, "shelf");
      if (c.ok()) iterationsAtSwitch = (*c)["status"].value("iterations", -1);
    }
    return false;
  });
  ASSERT_EQ(t.phases.back(), "Succeeded") << t.describe();
  std::vector<RouteWeights> expected = {{100, 0, -1}, {0, 100, -1}, {100, 0, -1}};
  EXPECT_EQ(t.weights, expected) << t.describe();
  EXPECT_GE(iterationsAtSwitch, 2);  // no traffic before both iterations passed
  auto primary = admin->get(res::deployments(), n, "shelf-primary");
  ASSERT_TRUE(primary.ok());
  EXPECT_EQ((*primary)["spec"]["template"]["spec"]["containers"][0].value("image", ""), "example.com/shelf:2");
}

// The percent of the RequestMirror filter to <apex>-canary on the route's first rule; -1 without.
int64_t mirrorPercent(const Json& route, const std::string& apex) {
  for (const auto& f : route["spec"]["rules"][0].value("filters", Json::array())) {
    if (f.value("type", "") == "RequestMirror" &&
        stringAt(f, {"requestMirror", "backendRef", "name"}) == apex + "-canary") {
      return f["requestMirror"].value("percent", 100);
    }
  }
  return -1;
}

TEST_F(ControllerStrategies, BlueGreenWithMirroringMirrorsToTheCanaryUntilTheSwitch) {
  const std::string n = ns.name();
  Json analysis = {{"interval", "10s"}, {"threshold", 2}, {"iterations", 2}, {"mirror", true}, {"mirrorWeight", 40}};
  initialise("stock", grpcCanary("stock", analysis));
  ASSERT_TRUE(setImage(*admin, n, "stock", "example.com/stock:2").ok());

  std::vector<std::string> mirrorTrace;  // "<primary>/<canary> mirror <percent>" at each change
  Trace t = follow("stock", "stock", [&](const Trace&) {
    auto route = admin->get(res::grpcRoutes(), n, "stock");  // weights and filter from one read
    if (!route.ok()) return false;
    RouteWeights w = weightsOf(*route, "stock");
    std::string now = std::to_string(w.primary) + "/" + std::to_string(w.canary) + " mirror " +
                      std::to_string(mirrorPercent(*route, "stock"));
    if (mirrorTrace.empty() || mirrorTrace.back() != now) mirrorTrace.push_back(now);
    return false;
  });
  ASSERT_EQ(t.phases.back(), "Succeeded") << t.describe();
  // All traffic stays on the primary while 40% is mirrored to the canary; then the switch, then back.
  EXPECT_EQ(mirrorTrace,
            (std::vector<std::string>{"100/0 mirror -1", "100/0 mirror 40", "0/100 mirror -1", "100/0 mirror -1"}))
      << joined(mirrorTrace);
}

TEST_F(ControllerStrategies, ReferencedRouteOnlyHasTheWeightsOfTheCanaryRuleChanged) {
  const std::string n = ns.name();
  // The user's own GRPCRoute: a method rule split between the Canary's Services, and an unrelated rule.
  Json route = Json::parse(R"({
    "apiVersion": "gateway.networking.k8s.io/v1", "kind": "GRPCRoute",
    "metadata": {"name": "storefront", "labels": {"team": "shop"}, "annotations": {"note": "mine"}},
    "spec": {
      "parentRefs": [{"name": "public-gw", "namespace": "gateway-system"}],
      "rules": [
        {"name": "checkout",
         "matches": [{"method": {"service": "shop.Checkout", "method": "Pay"}}],
         "backendRefs": [{"name": "till-primary", "port": 9090, "weight": 100},
                         {"name": "till-canary", "port": 9090, "weight": 0}]},
        {"name": "legacy", "backendRefs": [{"name": "mainframe", "port": 8080}]}
      ]
    }
  })");
  auto created = createSoon(*admin, res::grpcRoutes(), n, route);
  ASSERT_TRUE(created.ok()) << created.status();
  Json canary = grpcCanary("till", {{"interval", "10s"}, {"threshold", 2}, {"stepWeight", 50}, {"maxWeight", 50}});
  canary["spec"]["service"].erase("gatewayRefs");
  canary["spec"]["service"].erase("route");
  canary["spec"]["routeRef"] = {
      {"apiVersion", "gateway.networking.k8s.io/v1"}, {"kind", "GRPCRoute"}, {"name", "storefront"}};
  initialise("till", canary);
  ASSERT_TRUE(setImage(*admin, n, "till", "example.com/till:2").ok());

  // At every write, the route must equal the user's (as stored, with the API server's defaults)
  // except for the two weights of "checkout".
  const Json& mine = *created;
  bool onlyWeights = true;
  std::string drift;
  Trace t = follow("till", "storefront", [&](const Trace&) {
    auto now = admin->get(res::grpcRoutes(), n, "storefront");
    if (!now.ok()) return false;
    Json spec = (*now)["spec"];
    spec["rules"][0]["backendRefs"][0]["weight"] = 100;
    spec["rules"][0]["backendRefs"][1]["weight"] = 0;
    if (spec != mine["spec"] || (*now)["metadata"]["labels"] != mine["metadata"]["labels"] ||
        (*now)["metadata"]["annotations"] != mine["metadata"]["annotations"]) {
      onlyWeights = false;
      drift = now->dump();
    }
    return false;
  });
  ASSERT_EQ(t.phases.back(), "Succeeded") << t.describe();
  std::vector<RouteWeights> expected = {{100, 0, -1}, {50, 50, -1}, {100, 0, -1}};
  EXPECT_EQ(t.weights, expected) << t.describe();
  EXPECT_TRUE(onlyWeights) << drift;
  auto after = admin->get(res::grpcRoutes(), n, "storefront");
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE((*after)["metadata"].contains("ownerReferences"));  // still the user's
}

TEST_F(ControllerStrategies, AControllerRestartedMidAnalysisResumesWhereTheStatusSaysIt) {
  const std::string n = ns.name();
  initialise("ledger",
             grpcCanary("ledger", {{"interval", "10s"}, {"threshold", 2}, {"stepWeight", 20}, {"maxWeight", 60}}));
  ASSERT_TRUE(setImage(*admin, n, "ledger", "example.com/ledger:2").ok());
  ASSERT_TRUE(eventually([&] { return canaryWeight(*admin, n, "ledger") == 20; }, 120s))
      << "phase " << phaseOf(*admin, n, "ledger");
  restartController();

  Trace t = follow("ledger", "ledger");
  ASSERT_EQ(t.phases.back(), "Succeeded") << t.describe();
  std::vector<int64_t> canary;
  for (const auto& w : t.weights) canary.push_back(w.canary);
  // From 20 onwards: never back to 0 mid-analysis, never a step skipped.
  EXPECT_EQ(canary, (std::vector<int64_t>{20, 40, 60, 0})) << t.describe();
}

}  // namespace
}  // namespace pennant::testbed
