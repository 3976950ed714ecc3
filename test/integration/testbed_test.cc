// The test control plane itself: the pinned API server version, Gateway API CRDs Established,
// fake Nodes Ready and schedulable. If these fail, every other integration test is meaningless.
#include <gtest/gtest.h>

#include "integration/cluster_env.h"
#include "kube/resource.h"

namespace pennant::testbed {
namespace {

const kube::Resource& nodes() {
  static const kube::Resource r{"", "v1", "nodes", false};
  return r;
}

bool conditionTrue(const Json& object, std::string_view type) {
  const Json* conditions = findPath(object, {"status", "conditions"});
  if (conditions == nullptr || !conditions->is_array()) return false;
  for (const Json& c : *conditions) {
    if (stringAt(c, {"type"}) == type) return stringAt(c, {"status"}) == "True";
  }
  return false;
}

TEST(Testbed, ApiServerReportsThePinnedVersion) {
  auto answer = apiRequest("GET", "/version");
  ASSERT_TRUE(answer.ok()) << answer.status();
  ASSERT_EQ(answer->status, 200) << answer->body;
  auto doc = parseJson(answer->body);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(stringAt(*doc, {"gitVersion"}), "v1.34.4");
}

TEST(Testbed, GatewayApiStandardCrdsAreEstablished) {
  auto client = adminClient();
  ASSERT_NE(client, nullptr);
  for (std::string kind : {"httproutes", "grpcroutes", "gateways", "gatewayclasses", "referencegrants"}) {
    auto crd = client->get(kube::resources::customResourceDefinitions(), "", kind + ".gateway.networking.k8s.io");
    ASSERT_TRUE(crd.ok()) << crd.status();
    EXPECT_TRUE(conditionTrue(*crd, "Established")) << kind;
    EXPECT_EQ(stringAt(*crd, {"metadata", "annotations", "gateway.networking.k8s.io/bundle-version"}), "v1.6.3");
    EXPECT_EQ(stringAt(*crd, {"metadata", "annotations", "gateway.networking.k8s.io/channel"}), "standard");
  }
}

TEST(Testbed, FakeNodesAreReadyAndUntainted) {
  auto client = adminClient();
  ASSERT_NE(client, nullptr);
  auto list = client->list(nodes(), "", {.labelSelector = "kwok.x-k8s.io/node=fake"});
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_GE(list->items.size(), 1u);
  for (const Json& node : list->items) {
    EXPECT_TRUE(conditionTrue(node, "Ready")) << node.dump();
    EXPECT_EQ(findPath(node, {"spec", "taints"}), nullptr) << node.dump();
  }
}

TEST(Testbed, AnonymousRequestsAreRefused) {
  auto answer = apiRequest("GET", "/api/v1/namespaces", "", "not-a-valid-token");
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->status, 401) << answer->body;
}

}  // namespace
}  // namespace pennant::testbed
