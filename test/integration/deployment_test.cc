// Real controllers on fake Nodes: a Deployment created through Pennant's client gets a ReplicaSet
// (kube-controller-manager), its Pods are scheduled (kube-scheduler) and become Running and Ready
// (KWOK), and scaling the Deployment changes status.readyReplicas.
#include <gtest/gtest.h>

#include "integration/cluster_env.h"
#include "kube/resource.h"

namespace pennant::testbed {
namespace {

using namespace std::chrono_literals;
using kube::resources::deployments;
using kube::resources::pods;

const kube::Resource& replicaSets() {
  static const kube::Resource r{"apps", "v1", "replicasets", true};
  return r;
}

Json replicatedDeployment(std::string_view name, int replicas) {
  Json labels = {{"app", name}};
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"replicas", replicas},
            {"selector", {{"matchLabels", labels}}},
            {"template",
             {{"metadata", {{"labels", labels}}},
              {"spec", {{"containers", Json::array({{{"name", "app"}, {"image", "example.com/app:1"}}})}}}}}}}};
}

int64_t readyReplicas(kube::Client& client, const std::string& ns, std::string_view name) {
  auto d = client.get(deployments(), ns, name);
  if (!d.ok()) return -1;
  const Json* ready = findPath(*d, {"status", "readyReplicas"});
  return ready != nullptr && ready->is_number_integer() ? ready->get<int64_t>() : 0;
}

TEST(DeploymentOnKwok, GetsReplicaSetAndReadyPodsAndScales) {
  ScopedNamespace ns("deploy");
  ASSERT_TRUE(ns.ok());
  auto client = adminClient();
  ASSERT_NE(client, nullptr);
  auto created = client->create(deployments(), ns.name(), replicatedDeployment("web", 2));
  ASSERT_TRUE(created.ok()) << created.status();

  EXPECT_TRUE(eventually([&] { return readyReplicas(*client, ns.name(), "web") == 2; }, 60s))
      << "readyReplicas=" << readyReplicas(*client, ns.name(), "web");

  auto sets = client->list(replicaSets(), ns.name(), {.labelSelector = "app=web"});
  ASSERT_TRUE(sets.ok()) << sets.status();
  ASSERT_EQ(sets->items.size(), 1u);
  const Json& owner = sets->items[0]["metadata"]["ownerReferences"][0];
  EXPECT_EQ(owner["kind"], "Deployment");
  EXPECT_EQ(owner["uid"], (*created)["metadata"]["uid"]);

  auto podList = client->list(pods(), ns.name(), {.labelSelector = "app=web"});
  ASSERT_TRUE(podList.ok()) << podList.status();
  ASSERT_EQ(podList->items.size(), 2u);
  for (const Json& pod : podList->items) {
    EXPECT_EQ(stringAt(pod, {"status", "phase"}), "Running");
    EXPECT_NE(stringAt(pod, {"spec", "nodeName"}), "") << "scheduled onto a fake Node";
  }

  auto scaled = client->patch(deployments(), ns.name(), "web", kube::PatchType::kMerge, {{"spec", {{"replicas", 4}}}});
  ASSERT_TRUE(scaled.ok()) << scaled.status();
  EXPECT_TRUE(eventually([&] { return readyReplicas(*client, ns.name(), "web") == 4; }, 60s))
      << "readyReplicas=" << readyReplicas(*client, ns.name(), "web");

  scaled = client->patch(deployments(), ns.name(), "web", kube::PatchType::kMerge, {{"spec", {{"replicas", 1}}}});
  ASSERT_TRUE(scaled.ok()) << scaled.status();
  EXPECT_TRUE(eventually([&] { return readyReplicas(*client, ns.name(), "web") == 1; }, 60s))
      << "readyReplicas=" << readyReplicas(*client, ns.name(), "web");
}

}  // namespace
}  // namespace pennant::testbed
