#include <gtest/gtest.h>

#include "analysis/route_state.h"
#include "fakes/fake_kube_client.h"
#include "kube/errors.h"
#include "router/canary_fixtures.h"
#include "router/gatewayapi/route_writer.h"
#include "router/router.h"

namespace pennant::router {
namespace {

using testing::canaryFrom;
using testing::grpcCanaryManifest;
using testing::yaml;

TEST(RouterFactory, UnknownProviderIsAnErrorNotAFallback) {
  auto client = std::make_shared<fakes::FakeKubeClient>();
  for (const char* provider : {"istio", "gatewayapi", "gatewayapi:v2", "kubernetes", "nginx"}) {
    auto router = makeRouter(provider, client);
    ASSERT_FALSE(router.ok()) << provider;
    EXPECT_EQ(router.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(std::string(router.status().message()).find(provider), std::string::npos);
  }
  for (const char* provider : {"gatewayapi:v1", "gatewayapi:v1beta1", ""})
    EXPECT_TRUE(makeRouter(provider, client).ok()) << provider;
  EXPECT_FALSE(makeRouter("gatewayapi:v1", nullptr).ok());
}

TEST(GatewayApiRouter, GetRoutesWaitsForAcceptance) {
  auto client = std::make_shared<fakes::FakeKubeClient>();
  api::Canary c = canaryFrom(grpcCanaryManifest());
  auto router = *makeRouter(c.provider, client);
  ASSERT_TRUE(router->setRoutes(c, analysis::routeStateFor(c, 10, api::Phase::kNone)).ok());
  auto route = *client->get(gatewayapi::routeResource(c), "demo", "greeter");
  route["status"] = yaml(R"({parents: [{controllerName: example.io/gw,
      parentRef: {group: gateway.networking.k8s.io, kind: Gateway, name: public-gw, namespace: gateway-system},
      conditions: [{type: Accepted, status: 'False', reason: NotAllowedByListeners, message: no listener}]}]})");
  ASSERT_TRUE(client->updateStatus(gatewayapi::routeResource(c), "demo", route).ok());
  auto weights = router->getRoutes(c);
  EXPECT_EQ(weights.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(std::string(weights.status().message()).find("NotAllowedByListeners"), std::string::npos);
  route = *client->get(gatewayapi::routeResource(c), "demo", "greeter");
  route["status"]["parents"][0]["conditions"][0] = yaml("{type: Accepted, status: 'True', reason: Accepted}");
  ASSERT_TRUE(client->updateStatus(gatewayapi::routeResource(c), "demo", route).ok());
  weights = router->getRoutes(c);
  ASSERT_TRUE(weights.ok()) << weights.status();
  EXPECT_EQ(*weights, (Weights{90, 10, false}));
}

TEST(GatewayApiRouter, FinalizeRestoresAReferencedRoute) {
  auto client = std::make_shared<fakes::FakeKubeClient>();
  Json m = grpcCanaryManifest();
  m["spec"]["service"].erase("route");
  m["spec"]["routeRef"] = yaml("{apiVersion: gateway.networking.k8s.io/v1, kind: GRPCRoute, name: greeter}");
  m["spec"]["analysis"] = yaml("{interval: 1m, threshold: 2, iterations: 5, match: [{headers: {x: {exact: y}}}]}");
  api::Canary c = canaryFrom(m);
  Json user =
      yaml(R"({apiVersion: gateway.networking.k8s.io/v1, kind: GRPCRoute, metadata: {name: greeter, namespace: demo},
    spec: {rules: [{name: main, backendRefs: [{name: greeter-primary, port: 9090, weight: 100}, {name: greeter-canary, port: 9090, weight: 0}]}]}})");
  auto stored = client->create(gatewayapi::routeResource(c), "demo", user);
  ASSERT_TRUE(stored.ok());
  auto router = *makeRouter(c.provider, client);
  auto during = router->setRoutes(c, analysis::routeStateFor(c, 100, api::Phase::kProgressing));
  ASSERT_TRUE(during.ok()) << during.status();
  EXPECT_EQ(during->route["spec"]["rules"].size(), 2u);
  ASSERT_TRUE(router->finalize(c).ok());
  auto after = client->get(gatewayapi::routeResource(c), "demo", "greeter");
  EXPECT_EQ((*after)["spec"], (*stored)["spec"]);
}

TEST(GatewayApiRouter, CheckRoutesFindsWhatSetRoutesWouldRefuseWithoutWriting) {
  auto client = std::make_shared<fakes::FakeKubeClient>();
  api::Canary managed = canaryFrom(grpcCanaryManifest());
  auto router = *makeRouter(managed.provider, client);
  // A managed route that does not exist yet is fine (it will be created) and is not created here.
  EXPECT_TRUE(router->checkRoutes(managed, analysis::routeStateFor(managed, 0, api::Phase::kInitialized)).ok());
  EXPECT_TRUE(kube::isNotFound(client->get(gatewayapi::routeResource(managed), "demo", "greeter").status()));

  Json m = grpcCanaryManifest();
  m["spec"]["service"].erase("route");
  m["spec"]["routeRef"] = yaml("{apiVersion: gateway.networking.k8s.io/v1, kind: GRPCRoute, name: greeter}");
  api::Canary referenced = canaryFrom(m);
  auto missing = router->checkRoutes(referenced, analysis::routeStateFor(referenced, 0, api::Phase::kInitialized));
  EXPECT_TRUE(kube::isNotFound(missing)) << missing;

  // A referenced route that never names the apex backends cannot be driven.
  Json user =
      yaml(R"({apiVersion: gateway.networking.k8s.io/v1, kind: GRPCRoute, metadata: {name: greeter, namespace: demo},
    spec: {rules: [{backendRefs: [{name: greeter-primary, port: 9090}]}]}})");
  auto stored = client->create(gatewayapi::routeResource(referenced), "demo", user);
  ASSERT_TRUE(stored.ok());
  auto invalid = router->checkRoutes(referenced, analysis::routeStateFor(referenced, 0, api::Phase::kInitialized));
  EXPECT_EQ(invalid.code(), StatusCode::kInvalidArgument) << invalid;
  auto after = client->get(gatewayapi::routeResource(referenced), "demo", "greeter");
  EXPECT_EQ(stringAt(*after, {"metadata", "resourceVersion"}), stringAt(*stored, {"metadata", "resourceVersion"}));
}

}  // namespace
}  // namespace pennant::router
