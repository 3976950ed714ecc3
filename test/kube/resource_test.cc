#include "kube/resource.h"

#include <gtest/gtest.h>

namespace pennant::kube {
namespace {

TEST(ResourceTest, CorePathsUseApiPrefix) {
  const Resource& pods = resources::pods();
  EXPECT_EQ(pods.groupVersionPath(), "/api/v1");
  EXPECT_EQ(pods.collectionPath("default"), "/api/v1/namespaces/default/pods");
  EXPECT_EQ(pods.collectionPath(""), "/api/v1/pods");  // all namespaces
  EXPECT_EQ(pods.objectPath("ns1", "web-0"), "/api/v1/namespaces/ns1/pods/web-0");
  EXPECT_EQ(pods.apiVersion(), "v1");
  EXPECT_EQ(pods.qualifiedName(), "pods");
}

TEST(ResourceTest, GroupPathsUseApisPrefixAndSubresources) {
  const Resource& d = resources::deployments();
  EXPECT_EQ(d.apiVersion(), "apps/v1");
  EXPECT_EQ(d.objectPath("prod", "web", "scale"), "/apis/apps/v1/namespaces/prod/deployments/web/scale");
  EXPECT_EQ(d.qualifiedName(), "deployments.apps");
  EXPECT_EQ(resources::canaries().objectPath("test", "podinfo", "status"),
            "/apis/flagger.app/v1beta1/namespaces/test/canaries/podinfo/status");
}

TEST(ResourceTest, ClusterScopedResourcesIgnoreTheNamespace) {
  EXPECT_FALSE(resources::namespaces().namespaced);
  EXPECT_EQ(resources::namespaces().objectPath("ignored", "kube-system"), "/api/v1/namespaces/kube-system");
  const Resource& crds = resources::customResourceDefinitions();
  EXPECT_FALSE(crds.namespaced);
  EXPECT_EQ(crds.collectionPath("default"), "/apis/apiextensions.k8s.io/v1/customresourcedefinitions");
}

TEST(ResourceTest, WellKnownResourcesHaveTheRightGroupVersions) {
  EXPECT_EQ(resources::events().apiVersion(), "events.k8s.io/v1");
  EXPECT_EQ(resources::leases().apiVersion(), "coordination.k8s.io/v1");
  EXPECT_EQ(resources::hpas().apiVersion(), "autoscaling/v2");
  EXPECT_EQ(resources::hpas().resource, "horizontalpodautoscalers");
  EXPECT_EQ(resources::httpRoutes().apiVersion(), "gateway.networking.k8s.io/v1");
  EXPECT_EQ(resources::grpcRoutes().resource, "grpcroutes");
  EXPECT_EQ(resources::metricTemplates().apiVersion(), "flagger.app/v1beta1");
  EXPECT_EQ(resources::alertProviders().resource, "alertproviders");
  EXPECT_EQ(resources::configMaps().resource, "configmaps");
  EXPECT_EQ(resources::secrets().collectionPath("a"), "/api/v1/namespaces/a/secrets");
  EXPECT_EQ(resources::services().collectionPath("a"), "/api/v1/namespaces/a/services");
}

}  // namespace
}  // namespace pennant::kube
