#include "router/gatewayapi/route_writer.h"

#include <gtest/gtest.h>

#include <functional>

#include "analysis/route_state.h"
#include "fakes/fake_kube_client.h"
#include "router/canary_fixtures.h"
#include "router/gatewayapi/route_core.h"

namespace pennant::router::gatewayapi {
namespace {

using fakes::FakeKubeClient;
using testing::canaryFrom;
using testing::grpcCanaryManifest;
using testing::yaml;
using Verb = FakeKubeClient::Verb;

// Runs `beforeUpdate` once, just before the first update reaches the fake: another writer's
// change that lands between Pennant's read and its write.
class InterposingClient : public kube::Client {
 public:
  InterposingClient(FakeKubeClient& inner, std::function<void()> beforeUpdate)
      : inner_(inner), beforeUpdate_(std::move(beforeUpdate)) {}
  StatusOr<Json> get(const kube::Resource& r, std::string_view ns, std::string_view name) override {
    return inner_.get(r, ns, name);
  }
  StatusOr<kube::ObjectList> list(const kube::Resource& r, std::string_view ns, const kube::ListOptions& o) override {
    return inner_.list(r, ns, o);
  }
  StatusOr<Json> create(const kube::Resource& r, std::string_view ns, const Json& o) override {
    return inner_.create(r, ns, o);
  }
  StatusOr<Json> update(const kube::Resource& r, std::string_view ns, const Json& o) override {
    if (beforeUpdate_) std::exchange(beforeUpdate_, nullptr)();
    return inner_.update(r, ns, o);
  }
  StatusOr<Json> updateStatus(const kube::Resource& r, std::string_view ns, const Json& o) override {
    return inner_.updateStatus(r, ns, o);
  }
  Status remove(const kube::Resource& r, std::string_view ns, std::string_view name,
                const kube::DeleteOptions& o) override {
    return inner_.remove(r, ns, name, o);
  }
  StatusOr<Json> patch(const kube::Resource& r, std::string_view ns, std::string_view name, kube::PatchType t,
                       const Json& p, std::string_view sub) override {
    return inner_.patch(r, ns, name, t, p, sub);
  }
  Status watch(const kube::Resource& r, std::string_view ns, const kube::WatchOptions& o,
               const kube::WatchHandler& h) override {
    return inner_.watch(r, ns, o, h);
  }

 private:
  FakeKubeClient& inner_;
  std::function<void()> beforeUpdate_;
};

api::Canary managed() { return canaryFrom(grpcCanaryManifest()); }

api::Canary referenced() {
  Json m = grpcCanaryManifest();
  m["spec"]["service"].erase("route");
  m["spec"]["routeRef"] = yaml("{apiVersion: gateway.networking.k8s.io/v1, kind: GRPCRoute, name: greeter}");
  return canaryFrom(m);
}

Json writerUserRoute() {
  return yaml(R"({apiVersion: gateway.networking.k8s.io/v1, kind: GRPCRoute,
    metadata: {name: greeter, namespace: demo, labels: {owner: gitops}},
    spec: {parentRefs: [{name: public-gw, namespace: gateway-system}],
           rules: [{name: main, backendRefs: [{name: greeter-primary, port: 9090, weight: 100}, {name: greeter-canary, port: 9090, weight: 0}]},
                   {name: other, backendRefs: [{name: legacy, port: 80}]}]}})");
}

int64_t canaryWeightIn(FakeKubeClient& fake, const api::Canary& c) {
  auto route = fake.get(routeResource(c), "demo", routeName(c));
  EXPECT_TRUE(route.ok()) << route.status();
  return route.ok() ? readWeights(c, *route)->canary : -1;
}

TEST(RouteWriter, ResourceAndNameFollowTheCanary) {
  EXPECT_EQ(routeResource(managed()).resource, "grpcroutes");
  EXPECT_EQ(routeResource(managed()).apiVersion(), "gateway.networking.k8s.io/v1");
  EXPECT_EQ(routeName(managed()), "greeter");
  api::Canary http = canaryFrom(testing::httpCanaryManifest());
  http.provider = "gatewayapi:v1beta1";
  EXPECT_EQ(routeResource(http).resource, "httproutes");
  EXPECT_EQ(routeResource(http).version, "v1beta1");
}

TEST(RouteWriter, CreatesThenLeavesAnUnchangedRouteAlone) {
  FakeKubeClient fake;
  api::Canary c = managed();
  auto created = applyRoute(fake, c, analysis::routeStateFor(c, 0, api::Phase::kNone));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->action, WriteAction::kCreated);
  auto again = applyRoute(fake, c, analysis::routeStateFor(c, 0, api::Phase::kNone));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->action, WriteAction::kUnchanged);
  EXPECT_EQ(fake.callCount(Verb::kUpdate), 0);
  auto shifted = applyRoute(fake, c, analysis::routeStateFor(c, 10, api::Phase::kNone));
  ASSERT_TRUE(shifted.ok());
  EXPECT_EQ(shifted->action, WriteAction::kUpdated);
  EXPECT_EQ(canaryWeightIn(fake, c), 10);
}

TEST(RouteWriter, ConflictingConcurrentEditIsRetriedKeepingTheOtherWritersChange) {
  FakeKubeClient fake;
  api::Canary c = managed();
  ASSERT_TRUE(applyRoute(fake, c, analysis::routeStateFor(c, 0, api::Phase::kNone)).ok());
  InterposingClient racing(fake, [&] {
    auto route = fake.get(routeResource(c), "demo", "greeter");
    ASSERT_TRUE(route.ok());
    (*route)["metadata"]["annotations"]["other-writer"] = "was-here";
    ASSERT_TRUE(fake.update(routeResource(c), "demo", *route).ok());
  });
  auto result = applyRoute(racing, c, analysis::routeStateFor(c, 20, api::Phase::kNone));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->action, WriteAction::kUpdated);
  EXPECT_EQ(result->attempts, 2);
  auto stored = fake.get(routeResource(c), "demo", "greeter");
  EXPECT_EQ((*stored)["metadata"]["annotations"]["other-writer"], "was-here");
  EXPECT_EQ(readWeights(c, *stored)->canary, 20);
}

TEST(RouteWriter, GivesUpAfterRepeatedConflicts) {
  FakeKubeClient fake;
  api::Canary c = managed();
  ASSERT_TRUE(applyRoute(fake, c, analysis::routeStateFor(c, 0, api::Phase::kNone)).ok());
  fake.failNextUpdates(10);
  auto result = applyRoute(fake, c, analysis::routeStateFor(c, 30, api::Phase::kNone), 3);
  EXPECT_EQ(result.status().code(), StatusCode::kAborted);
  EXPECT_EQ(fake.callCount(Verb::kUpdate), 3);
}

TEST(RouteWriter, OtherErrorsAreReturnedWithoutRetry) {
  FakeKubeClient fake;
  api::Canary c = managed();
  fake.failNext(Verb::kGet, absl::PermissionDeniedError("forbidden"));
  EXPECT_EQ(applyRoute(fake, c, analysis::routeStateFor(c, 0, api::Phase::kNone)).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(fake.callCount(Verb::kCreate), 0);
}

TEST(RouteWriter, NeverOverwritesARouteItDoesNotOwn) {
  FakeKubeClient fake;
  api::Canary c = managed();
  Json foreign = writerUserRoute();
  ASSERT_TRUE(fake.create(routeResource(c), "demo", foreign).ok());
  auto result = applyRoute(fake, c, analysis::routeStateFor(c, 10, api::Phase::kNone));
  EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(rejectionOf(result.status()), Rejection::kRouteNotOwned);
  EXPECT_EQ(fake.callCount(Verb::kUpdate), 0);
  EXPECT_EQ(canaryWeightIn(fake, c), 0);
}

TEST(RouteWriter, InvalidInputNeverReachesTheServer) {
  FakeKubeClient fake;
  api::Canary c = managed();
  ASSERT_TRUE(applyRoute(fake, c, analysis::routeStateFor(c, 20, api::Phase::kNone)).ok());
  c.analysis.stepWeight = 0;  // now invalid
  auto result = applyRoute(fake, c, analysis::routeStateFor(c, 50, api::Phase::kNone));
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(rejectionOf(result.status()), Rejection::kInvalidRoute);
  EXPECT_EQ(fake.callCount(Verb::kUpdate), 0);
  EXPECT_EQ(canaryWeightIn(fake, c), 20);  // traffic unchanged
}

// The API server's own 422 (an admission webhook, a CRD rule) has the same code as Pennant's
// validation but is not a rejection: the controller retries it with back-off.
TEST(RouteWriter, AnApiServer422IsReturnedUnmarkedSoTheControllerRetriesIt) {
  FakeKubeClient fake;
  api::Canary c = managed();
  ASSERT_TRUE(applyRoute(fake, c, analysis::routeStateFor(c, 0, api::Phase::kNone)).ok());
  fake.failNext(Verb::kUpdate,
                absl::InvalidArgumentError("admission webhook \"routes.example.com\" denied the request"));
  auto result = applyRoute(fake, c, analysis::routeStateFor(c, 10, api::Phase::kNone));
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(rejectionOf(result.status()), std::nullopt);
  EXPECT_TRUE(applyRoute(fake, c, analysis::routeStateFor(c, 10, api::Phase::kNone)).ok());
  EXPECT_EQ(canaryWeightIn(fake, c), 10);
}

TEST(RouteWriter, DriftIsCorrectedWithoutResettingWeights) {
  FakeKubeClient fake;
  api::Canary c = managed();
  ASSERT_TRUE(applyRoute(fake, c, analysis::routeStateFor(c, 30, api::Phase::kNone)).ok());
  auto route = fake.get(routeResource(c), "demo", "greeter");
  (*route)["spec"]["hostnames"] = yaml("[drifted.example.com]");
  ASSERT_TRUE(fake.update(routeResource(c), "demo", *route).ok());
  // The controller reads the current weights back and writes them with the corrected spec.
  int64_t current = canaryWeightIn(fake, c);
  auto result = applyRoute(fake, c, analysis::routeStateFor(c, current, api::Phase::kProgressing));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->action, WriteAction::kUpdated);
  EXPECT_EQ(result->route["spec"]["hostnames"], yaml("[grpc.example.com]"));
  EXPECT_EQ(canaryWeightIn(fake, c), 30);
}

TEST(RouteWriter, ReferencedRouteMustExistAndOnlyWeightsChange) {
  FakeKubeClient fake;
  api::Canary c = referenced();
  EXPECT_EQ(applyRoute(fake, c, analysis::routeStateFor(c, 10, api::Phase::kNone)).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(fake.callCount(Verb::kCreate), 0);
  auto stored = fake.create(routeResource(c), "demo", writerUserRoute());
  ASSERT_TRUE(stored.ok());
  auto result = applyRoute(fake, c, analysis::routeStateFor(c, 40, api::Phase::kNone));
  ASSERT_TRUE(result.ok()) << result.status();
  Json expected = *stored;
  expected["spec"]["rules"][0]["backendRefs"][0]["weight"] = 60;
  expected["spec"]["rules"][0]["backendRefs"][1]["weight"] = 40;
  EXPECT_EQ(result->route["spec"], expected["spec"]);
  EXPECT_EQ(result->route["metadata"]["labels"], expected["metadata"]["labels"]);
  EXPECT_FALSE(result->route["metadata"].contains("ownerReferences"));
}

}  // namespace
}  // namespace pennant::router::gatewayapi
