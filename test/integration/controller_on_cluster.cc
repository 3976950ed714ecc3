#include "integration/controller_on_cluster.h"

#include "kube/errors.h"

namespace pennant::testbed {
namespace res = kube::resources;

StatusOr<std::string> controllerToken(kube::Client& admin, const std::string& ns) {
  return shippedRoleToken(admin, ns, "pennant-" + ns);
}

void removeClusterObjects(kube::Client& admin, const std::string& ns) { removeShippedRole(admin, "pennant-" + ns); }

Json grpcCanary(const std::string& name, const Json& analysis) {
  return {{"apiVersion", "flagger.app/v1beta1"},
          {"kind", "Canary"},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"provider", "gatewayapi:v1"},
            {"targetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", name}}},
            {"skipAnalysis", false},
            {"service",
             {{"port", 9090},
              {"appProtocol", "kubernetes.io/h2c"},
              {"gatewayRefs", Json::array({{{"name", "public-gw"}, {"namespace", "gateway-system"}}})},
              {"route", {{"kind", "GRPCRoute"}}}}},
            {"analysis", analysis}}}};
}

RouteWeights routeWeights(kube::Client& client, const std::string& ns, const std::string& route,
                          const std::string& apex) {
  auto r = client.get(res::grpcRoutes(), ns, route);
  return r.ok() ? weightsOf(*r, apex) : RouteWeights{};
}

RouteWeights weightsOf(const Json& route, const std::string& apex) {
  RouteWeights out;
  for (const auto& rule : route["spec"]["rules"]) {
    const bool ab = rule.value("name", "").rfind("pennant-ab-", 0) == 0;
    int64_t primary = -1;
    int64_t canary = -1;
    for (const auto& b : rule.value("backendRefs", Json::array())) {
      if (b.value("name", "") == apex + "-primary") primary = b.value("weight", 1);
      if (b.value("name", "") == apex + "-canary") canary = b.value("weight", 1);
    }
    if (canary < 0) continue;
    if (ab) {
      out.abCanary = canary;
    } else if (out.canary < 0) {
      out.primary = primary;
      out.canary = canary;
    }
  }
  return out;
}

int64_t canaryWeight(kube::Client& client, const std::string& ns, const std::string& name) {
  return routeWeights(client, ns, name, name).canary;
}

bool hasEvent(kube::Client& client, const std::string& ns, const std::string& name, const std::string& text) {
  auto events = client.list(res::events(), ns, {});
  if (!events.ok()) return false;
  for (const auto& e : events->items) {
    if (stringAt(e, {"regarding", "name"}) == name && e.value("note", "").find(text) != std::string::npos) return true;
  }
  return false;
}

controller::ManagerOptions ControllerOnCluster::options(const std::string& identity,
                                                        const std::string& healthAddr) const {
  controller::ManagerOptions o;
  o.ns = ns.name();
  o.workers = 2;
  o.leaderElect = true;
  o.leaseNamespace = ns.name();
  o.healthAddr = healthAddr;
  o.identity = identity;
  return o;
}

void ControllerOnCluster::SetUp() {
  admin = adminClient();
  ASSERT_NE(admin, nullptr);
  ASSERT_TRUE(ns.ok());
  auto made = controllerToken(*admin, ns.name());
  ASSERT_TRUE(made.ok()) << made.status();
  token = *made;
  manager = std::make_unique<controller::Manager>(clientWithToken(token), options("", "127.0.0.1:0"));
  runner = std::thread([this] { runStatus = manager->run(); });
  // A second replica campaigns for the same Lease: it must stay passive while the first leads.
  standby = std::make_unique<controller::Manager>(clientWithToken(token), options("standby", ""));
  standbyRunner = std::thread([this] { standbyStatus = standby->run(); });
}

void ControllerOnCluster::restartController() {
  for (auto* m : {&standby, &manager}) {
    if (*m) (*m)->stop();
  }
  if (standbyRunner.joinable()) standbyRunner.join();
  if (runner.joinable()) runner.join();
  EXPECT_TRUE(runStatus.ok()) << runStatus;
  standby.reset();
  // Stopping released the Lease: the new process leads at once.
  manager = std::make_unique<controller::Manager>(clientWithToken(token), options("restarted", "127.0.0.1:0"));
  runner = std::thread([this] { runStatus = manager->run(); });
}

void ControllerOnCluster::TearDown() {
  if (standby) standby->stop();
  if (standbyRunner.joinable()) standbyRunner.join();
  if (manager) manager->stop();
  if (runner.joinable()) runner.join();
  EXPECT_TRUE(runStatus.ok()) << runStatus;
  EXPECT_TRUE(standbyStatus.ok()) << standbyStatus;
  if (admin) removeClusterObjects(*admin, ns.name());
}

}  // namespace pennant::testbed
