#include "router/kubernetes/hpa_mirror.h"

#include <gtest/gtest.h>

namespace pennant::router::kubernetes {
namespace {

Json targetHpa() {
  return Json::parse(R"({
    "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
    "metadata": {"name": "podinfo", "namespace": "test", "resourceVersion": "5",
                 "labels": {"app": "podinfo", "kustomize.toolkit.fluxcd.io/name": "apps"}},
    "spec": {
      "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "podinfo"},
      "minReplicas": 2, "maxReplicas": 4,
      "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 99}}}],
      "behavior": {"scaleDown": {"stabilizationWindowSeconds": 300}}
    },
    "status": {"currentReplicas": 2}
  })");
}

HpaMirrorSpec mirror() { return {"podinfo-primary", std::nullopt, std::nullopt, {"podinfo", "c-uid"}}; }

TEST(HpaMirrorTest, PrimaryHpaScalesThePrimary) {
  Json expected = Json::parse(R"({
    "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
    "metadata": {"name": "podinfo-primary", "namespace": "test", "labels": {"app": "podinfo"},
                 "ownerReferences": [{"apiVersion": "flagger.app/v1beta1", "kind": "Canary", "name": "podinfo",
                                      "uid": "c-uid", "controller": true, "blockOwnerDeletion": true}]},
    "spec": {
      "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "podinfo-primary"},
      "minReplicas": 2, "maxReplicas": 4,
      "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 99}}}],
      "behavior": {"scaleDown": {"stabilizationWindowSeconds": 300}}
    }
  })");
  EXPECT_EQ(desiredPrimaryHpa(targetHpa(), mirror()), expected);
}

TEST(HpaMirrorTest, PrimaryScalerReplicasOverrideBounds) {
  HpaMirrorSpec spec = mirror();
  spec.primaryMinReplicas = 3;
  spec.primaryMaxReplicas = 10;
  Json hpa = desiredPrimaryHpa(targetHpa(), spec);
  EXPECT_EQ(hpa["spec"]["minReplicas"], 3);
  EXPECT_EQ(hpa["spec"]["maxReplicas"], 10);
}

TEST(HpaMirrorTest, UpdateOnlyWhenMirroredFieldsDiffer) {
  Json desired = desiredPrimaryHpa(targetHpa(), mirror());
  Json existing = desired;
  existing["metadata"]["resourceVersion"] = "8";
  existing["status"] = {{"currentReplicas", 3}};
  EXPECT_EQ(primaryHpaUpdate(existing, desired), std::nullopt);

  Json target = targetHpa();
  target["spec"]["maxReplicas"] = 8;
  target["spec"].erase("behavior");
  auto updated = primaryHpaUpdate(existing, desiredPrimaryHpa(target, mirror()));
  ASSERT_TRUE(updated.has_value());
  Json expected = existing;
  expected["spec"]["maxReplicas"] = 8;
  expected["spec"].erase("behavior");
  EXPECT_EQ(*updated, expected);  // status and resourceVersion kept
}

TEST(HpaMirrorTest, MissingMinReplicasEqualsOne) {
  Json target = targetHpa();
  target["spec"]["minReplicas"] = 1;
  Json desired = desiredPrimaryHpa(target, mirror());
  Json existing = desired;
  existing["spec"].erase("minReplicas");
  EXPECT_EQ(primaryHpaUpdate(existing, desired), std::nullopt);
  target["spec"]["minReplicas"] = 2;
  auto updated = primaryHpaUpdate(existing, desiredPrimaryHpa(target, mirror()));
  ASSERT_TRUE(updated.has_value());
  EXPECT_EQ((*updated)["spec"]["minReplicas"], 2);
}

}  // namespace
}  // namespace pennant::router::kubernetes
