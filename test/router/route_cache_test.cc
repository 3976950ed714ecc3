// The router serves route reads from the controller's cache once it holds the router's own last
// write, and reads the API server otherwise (see router/gatewayapi/route_cache.h).
#include "router/gatewayapi/route_cache.h"

#include <gtest/gtest.h>

#include <map>

#include "analysis/route_state.h"
#include "fakes/fake_kube_client.h"
#include "router/canary_fixtures.h"
#include "router/gatewayapi/gateway_api_router.h"
#include "router/gatewayapi/route_core.h"
#include "router/gatewayapi/route_writer.h"

namespace pennant::router::gatewayapi {
namespace {

using fakes::FakeKubeClient;
using testing::canaryFrom;
using testing::grpcCanaryManifest;
using Verb = FakeKubeClient::Verb;

// Stands in for the route informer: the test decides when it "sees" the server's object.
struct FakeInformer {
  std::map<std::string, std::shared_ptr<const Json>> objects;
  void sync(FakeKubeClient& fake, const kube::Resource& r, const std::string& name) {
    objects[name] = std::make_shared<const Json>(*fake.get(r, "demo", name));
  }
  RouteCache::Lookup lookup() {
    return [this](const kube::Resource&, std::string_view, std::string_view name) -> std::shared_ptr<const Json> {
      auto it = objects.find(std::string(name));
      return it == objects.end() ? nullptr : it->second;
    };
  }
};

TEST(RouteCache, ReadsComeFromTheCacheOnceItHoldsOurWrite) {
  auto fake = std::make_shared<FakeKubeClient>();
  FakeInformer informer;
  auto cache = std::make_shared<RouteCache>(informer.lookup());
  GatewayApiRouter router(fake, cache);
  api::Canary c = canaryFrom(grpcCanaryManifest());
  ASSERT_TRUE(
      router.setRoutes(c, analysis::routeStateFor(c, 0, api::Phase::kNone)).ok());  // not cached yet: read, then create
  informer.sync(*fake, routeResource(c), "greeter");
  const int readsBefore = fake->callCount(Verb::kGet);
  for (int tick = 0; tick < 3; ++tick) {
    auto weights = router.getRoutes(c);
    ASSERT_TRUE(weights.ok()) << weights.status();
    EXPECT_EQ(weights->canary, 0);
    auto unchanged = router.setRoutes(c, analysis::routeStateFor(c, 0, api::Phase::kNone));
    ASSERT_TRUE(unchanged.ok());
    EXPECT_EQ(unchanged->action, WriteAction::kUnchanged);
  }
  EXPECT_EQ(fake->callCount(Verb::kGet), readsBefore);
  EXPECT_EQ(fake->callCount(Verb::kUpdate), 0);
}

TEST(RouteCache, ACacheBehindOurOwnWriteIsNotTrusted) {
  auto fake = std::make_shared<FakeKubeClient>();
  FakeInformer informer;
  auto cache = std::make_shared<RouteCache>(informer.lookup());
  GatewayApiRouter router(fake, cache);
  api::Canary c = canaryFrom(grpcCanaryManifest());
  ASSERT_TRUE(router.setRoutes(c, analysis::routeStateFor(c, 0, api::Phase::kNone)).ok());
  informer.sync(*fake, routeResource(c), "greeter");
  auto shifted =
      router.setRoutes(c, analysis::routeStateFor(c, 30, api::Phase::kNone));  // one write, from the cached copy
  ASSERT_TRUE(shifted.ok()) << shifted.status();
  EXPECT_EQ(shifted->action, WriteAction::kUpdated);
  EXPECT_EQ(shifted->attempts, 1);
  // The informer has not seen the write yet: the weight comes from the API server, not the cache.
  int reads = fake->callCount(Verb::kGet);
  auto weights = router.getRoutes(c);
  ASSERT_TRUE(weights.ok()) << weights.status();
  EXPECT_EQ(weights->canary, 30);
  EXPECT_EQ(fake->callCount(Verb::kGet), reads + 1);
  // Once it has, reads stop.
  informer.sync(*fake, routeResource(c), "greeter");
  reads = fake->callCount(Verb::kGet);
  EXPECT_EQ(router.getRoutes(c)->canary, 30);
  EXPECT_EQ(fake->callCount(Verb::kGet), reads);
}

TEST(RouteCache, AStaleCachedCopyCostsOneConflictAndARead) {
  auto fake = std::make_shared<FakeKubeClient>();
  FakeInformer informer;
  auto cache = std::make_shared<RouteCache>(informer.lookup());
  GatewayApiRouter router(fake, cache);
  api::Canary c = canaryFrom(grpcCanaryManifest());
  ASSERT_TRUE(router.setRoutes(c, analysis::routeStateFor(c, 0, api::Phase::kNone)).ok());
  informer.sync(*fake, routeResource(c), "greeter");
  // Someone else edits the route; the cache has not seen it.
  Json edited = *fake->get(routeResource(c), "demo", "greeter");
  edited["metadata"]["labels"]["team"] = "payments";
  ASSERT_TRUE(fake->update(routeResource(c), "demo", edited).ok());
  auto shifted = router.setRoutes(c, analysis::routeStateFor(c, 10, api::Phase::kNone));
  ASSERT_TRUE(shifted.ok()) << shifted.status();
  EXPECT_EQ(shifted->attempts, 2);  // conditional write from the cached copy conflicted, then re-read
  Json stored = *fake->get(routeResource(c), "demo", "greeter");
  EXPECT_EQ(stored["metadata"]["labels"]["team"], "payments");
  EXPECT_EQ(readWeights(c, stored)->canary, 10);
}

TEST(RouteCache, ObjectsOfAnotherVersionAreNotServed) {
  FakeInformer informer;
  informer.objects["r"] = std::make_shared<const Json>(
      Json{{"apiVersion", "gateway.networking.k8s.io/v1"}, {"metadata", {{"name", "r"}, {"generation", 1}}}});
  RouteCache cache(informer.lookup());
  kube::Resource v1{"gateway.networking.k8s.io", "v1", "httproutes", true};
  kube::Resource v1beta1{"gateway.networking.k8s.io", "v1beta1", "httproutes", true};
  EXPECT_NE(cache.fresh(v1, "demo", "r"), nullptr);
  EXPECT_EQ(cache.fresh(v1beta1, "demo", "r"), nullptr);
  EXPECT_EQ(cache.fresh(v1, "demo", "missing"), nullptr);
}

}  // namespace
}  // namespace pennant::router::gatewayapi
