// The informer-backed store under --namespace: objects of the watched namespace come from the
// caches only; a MetricTemplate, AlertProvider or Secret a Canary names in another namespace is
// read through the client (the caches cannot hold it).
#include "controller/object_store.h"

#include <gtest/gtest.h>

#include "fakes/fake_kube_client.h"
#include "kube/resource.h"

namespace pennant::controller {
namespace {

using kube::resources::alertProviders;
using kube::resources::secrets;

Json object(const std::string& kind, const std::string& ns, const std::string& name) {
  return {{"apiVersion", "v1"}, {"kind", kind}, {"metadata", {{"name", name}, {"namespace", ns}}}};
}

TEST(InformerObjectStoreTest, OtherNamespacesAreReadThroughTheClientUnderNamespace) {
  auto fake = std::make_shared<fakes::FakeKubeClient>();
  ASSERT_TRUE(fake->create(alertProviders(), "ops", object("AlertProvider", "ops", "slack")).ok());
  ASSERT_TRUE(fake->create(secrets(), "ops", object("Secret", "ops", "slack-url")).ok());
  ASSERT_TRUE(fake->create(secrets(), "shop", object("Secret", "shop", "local")).ok());

  InformerObjectStore store;  // no informers: nothing is cached
  store.readOutside("shop", fake);
  int gets = fake->callCount(fakes::FakeKubeClient::Verb::kGet);
  auto provider = store.get(alertProviders(), "ops", "slack");
  ASSERT_NE(provider, nullptr);
  EXPECT_EQ(stringAt(*provider, {"metadata", "name"}), "slack");
  EXPECT_NE(store.get(secrets(), "ops", "slack-url"), nullptr);
  EXPECT_EQ(store.get(secrets(), "ops", "missing"), nullptr);
  // The watched namespace never reaches the API server: not cached means absent.
  EXPECT_EQ(store.get(secrets(), "shop", "local"), nullptr);
  EXPECT_EQ(fake->callCount(fakes::FakeKubeClient::Verb::kGet) - gets, 3);

  InformerObjectStore clusterWide;  // without --namespace the caches hold everything
  clusterWide.readOutside("", fake);
  EXPECT_EQ(clusterWide.get(alertProviders(), "ops", "slack"), nullptr);
}

}  // namespace
}  // namespace pennant::controller
