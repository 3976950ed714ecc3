// The reconcile shell's workload side over the in-memory API server: the primary's HPA mirrored
// from autoscalerRef, the ready thresholds, the generated Services' Canary-given metadata, and
// revertOnDeletion (finaliser) giving the target back its replicas.
#include <gtest/gtest.h>

#include "controller/reconciler.h"
#include "controller_fixtures.h"

namespace pennant::controller::testing {
namespace {

using kube::resources::canaries;
using kube::resources::deployments;
using kube::resources::grpcRoutes;
using kube::resources::hpas;
using kube::resources::services;

Json targetHpa(int maxReplicas) {
  return {
      {"apiVersion", "autoscaling/v2"},
      {"kind", "HorizontalPodAutoscaler"},
      {"metadata", {{"name", "greeter"}, {"namespace", kNs}, {"labels", {{"team", "a"}}}}},
      {"spec",
       {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "greeter"}}},
        {"minReplicas", 2},
        {"maxReplicas", maxReplicas},
        {"metrics",
         Json::array({{{"type", "Resource"},
                       {"resource",
                        {{"name", "cpu"}, {"target", {{"type", "Utilization"}, {"averageUtilization", 80}}}}}}})}}}};
}

class ReconcilerWorkloadTest : public ::testing::Test, public ControllerTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fake->create(deployments(), kNs, targetDeployment("greeter:v1")).ok());
    markReady("greeter");
  }
  void newRevision(const std::string& image) {
    Json target = get(deployments(), "greeter");
    target["spec"]["template"]["spec"]["containers"][0]["image"] = image;
    ASSERT_TRUE(fake->update(deployments(), kNs, target).ok());
  }
  // status as the Deployment controller would write it: `available` of `replicas` ready.
  void setAvailable(const std::string& deployment, int replicas, int available) {
    Json d = get(deployments(), deployment);
    d["spec"]["replicas"] = replicas;
    ASSERT_TRUE(fake->update(deployments(), kNs, d).ok());
    d = get(deployments(), deployment);
    d["status"] = {{"observedGeneration", d["metadata"].value("generation", 0)},
                   {"replicas", replicas},
                   {"updatedReplicas", replicas},
                   {"readyReplicas", available},
                   {"availableReplicas", available}};
    ASSERT_TRUE(fake->updateStatus(deployments(), kNs, d).ok());
  }
};

TEST_F(ReconcilerWorkloadTest, AutoscalerRefMirrorsTheHpaForThePrimaryAndKeepsItUpToDateAfterInitialisation) {
  ASSERT_TRUE(fake->create(hpas(), kNs, targetHpa(4)).ok());
  Json canary = grpcCanary();
  canary["spec"]["autoscalerRef"] = {
      {"apiVersion", "autoscaling/v2"}, {"kind", "HorizontalPodAutoscaler"}, {"name", "greeter"}};
  ASSERT_TRUE(fake->create(canaries(), kNs, canary).ok());
  ASSERT_TRUE(tick().ok());
  markReady("greeter-primary");
  ASSERT_TRUE(tick().ok());
  ASSERT_EQ(phase(), "Initialized");

  Json mirror = get(hpas(), "greeter-primary");
  ASSERT_FALSE(mirror.is_null());
  EXPECT_EQ(mirror["spec"]["scaleTargetRef"]["name"], "greeter-primary");
  EXPECT_EQ(mirror["spec"]["minReplicas"], 2);
  EXPECT_EQ(mirror["spec"]["maxReplicas"], 4);
  EXPECT_EQ(mirror["spec"]["metrics"], targetHpa(4)["spec"]["metrics"]);
  EXPECT_EQ(mirror["metadata"]["labels"]["team"], "a");
  EXPECT_EQ(mirror["metadata"]["ownerReferences"][0]["kind"], "Canary");
  EXPECT_EQ(get(hpas(), "greeter")["spec"]["scaleTargetRef"]["name"], "greeter");  // the user's HPA untouched

  // The user raises maxReplicas; the next promotion brings the mirror along.
  Json hpa = get(hpas(), "greeter");
  hpa["spec"]["maxReplicas"] = 8;
  ASSERT_TRUE(fake->update(hpas(), kNs, hpa).ok());
  newRevision("greeter:v2");
  for (int i = 0; i < 8 && phase() != "Promoting"; ++i) {
    ASSERT_TRUE(tick().ok());
    markReady("greeter");
  }
  ASSERT_EQ(phase(), "Promoting");
  markReady("greeter-primary");
  // The mirror's update meets a conflict (the HPA controller wrote its status): read and retry.
  fake->failNextUpdates(1);
  ASSERT_TRUE(tick().ok());
  EXPECT_EQ(get(hpas(), "greeter-primary")["spec"]["maxReplicas"], 8);
  EXPECT_EQ(get(hpas(), "greeter-primary")["spec"]["scaleTargetRef"]["name"], "greeter-primary");
}

TEST_F(ReconcilerWorkloadTest, AMissingAutoscalerStopsInitialisationWithAnEvent) {
  Json canary = grpcCanary();
  canary["spec"]["autoscalerRef"] = {
      {"apiVersion", "autoscaling/v2"}, {"kind", "HorizontalPodAutoscaler"}, {"name", "nope"}};
  ASSERT_TRUE(fake->create(canaries(), kNs, canary).ok());
  ASSERT_TRUE(tick().ok());
  markReady("greeter-primary");
  auto r = tick();
  EXPECT_FALSE(r.ok());
  EXPECT_NE(phase(), "Initialized");
  bool reported = false;
  for (const auto& e : events->entries()) reported |= e.message.find("nope.shop not found") != std::string::npos;
  EXPECT_TRUE(reported);
  EXPECT_TRUE(get(grpcRoutes(), "greeter").is_null());  // nothing routed before the scaler is in place
}

TEST_F(ReconcilerWorkloadTest, PrimaryReadyThresholdCountsAPartlyAvailablePrimaryAsReady) {
  for (int threshold : {100, 50}) {
    SCOPED_TRACE(threshold);
    Json canary = grpcCanary();
    canary["spec"]["analysis"]["primaryReadyThreshold"] = threshold;
    if (threshold == 50) {
      Json stored = get(canaries(), "greeter");
      stored["spec"] = canary["spec"];
      ASSERT_TRUE(fake->update(canaries(), kNs, stored).ok());
    } else {
      ASSERT_TRUE(fake->create(canaries(), kNs, canary).ok());
      ASSERT_TRUE(tick().ok());
    }
    setAvailable("greeter-primary", 4, 2);
    ASSERT_TRUE(tick().ok());
    EXPECT_EQ(phase(), threshold == 100 ? "Initializing" : "Initialized");
  }
}

TEST_F(ReconcilerWorkloadTest, CanaryReadyThresholdLetsTheAnalysisStartWithPartOfTheCanaryAvailable) {
  Json canary = grpcCanary();
  canary["spec"]["analysis"]["canaryReadyThreshold"] = 50;
  ASSERT_TRUE(fake->create(canaries(), kNs, canary).ok());
  ASSERT_TRUE(tick().ok());
  markReady("greeter-primary");
  ASSERT_TRUE(tick().ok());
  ASSERT_EQ(phase(), "Initialized");
  newRevision("greeter:v2");
  ASSERT_TRUE(tick().ok());
  ASSERT_EQ(phase(), "Progressing");
  setAvailable("greeter", 4, 2);
  ASSERT_TRUE(tick().ok());
  EXPECT_EQ(routeCanaryWeight(), 25);
}

TEST_F(ReconcilerWorkloadTest, ServicesCarryTheCanarysMetadataAndHeadlessness) {
  Json canary = grpcCanary();
  canary["spec"]["service"]["headless"] = true;
  canary["spec"]["service"]["trafficDistribution"] = "PreferClose";
  canary["spec"]["service"]["primary"] = {{"labels", {{"role", "stable"}}}, {"annotations", {{"a", "p"}}}};
  canary["spec"]["service"]["canary"] = {{"labels", {{"role", "next"}}}};
  canary["spec"]["service"]["unmanagedMetadata"] = {{"labels", Json::array({"owner"})}};
  ASSERT_TRUE(fake->create(canaries(), kNs, canary).ok());
  ASSERT_TRUE(tick().ok());
  Json primary = get(services(), "greeter-primary");
  EXPECT_EQ(primary["spec"]["clusterIP"], "None");
  EXPECT_EQ(primary["spec"]["trafficDistribution"], "PreferClose");
  EXPECT_EQ(primary["metadata"]["labels"]["role"], "stable");
  EXPECT_EQ(primary["metadata"]["labels"]["app"], "greeter-primary");
  EXPECT_EQ(primary["metadata"]["annotations"]["a"], "p");
  EXPECT_EQ(get(services(), "greeter-canary")["metadata"]["labels"]["role"], "next");
  EXPECT_EQ(get(services(), "greeter")["spec"]["clusterIP"], "None");

  // A label listed as unmanaged survives the next reconcile; any other foreign label does not.
  Json svc = get(services(), "greeter-canary");
  svc["metadata"]["labels"]["owner"] = "mesh";
  svc["metadata"]["labels"]["stray"] = "x";
  ASSERT_TRUE(fake->update(services(), kNs, svc).ok());
  ASSERT_TRUE(tick().ok());
  Json labels = get(services(), "greeter-canary")["metadata"]["labels"];
  EXPECT_EQ(labels.value("owner", ""), "mesh");
  EXPECT_FALSE(labels.contains("stray"));
}

TEST_F(ReconcilerWorkloadTest, RevertOnDeletionGivesTheTargetBackItsReplicasThenLetsTheCanaryGo) {
  Json canary = grpcCanary();
  canary["spec"]["revertOnDeletion"] = true;
  ASSERT_TRUE(fake->create(canaries(), kNs, canary).ok());
  ASSERT_TRUE(tick().ok());
  markReady("greeter-primary");
  ASSERT_TRUE(tick().ok());
  ASSERT_EQ(phase(), "Initialized");
  ASSERT_EQ(get(deployments(), "greeter")["spec"]["replicas"], 0);
  EXPECT_EQ(get(canaries(), "greeter")["metadata"]["finalizers"], Json::array({"finalizer.flagger.app"}));

  ASSERT_TRUE(fake->remove(canaries(), kNs, "greeter").ok());
  ASSERT_FALSE(get(canaries(), "greeter").is_null());  // held by the finaliser
  ASSERT_TRUE(tick().ok());
  EXPECT_EQ(phase(), "Terminating");
  EXPECT_EQ(get(deployments(), "greeter")["spec"]["replicas"], 1);
  markReady("greeter");
  ASSERT_TRUE(tick().ok());
  EXPECT_TRUE(get(canaries(), "greeter").is_null());  // finaliser removed: gone
  EXPECT_EQ(get(services(), "greeter")["spec"]["selector"]["app"], "greeter");
}

}  // namespace
}  // namespace pennant::controller::testing
