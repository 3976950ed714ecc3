// The routes Pennant renders, on the real API server with the Gateway API v1.6 CRDs: every shape
// the unit tests render is created and accepted (and a second reconcile writes nothing, so
// Pennant's defaults model matches the server's); invalid input is stopped by Pennant before the
// server; a conflicting concurrent edit is retried without losing the other writer's change.
#include <gtest/gtest.h>

#include <functional>

#include "analysis/route_state.h"
#include "api/canary.h"
#include "integration/cluster_env.h"
#include "kube/errors.h"
#include "kube/resource.h"
#include "router/gatewayapi/route_core.h"
#include "router/gatewayapi/route_writer.h"
#include "router/router.h"

namespace pennant::testbed {
namespace {

namespace gw = router::gatewayapi;

Json yaml(std::string_view text) {
  auto doc = parseYaml(text);
  EXPECT_TRUE(doc.ok()) << doc.status();
  return doc.ok() ? *doc : Json();
}

class RouterIntegration : public ::testing::Test {
 protected:
  // Creates the Canary on the server (so the route's ownerReference names a real uid) and parses it.
  api::Canary createCanary(Json manifest) {
    manifest["metadata"]["namespace"] = ns_.name();
    auto created = client_->create(kube::resources::canaries(), ns_.name(), manifest);
    EXPECT_TRUE(created.ok()) << created.status();
    // Parsed from the manifest (the CRD's schema may prune fields it does not know); the uid is
    // the server's.
    auto canary = api::parseCanary(manifest);
    EXPECT_TRUE(canary.ok()) << canary.status();
    if (!canary.ok()) return api::Canary{};
    if (created.ok()) canary->uid = stringAt(*created, {"metadata", "uid"});
    return *canary;
  }

  ScopedNamespace ns_{"router"};
  kube::ClientPtr client_ = adminClient();
};

const char* kGrpcBase = R"(
apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: greeter}
spec:
  provider: gatewayapi:v1
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: greeter}
  service:
    port: 9090
    gatewayRefs: [{name: public-gw, namespace: gateway-system}]
    hosts: [grpc.example.com]
    route:
      kind: GRPCRoute
      rules:
        - name: login
          matches:
            - method: {service: com.example.UserService, method: Login}
              headers: [{name: x-tenant, value: acme}]
          filters:
            - type: RequestHeaderModifier
              requestHeaderModifier: {set: [{name: x-route, value: v2}]}
            - type: RequestMirror
              requestMirror: {backendRef: {name: audit, port: 9000}, percent: 5}
          backendRefs:
            - name: greeter-canary
              filters: [{type: ResponseHeaderModifier, responseHeaderModifier: {add: [{name: x-version, value: canary}]}}]
        - matches:
            - method: {type: RegularExpression, service: 'com\.example\..*'}
            - method: {method: Ping}
  analysis: {interval: 30s, threshold: 2, stepWeight: 10, maxWeight: 50}
)";

const char* kHttpBase = R"(
apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: podinfo}
spec:
  provider: gatewayapi:v1
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
  service:
    port: 9898
    hosts: [www.example.com]
    gatewayRefs: [{name: gateway, namespace: istio-ingress}]
    match: [{uri: {prefix: /api}, headers: {x-region: {exact: eu}}, queryParams: {v: {regex: '[0-9]+'}}}]
    headers: {request: {set: {x-a: '1'}, add: {x-b: '2'}, remove: [x-c]}, response: {remove: [server]}}
    rewrite: {uri: /v2, type: ReplacePrefixMatch}
    mirror: [{backendRef: {name: shadow, port: 8080}}]
    corsPolicy: {allowOrigin: ['https://a.example'], allowMethods: [GET], maxAge: 24h, allowCredentials: true}
    timeout: 10s
    backendTimeout: 5s
  analysis: {interval: 15s, threshold: 2, stepWeight: 10, maxWeight: 50}
)";

struct Shape {
  const char* name;
  const char* base;
  const char* analysis;  // replaces spec.analysis when set
  int64_t weight;
  const char* phase;
};

TEST_F(RouterIntegration, EveryRenderedShapeIsAcceptedAndStable) {
  ASSERT_TRUE(ns_.ok());
  const Shape shapes[] = {
      {"grpc canary", kGrpcBase, nullptr, 30, "Progressing"},
      {"grpc a/b", kGrpcBase,
       "{interval: 1m, threshold: 2, iterations: 5, match: [{headers: {x-canary: {exact: insider}, user-agent: "
       "{prefix: "
       "'grpc-go/1.'}}, grpcMethod: {service: com.example.UserService, method: Login}}, {headers: {x-beta: {suffix: "
       "'(on)'}}}]}",
       100, "Progressing"},
      {"grpc b/g mirror", kGrpcBase, "{interval: 1m, threshold: 2, iterations: 5, mirror: true, mirrorWeight: 20}", 0,
       "Progressing"},
      {"http flagger canary", kHttpBase, nullptr, 10, "Progressing"},
      {"http a/b", kHttpBase,
       "{interval: 1m, threshold: 2, iterations: 5, match: [{headers: {x-canary: {regex: '^in.*'}}, queryParams: "
       "{beta: "
       "{exact: 'on'}}}]}",
       100, "Progressing"},
      {"http session affinity", kHttpBase,
       "{interval: 1m, threshold: 2, stepWeight: 10, sessionAffinity: {cookieName: c1, primaryCookieName: p1, maxAge: "
       "60, sameSite: "
       "Lax, secure: true}}",
       20, "Progressing"},
  };
  int i = 0;
  for (const Shape& shape : shapes) {
    SCOPED_TRACE(shape.name);
    Json manifest = yaml(shape.base);
    std::string name = std::string(manifest["metadata"]["name"]) + "-" + std::to_string(i++);
    manifest["metadata"]["name"] = name;
    manifest["spec"]["targetRef"]["name"] = name;  // its own route <name>, services <name>-primary/-canary
    if (manifest["spec"]["service"].contains("route")) {
      manifest["spec"]["service"]["route"]["rules"][0]["backendRefs"][0]["name"] = name + "-canary";
    }
    if (shape.analysis != nullptr) manifest["spec"]["analysis"] = yaml(shape.analysis);
    api::Canary canary = createCanary(manifest);
    router::RouteState state = analysis::routeStateFor(canary, shape.weight, api::parsePhase(shape.phase).value());
    auto created = gw::applyRoute(*client_, canary, state);
    ASSERT_TRUE(created.ok()) << created.status();
    EXPECT_EQ(created->action, router::WriteAction::kCreated);
    // The server's defaults must not look like drift: the next reconcile writes nothing.
    auto again = gw::applyRoute(*client_, canary, state);
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_EQ(again->action, router::WriteAction::kUnchanged) << again->route.dump(1);
    auto weights = gw::readWeights(canary, again->route);
    ASSERT_TRUE(weights.ok()) << weights.status();
    EXPECT_EQ(weights->canary, shape.weight);
    // Shifting writes once, then again nothing.
    auto shifted = gw::applyRoute(*client_, canary, analysis::routeStateFor(canary, 50, api::Phase::kProgressing));
    ASSERT_TRUE(shifted.ok()) << shifted.status();
    EXPECT_EQ(shifted->action, router::WriteAction::kUpdated);
    EXPECT_EQ(gw::applyRoute(*client_, canary, analysis::routeStateFor(canary, 50, api::Phase::kProgressing))->action,
              router::WriteAction::kUnchanged);
  }
}

TEST_F(RouterIntegration, ReferencedRouteKeepsEverythingButWeights) {
  ASSERT_TRUE(ns_.ok());
  Json user = yaml(R"({apiVersion: gateway.networking.k8s.io/v1, kind: GRPCRoute,
    metadata: {name: greeter, labels: {owner: gitops}, annotations: {team: identity}},
    spec: {parentRefs: [{name: gw}],
           rules: [{name: main, matches: [{method: {service: helloworld.Greeter}}],
                    backendRefs: [{name: greeter-primary, port: 9090, weight: 100}, {name: greeter-canary, port: 9090, weight: 0}]},
                   {name: health, backendRefs: [{name: greeter, port: 9090}]}]}})");
  auto stored = client_->create(kube::resources::grpcRoutes(), ns_.name(), user);
  ASSERT_TRUE(stored.ok()) << stored.status();
  Json manifest = yaml(kGrpcBase);
  manifest["spec"]["service"].erase("route");
  manifest["spec"]["service"].erase("gatewayRefs");
  manifest["spec"]["routeRef"] = yaml("{apiVersion: gateway.networking.k8s.io/v1, kind: GRPCRoute, name: greeter}");
  manifest["spec"]["analysis"] =
      yaml("{interval: 1m, threshold: 2, iterations: 5, match: [{headers: {x-canary: {exact: insider}}}]}");
  api::Canary canary = createCanary(manifest);
  auto during = gw::applyRoute(*client_, canary, analysis::routeStateFor(canary, 100, api::Phase::kProgressing));
  ASSERT_TRUE(during.ok()) << during.status();
  EXPECT_EQ(during->route["spec"]["rules"].size(), 3u);
  EXPECT_EQ(during->route["spec"]["rules"][0]["name"], "pennant-ab-main");
  auto after = gw::applyRoute(*client_, canary, analysis::routeStateFor(canary, 0, api::Phase::kSucceeded));
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->route["spec"], (*stored)["spec"]);
  EXPECT_EQ(after->route["metadata"]["labels"], (*stored)["metadata"]["labels"]);
  EXPECT_EQ(after->route["metadata"]["annotations"], (*stored)["metadata"]["annotations"]);
}

TEST_F(RouterIntegration, InvalidInputIsStoppedBeforeTheServer) {
  ASSERT_TRUE(ns_.ok());
  struct Case {
    const char* name;
    const char* pointer;
    const char* value;
    const char* field;
  };
  const Case cases[] = {
      {"service characters", "/spec/service/route/rules/1/matches/1/method", "{service: com/example}",
       "spec.service.route.rules[1].matches[1].method.service"},
      {"method characters", "/spec/service/route/rules/1/matches/1/method", "{method: 'Get.All'}",
       "spec.service.route.rules[1].matches[1].method.method"},
      {"neither service nor method", "/spec/service/route/rules/1/matches/1/method", "{type: Exact}",
       "spec.service.route.rules[1].matches[1].method"},
      {"repeated header modifier", "/spec/service/route/rules/0/filters/1",
       "{type: RequestHeaderModifier, requestHeaderModifier: {remove: [a]}}", "spec.service.route.rules[0].filters"},
      {"17 headers", "/spec/service/route/rules/0/matches/0/headers",
       "[{name: a, value: v}, {name: b, value: v}, {name: c, value: v}, {name: d, value: v}, {name: e, value: v}, "
       "{name: f, value: v}, {name: g, value: v}, {name: h, value: v}, {name: i, value: v}, {name: j, value: v}, "
       "{name: k, value: v}, {name: l, value: v}, {name: m, value: v}, {name: n, value: v}, {name: o, value: v}, "
       "{name: p, value: v}, {name: q, value: v}]",
       "spec.service.route.rules[0].matches[0].headers"},
      {"mirror percent", "/spec/service/route/rules/0/filters/1/requestMirror/percent", "150",
       "spec.service.route.rules[0].filters[1].requestMirror.percent"},
      {"maxWeight", "/spec/analysis/maxWeight", "150", "spec.analysis.maxWeight"},
      {"stepWeight", "/spec/analysis/stepWeight", "0", "spec.analysis.stepWeight"},
      {"interval", "/spec/analysis/interval", "5s", "spec.analysis.interval"},
      {"empty gatewayRefs", "/spec/service/gatewayRefs", "[]", "spec.service.gatewayRefs"},
      {"grpc timeout", "/spec/service/timeout", "5s", "spec.service.timeout"},
  };
  int i = 0;
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.name);
    Json manifest = yaml(kGrpcBase);
    manifest["metadata"]["name"] = "bad-" + std::to_string(i++);
    manifest["spec"][Json::json_pointer(std::string(tc.pointer).substr(5))] = yaml(tc.value);
    // Parsed locally: the Canary CRD's own schema may reject some of these first; Pennant must
    // stop every one of them before a route reaches the server.
    auto canary = api::parseCanary(manifest);
    ASSERT_TRUE(canary.ok()) << canary.status();
    canary->namespace_ = ns_.name();
    auto result = gw::applyRoute(*client_, *canary, analysis::routeStateFor(*canary, 10, api::Phase::kNone));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument) << result.status();
    EXPECT_NE(result.status().message().find(std::string(tc.field) + ":"), std::string::npos) << result.status();
    auto route = client_->get(gw::routeResource(*canary), ns_.name(), canary->apexName());
    EXPECT_TRUE(kube::isNotFound(route.status())) << "a route was written";
  }
}

// Runs `beforeUpdate` once, just before the first update: another writer's change lands between
// Pennant's read and its write.
class InterposingClient final : public kube::Client {
 public:
  InterposingClient(kube::ClientPtr inner, std::function<void()> beforeUpdate)
      : inner_(std::move(inner)), beforeUpdate_(std::move(beforeUpdate)) {}
  StatusOr<Json> get(const kube::Resource& r, std::string_view ns, std::string_view n) override {
    return inner_->get(r, ns, n);
  }
  StatusOr<kube::ObjectList> list(const kube::Resource& r, std::string_view ns, const kube::ListOptions& o) override {
    return inner_->list(r, ns, o);
  }
  StatusOr<Json> create(const kube::Resource& r, std::string_view ns, const Json& o) override {
    return inner_->create(r, ns, o);
  }
  StatusOr<Json> update(const kube::Resource& r, std::string_view ns, const Json& o) override {
    if (beforeUpdate_) std::exchange(beforeUpdate_, nullptr)();
    return inner_->update(r, ns, o);
  }
  StatusOr<Json> updateStatus(const kube::Resource& r, std::string_view ns, const Json& o) override {
    return inner_->updateStatus(r, ns, o);
  }
  Status remove(const kube::Resource& r, std::string_view ns, std::string_view n,
                const kube::DeleteOptions& o) override {
    return inner_->remove(r, ns, n, o);
  }
  StatusOr<Json> patch(const kube::Resource& r, std::string_view ns, std::string_view n, kube::PatchType t,
                       const Json& p, std::string_view s) override {
    return inner_->patch(r, ns, n, t, p, s);
  }
  Status watch(const kube::Resource& r, std::string_view ns, const kube::WatchOptions& o,
               const kube::WatchHandler& h) override {
    return inner_->watch(r, ns, o, h);
  }

 private:
  kube::ClientPtr inner_;
  std::function<void()> beforeUpdate_;
};

TEST_F(RouterIntegration, ConflictingEditIsRetriedWithoutLosingIt) {
  ASSERT_TRUE(ns_.ok());
  api::Canary canary = createCanary(yaml(kGrpcBase));
  ASSERT_TRUE(gw::applyRoute(*client_, canary, analysis::routeStateFor(canary, 0, api::Phase::kNone)).ok());
  const kube::Resource resource = gw::routeResource(canary);
  InterposingClient racing(client_, [&] {
    auto route = client_->get(resource, ns_.name(), "greeter");
    ASSERT_TRUE(route.ok()) << route.status();
    (*route)["metadata"]["annotations"]["other-writer"] = "was-here";
    auto written = client_->update(resource, ns_.name(), *route);
    ASSERT_TRUE(written.ok()) << written.status();
  });
  auto result = gw::applyRoute(racing, canary, analysis::routeStateFor(canary, 40, api::Phase::kNone));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->attempts, 2);  // the first update hit a real 409
  auto stored = client_->get(resource, ns_.name(), "greeter");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ((*stored)["metadata"]["annotations"]["other-writer"], "was-here");
  EXPECT_EQ(gw::readWeights(canary, *stored)->canary, 40);
}

}  // namespace
}  // namespace pennant::testbed
