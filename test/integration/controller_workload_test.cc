// The controller's workload side on the real control plane: the primary's HPA mirrored from
// autoscalerRef (autoscaling/v2) and kept up to date at promotion, and revertOnDeletion (the
// finaliser gives the target back its replicas and a user's route back to the primary before the
// Canary goes). See controller_on_cluster.h for the setup.
#include <gtest/gtest.h>

#include "integration/controller_on_cluster.h"

namespace pennant::testbed {
namespace {

using namespace std::chrono_literals;
namespace res = kube::resources;

Json hpa(const std::string& name, int maxReplicas) {
  return {
      {"apiVersion", "autoscaling/v2"},
      {"kind", "HorizontalPodAutoscaler"},
      {"metadata", {{"name", name}, {"labels", {{"team", "shop"}}}}},
      {"spec",
       {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", name}}},
        {"minReplicas", 1},
        {"maxReplicas", maxReplicas},
        {"metrics",
         Json::array({{{"type", "Resource"},
                       {"resource",
                        {{"name", "cpu"}, {"target", {{"type", "Utilization"}, {"averageUtilization", 80}}}}}}})}}}};
}

bool hasFinalizer(kube::Client& client, const std::string& ns, const std::string& name) {
  auto c = client.get(res::canaries(), ns, name);
  return c.ok() &&
         (*c)["metadata"].value("finalizers", Json::array()).dump().find("finalizer.flagger.app") != std::string::npos;
}

using ControllerWorkload = ControllerOnCluster;

TEST_F(ControllerWorkload, AutoscalerRefIsMirroredForThePrimaryAndFollowsTheTargetsHpaAtPromotion) {
  const std::string n = ns.name();
  ASSERT_OK_CREATE(createSoon(*admin, res::deployments(), n, deployment("basket", "example.com/basket:1")));
  ASSERT_OK_CREATE(createSoon(*admin, res::hpas(), n, hpa("basket", 4)));
  Json canary = grpcCanary("basket", {{"interval", "10s"}, {"threshold", 2}, {"stepWeight", 50}, {"maxWeight", 50}});
  canary["spec"]["autoscalerRef"] = {
      {"apiVersion", "autoscaling/v2"}, {"kind", "HorizontalPodAutoscaler"}, {"name", "basket"}};
  ASSERT_OK_CREATE(createSoon(*admin, res::canaries(), n, canary));
  ASSERT_TRUE(eventually([&] { return phaseOf(*admin, n, "basket") == "Initialized"; }, 180s))
      << "phase " << phaseOf(*admin, n, "basket");

  auto mirror = admin->get(res::hpas(), n, "basket-primary");
  ASSERT_TRUE(mirror.ok()) << mirror.status();
  EXPECT_EQ((*mirror)["spec"]["scaleTargetRef"]["name"], "basket-primary");
  EXPECT_EQ((*mirror)["spec"]["maxReplicas"], 4);
  EXPECT_EQ((*mirror)["spec"]["minReplicas"], 1);
  EXPECT_EQ((*mirror)["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"], 80);
  EXPECT_EQ((*mirror)["metadata"]["labels"]["team"], "shop");
  EXPECT_EQ((*mirror)["metadata"]["ownerReferences"][0]["kind"], "Canary");

  // The user raises the target HPA's bound; the mirror follows at the next promotion.
  Status raised = absl::UnknownError("not tried");
  for (int i = 0; i < 10 && !raised.ok(); ++i) {
    auto current = admin->get(res::hpas(), n, "basket");
    ASSERT_TRUE(current.ok());
    (*current)["spec"]["maxReplicas"] = 6;
    raised = admin->update(res::hpas(), n, *current).status();
  }
  ASSERT_TRUE(raised.ok()) << raised;
  ASSERT_TRUE(setImage(*admin, n, "basket", "example.com/basket:2").ok());
  ASSERT_TRUE(eventually([&] { return phaseOf(*admin, n, "basket") == "Succeeded"; }, 240s))
      << "phase " << phaseOf(*admin, n, "basket");
  auto updated = admin->get(res::hpas(), n, "basket-primary");
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ((*updated)["spec"]["maxReplicas"], 6);
  EXPECT_EQ((*updated)["spec"]["scaleTargetRef"]["name"], "basket-primary");
  auto user = admin->get(res::hpas(), n, "basket");
  ASSERT_TRUE(user.ok());
  EXPECT_EQ((*user)["spec"]["scaleTargetRef"]["name"], "basket");  // the user's HPA is left alone
}

TEST_F(ControllerWorkload, RevertOnDeletionGivesTheTargetItsReplicasBackThenTheCanaryGoes) {
  const std::string n = ns.name();
  Json target = deployment("wallet", "example.com/wallet:1");
  target["spec"]["replicas"] = 2;
  ASSERT_OK_CREATE(createSoon(*admin, res::deployments(), n, target));
  Json canary = grpcCanary("wallet", {{"interval", "10s"}, {"threshold", 2}, {"stepWeight", 50}, {"maxWeight", 50}});
  canary["spec"]["revertOnDeletion"] = true;
  ASSERT_OK_CREATE(createSoon(*admin, res::canaries(), n, canary));
  ASSERT_TRUE(eventually([&] { return phaseOf(*admin, n, "wallet") == "Initialized"; }, 180s))
      << "phase " << phaseOf(*admin, n, "wallet");
  ASSERT_TRUE(eventually([&] { return replicasOf(*admin, n, "wallet") == 0; }, 30s));
  ASSERT_TRUE(eventually([&] { return hasFinalizer(*admin, n, "wallet"); }, 30s));

  ASSERT_TRUE(admin->remove(res::canaries(), n, "wallet").ok());
  // The finaliser holds the Canary until the target runs the primary's replicas again.
  ASSERT_TRUE(eventually([&] { return !admin->get(res::canaries(), n, "wallet").ok(); }, 120s))
      << "phase " << phaseOf(*admin, n, "wallet");
  EXPECT_EQ(replicasOf(*admin, n, "wallet"), 2);
  EXPECT_TRUE(eventually([&] { return hasEvent(*admin, n, "wallet", "Terminated canary"); }, 30s));
}

TEST_F(ControllerWorkload, RevertOnDeletionMidAnalysisSendsAReferencedRouteBackToThePrimary) {
  const std::string n = ns.name();
  Json route = Json::parse(R"({
    "apiVersion": "gateway.networking.k8s.io/v1", "kind": "GRPCRoute", "metadata": {"name": "coins"},
    "spec": {
      "parentRefs": [{"name": "public-gw", "namespace": "gateway-system"}],
      "rules": [{"backendRefs": [{"name": "mint-primary", "port": 9090, "weight": 100},
                                 {"name": "mint-canary", "port": 9090, "weight": 0}]}]
    }
  })");
  ASSERT_OK_CREATE(createSoon(*admin, res::grpcRoutes(), n, route));
  ASSERT_OK_CREATE(createSoon(*admin, res::deployments(), n, deployment("mint", "example.com/mint:1")));
  Json canary = grpcCanary("mint", {{"interval", "10s"}, {"threshold", 2}, {"stepWeight", 30}, {"maxWeight", 90}});
  canary["spec"]["service"].erase("gatewayRefs");
  canary["spec"]["service"].erase("route");
  canary["spec"]["routeRef"] = {
      {"apiVersion", "gateway.networking.k8s.io/v1"}, {"kind", "GRPCRoute"}, {"name", "coins"}};
  canary["spec"]["revertOnDeletion"] = true;
  ASSERT_OK_CREATE(createSoon(*admin, res::canaries(), n, canary));
  ASSERT_TRUE(eventually([&] { return phaseOf(*admin, n, "mint") == "Initialized"; }, 180s))
      << "phase " << phaseOf(*admin, n, "mint");
  ASSERT_TRUE(setImage(*admin, n, "mint", "example.com/mint:2").ok());
  ASSERT_TRUE(eventually([&] { return routeWeights(*admin, n, "coins", "mint").canary == 30; }, 120s))
      << "phase " << phaseOf(*admin, n, "mint");

  ASSERT_TRUE(admin->remove(res::canaries(), n, "mint").ok());
  ASSERT_TRUE(eventually([&] { return !admin->get(res::canaries(), n, "mint").ok(); }, 120s))
      << "phase " << phaseOf(*admin, n, "mint");
  RouteWeights after = routeWeights(*admin, n, "coins", "mint");
  EXPECT_EQ(after.primary, 100);
  EXPECT_EQ(after.canary, 0);
  EXPECT_GE(replicasOf(*admin, n, "mint"), 1);
}

}  // namespace
}  // namespace pennant::testbed
