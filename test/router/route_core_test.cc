#include "router/gatewayapi/route_core.h"

#include <gtest/gtest.h>

#include "analysis/route_state.h"
#include "api/problem.h"
#include "router/canary_fixtures.h"

namespace pennant::router::gatewayapi {
namespace {

using testing::canaryFrom;
using testing::grpcCanaryManifest;
using testing::httpCanaryManifest;
using testing::yaml;

Json render(const api::Canary& c, int64_t weight, std::string phase = "", const Json* existing = nullptr) {
  auto route = desiredRoute(c, existing, analysis::routeStateFor(c, weight, api::parsePhase(phase).value()));
  EXPECT_TRUE(route.ok()) << route.status();
  return route.ok() ? *route : Json();
}

std::vector<std::pair<std::string, int64_t>> backends(const Json& rule) {
  std::vector<std::pair<std::string, int64_t>> out;
  for (const auto& ref : rule["backendRefs"]) out.emplace_back(ref["name"], ref.value("weight", int64_t{1}));
  return out;
}

// The user's GRPCRoute for routeRef tests: a shifted rule, a foreign rule, labels, annotations.
Json userRoute() {
  return yaml(R"(
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata:
  name: greeter
  namespace: demo
  resourceVersion: "42"
  generation: 3
  labels: {app.kubernetes.io/managed-by: argocd}
  annotations: {team: identity}
spec:
  parentRefs: [{name: public-gw, namespace: gateway-system}]
  futureSpecField: {keep: me}
  rules:
    - name: greeter
      matches: [{method: {service: helloworld.Greeter}}]
      filters:
        - type: ExtensionRef
          extensionRef: {group: gateway.example.io, kind: RateLimit, name: rl}
      backendRefs:
        - name: greeter-primary
          port: 9090
          weight: 100
          filters: [{type: RequestHeaderModifier, requestHeaderModifier: {add: [{name: x-b, value: p}]}}]
        - {name: greeter-canary, port: 9090, weight: 0}
    - name: health
      matches: [{method: {service: grpc.health.v1.Health}}]
      backendRefs: [{name: greeter, port: 9090}]
)");
}

api::Canary routeRefCanary(const char* analysis = "{interval: 30s, threshold: 2, stepWeight: 10, maxWeight: 50}") {
  Json m = grpcCanaryManifest();
  m["spec"]["service"].erase("route");
  m["spec"]["service"].erase("gatewayRefs");
  m["spec"]["routeRef"] = yaml("{apiVersion: gateway.networking.k8s.io/v1, kind: GRPCRoute, name: greeter}");
  m["spec"]["analysis"] = yaml(analysis);
  return canaryFrom(m);
}

// --- 1. Traffic splitting -------------------------------------------------------------------

TEST(TrafficSplitting, EveryShiftedRuleCarriesTheWeightForBothKinds) {
  for (const Json& manifest : {grpcCanaryManifest(), httpCanaryManifest()}) {
    api::Canary c = canaryFrom(manifest);
    for (int64_t w : {0, 1, 10, 50, 99, 100}) {
      Json route = render(c, w);
      ASSERT_FALSE(route["spec"]["rules"].empty());
      for (const auto& rule : route["spec"]["rules"]) {
        EXPECT_EQ(backends(rule),
                  (std::vector<std::pair<std::string, int64_t>>{{c.primaryName(), 100 - w}, {c.canaryName(), w}}))
            << c.routeKind() << " w=" << w;
        for (const auto& ref : rule["backendRefs"]) {
          EXPECT_EQ(ref["group"], "");
          EXPECT_EQ(ref["kind"], "Service");
          EXPECT_EQ(ref["port"], c.service.port);
        }
      }
    }
  }
}

TEST(TrafficSplitting, WeightOutsidePercentIsRejected) {
  api::Canary c = canaryFrom(grpcCanaryManifest());
  for (int64_t w : {-1, 101}) {
    auto route = desiredRoute(c, nullptr, RouteState{w, false, false});
    ASSERT_FALSE(route.ok());
    EXPECT_TRUE(std::string(route.status().message()).starts_with("canaryWeight:"));
  }
}

TEST(TrafficSplitting, ReadWeightsRoundTrips) {
  for (const Json& manifest : {grpcCanaryManifest(), httpCanaryManifest()}) {
    api::Canary c = canaryFrom(manifest);
    for (int64_t w : {0, 30, 100}) {
      auto weights = readWeights(c, render(c, w));
      ASSERT_TRUE(weights.ok()) << weights.status();
      EXPECT_EQ(*weights, (Weights{100 - w, w, false}));
    }
  }
}

TEST(TrafficSplitting, ReadWeightsNormalisesProportions) {
  api::Canary c = routeRefCanary();
  struct Case {
    int64_t primary, canary, wantCanary;
  };
  for (const Case& tc : {Case{900000, 100000, 10}, Case{3, 1, 25}, Case{1, 1, 50}, Case{0, 5, 100}}) {
    Json route = userRoute();
    route["spec"]["rules"][0]["backendRefs"][0]["weight"] = tc.primary;
    route["spec"]["rules"][0]["backendRefs"][1]["weight"] = tc.canary;
    auto weights = readWeights(c, route);
    ASSERT_TRUE(weights.ok());
    EXPECT_EQ(weights->canary, tc.wantCanary);
    EXPECT_EQ(weights->primary, 100 - tc.wantCanary);
  }
  Json defaulted = userRoute();
  defaulted["spec"]["rules"][0]["backendRefs"][0].erase("weight");
  defaulted["spec"]["rules"][0]["backendRefs"][1].erase("weight");
  EXPECT_EQ(readWeights(c, defaulted)->canary, 50);  // Gateway API default weight 1 each
}

TEST(TrafficSplitting, ReadWeightsNeedsARuleWithBothBackends) {
  api::Canary c = routeRefCanary();
  Json route = userRoute();
  route["spec"]["rules"].erase(0);
  EXPECT_EQ(readWeights(c, route).status().code(), StatusCode::kFailedPrecondition);
}

// --- 5. Hostnames and parents ---------------------------------------------------------------

TEST(HostnamesAndParents, CopiedVerbatimForMultiHostGateways) {
  Json m = grpcCanaryManifest();
  m["spec"]["service"]["hosts"] = yaml("[grpc.example.com, '*.grpc.example.org']");
  m["spec"]["service"]["gatewayRefs"] = yaml(R"([
    {name: public-gw, namespace: gateway-system, sectionName: grpc-a},
    {name: public-gw, namespace: gateway-system, sectionName: grpc-b, port: 443},
    {group: gateway.example.io, kind: MeshGateway, name: mesh}])");
  Json spec = render(canaryFrom(m), 0)["spec"];
  EXPECT_EQ(spec["hostnames"], yaml("[grpc.example.com, '*.grpc.example.org']"));
  ASSERT_EQ(spec["parentRefs"].size(), 3u);
  EXPECT_EQ(spec["parentRefs"][0], yaml("{group: gateway.networking.k8s.io, kind: Gateway, name: public-gw, namespace: "
                                        "gateway-system, sectionName: grpc-a}"));
  EXPECT_EQ(spec["parentRefs"][1]["port"], 443);
  EXPECT_EQ(spec["parentRefs"][2], yaml("{group: gateway.example.io, kind: MeshGateway, name: mesh}"));
}

TEST(HostnamesAndParents, NoHostsMeansNoHostnames) {
  Json m = grpcCanaryManifest();
  m["spec"]["service"].erase("hosts");
  EXPECT_FALSE(render(canaryFrom(m), 0)["spec"].contains("hostnames"));
}

// --- managed metadata -----------------------------------------------------------------------

TEST(ManagedRoute, OwnerReferenceAndFluxAnnotations) {
  api::Canary c = canaryFrom(grpcCanaryManifest());
  Json meta = render(c, 0)["metadata"];
  EXPECT_EQ(meta["name"], "greeter");
  EXPECT_EQ(meta["namespace"], "demo");
  ASSERT_EQ(meta["ownerReferences"].size(), 1u);
  EXPECT_EQ(meta["ownerReferences"][0], yaml("{apiVersion: flagger.app/v1beta1, kind: Canary, name: greeter, uid: "
                                             "1111-2222, controller: true, blockOwnerDeletion: true}"));
  EXPECT_EQ(meta["annotations"][kKustomizeReconcile], "disabled");
  EXPECT_EQ(meta["annotations"][kHelmDriftDetection], "disabled");
}

TEST(ManagedRoute, ForeignLabelsAndAnnotationsSurvive) {
  Json m = grpcCanaryManifest();
  m["spec"]["service"]["apex"] = yaml("{labels: {tier: edge}, annotations: {owner: pennant}}");
  api::Canary c = canaryFrom(m);
  Json existing = render(c, 0);
  existing["metadata"]["labels"]["added-by"] = "someone";
  existing["metadata"]["annotations"]["application-networking.k8s.aws/lattice"] = "arn:x";
  existing["metadata"]["resourceVersion"] = "7";
  existing["status"] = yaml("{parents: []}");
  Json route = render(c, 0, "", &existing);
  EXPECT_EQ(route["metadata"]["labels"], yaml("{tier: edge, added-by: someone}"));
  EXPECT_EQ(route["metadata"]["annotations"]["application-networking.k8s.aws/lattice"], "arn:x");
  EXPECT_EQ(route["metadata"]["annotations"]["owner"], "pennant");
  EXPECT_EQ(route["metadata"]["resourceVersion"], "7");  // the update stays conditional
  EXPECT_FALSE(route.contains("status"));
}

TEST(ManagedRoute, NotOwnedRouteIsNeverOverwritten) {
  api::Canary c = canaryFrom(grpcCanaryManifest());
  struct Case {
    const char* name;
    const char* owners;
    bool owned;
  };
  for (const Case& tc :
       {Case{"none", "[]", false},
        Case{"other canary", "[{apiVersion: flagger.app/v1beta1, kind: Canary, name: other, uid: x}]", false},
        Case{"same name other uid", "[{apiVersion: flagger.app/v1beta1, kind: Canary, name: greeter, uid: '9999'}]",
             false},
        Case{"a Deployment", "[{apiVersion: apps/v1, kind: Deployment, name: greeter, uid: 1111-2222}]", false},
        Case{"this canary", "[{apiVersion: flagger.app/v1beta1, kind: Canary, name: greeter, uid: 1111-2222}]",
             true}}) {
    Json existing = render(c, 0);
    existing["metadata"]["ownerReferences"] = yaml(tc.owners);
    auto route = desiredRoute(c, &existing, analysis::routeStateFor(c, 10, api::Phase::kNone));
    EXPECT_EQ(route.ok(), tc.owned) << tc.name << ": " << route.status();
    if (!tc.owned) {
      EXPECT_EQ(route.status().code(), StatusCode::kFailedPrecondition) << tc.name;
    }
  }
}

// --- 6. Referenced routes -------------------------------------------------------------------

TEST(ReferencedRoute, OnlyTheTwoWeightsChange) {
  api::Canary c = routeRefCanary();
  Json existing = userRoute();
  Json route = render(c, 30, "", &existing);
  Json expected = existing;
  expected.erase("status");
  expected["spec"]["rules"][0]["backendRefs"][0]["weight"] = 70;
  expected["spec"]["rules"][0]["backendRefs"][1]["weight"] = 30;
  EXPECT_EQ(route, expected);  // labels, annotations, other rule, unknown fields, filters: untouched
}

TEST(ReferencedRoute, RuleNamingOnlyOneBackendIsAnError) {
  api::Canary c = routeRefCanary();
  Json existing = userRoute();
  existing["spec"]["rules"][1]["backendRefs"] = yaml("[{name: greeter-canary, port: 9090}]");
  auto route = desiredRoute(c, &existing, analysis::routeStateFor(c, 10, api::Phase::kNone));
  ASSERT_FALSE(route.ok());
  EXPECT_EQ(route.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      std::string(route.status().message())
          .starts_with("spec.routeRef: GRPCRoute demo/greeter rules[1] lists greeter-canary but not greeter-primary"))
      << route.status();
}

TEST(ReferencedRoute, RouteWithoutSuchRuleIsAnError) {
  api::Canary c = routeRefCanary();
  Json existing = userRoute();
  existing["spec"]["rules"].erase(0);
  auto route = desiredRoute(c, &existing, analysis::routeStateFor(c, 10, api::Phase::kNone));
  ASSERT_FALSE(route.ok());
  EXPECT_NE(std::string(route.status().message()).find("has no rule listing both greeter-primary and greeter-canary"),
            std::string::npos);
}

TEST(ReferencedRoute, MissingRouteOrWrongKindIsAnError) {
  api::Canary c = routeRefCanary();
  EXPECT_EQ(desiredRoute(c, nullptr, analysis::routeStateFor(c, 10, api::Phase::kNone)).status().code(),
            StatusCode::kInvalidArgument);
  Json http = userRoute();
  http["kind"] = "HTTPRoute";
  auto route = desiredRoute(c, &http, analysis::routeStateFor(c, 10, api::Phase::kNone));
  ASSERT_FALSE(route.ok());
  EXPECT_TRUE(std::string(route.status().message()).starts_with("spec.routeRef.kind:"));
}

TEST(ReferencedRoute, AbRulesAddedAndRemovedByName) {
  api::Canary c =
      routeRefCanary("{interval: 1m, threshold: 2, iterations: 5, match: [{headers: {x-canary: {exact: insider}}}]}");
  Json existing = userRoute();
  Json during = render(c, 100, "Progressing", &existing);
  const Json& rules = during["spec"]["rules"];
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[0]["name"], "pennant-ab-greeter");
  EXPECT_EQ(
      rules[0]["matches"],
      yaml("[{method: {service: helloworld.Greeter}, headers: [{name: x-canary, type: Exact, value: insider}]}]"));
  EXPECT_EQ(backends(rules[0]),
            (std::vector<std::pair<std::string, int64_t>>{{"greeter-primary", 0}, {"greeter-canary", 100}}));
  EXPECT_EQ(rules[0]["filters"], existing["spec"]["rules"][0]["filters"]);
  EXPECT_EQ(backends(rules[1]),
            (std::vector<std::pair<std::string, int64_t>>{{"greeter-primary", 100}, {"greeter-canary", 0}}));
  EXPECT_EQ(rules[2], existing["spec"]["rules"][1]);
  // Re-rendering is stable (the A/B rule is found by name, not duplicated).
  EXPECT_EQ(render(c, 100, "Progressing", &during), during);
  // After the analysis the A/B rule goes and the route is the user's again.
  Json after = render(c, 0, "Succeeded", &during);
  Json expected = existing;
  EXPECT_EQ(after, expected);
}

TEST(ReferencedRoute, UserRuleThatMerelyLooksLikeAnAbRuleIsKept) {
  api::Canary c =
      routeRefCanary("{interval: 1m, threshold: 2, iterations: 5, match: [{headers: {x-canary: {exact: insider}}}]}");
  Json existing = userRoute();
  // Same shape as an A/B rule but no Pennant name: it is the user's and stays.
  Json lookalike = existing["spec"]["rules"][0];
  lookalike["name"] = "insiders";
  lookalike["matches"][0]["headers"] = yaml("[{name: x-canary, type: Exact, value: insider}]");
  existing["spec"]["rules"].push_back(lookalike);
  Json after = render(c, 0, "Succeeded", &existing);
  ASSERT_EQ(after["spec"]["rules"].size(), 3u);
  EXPECT_EQ(after["spec"]["rules"][2]["name"], "insiders");
}

// --- 8. Mirroring -----------------------------------------------------------------------------

TEST(Mirroring, BlueGreenMirrorUsesMirrorWeightAsPercent) {
  for (const Json& base : {grpcCanaryManifest(), httpCanaryManifest()}) {
    Json m = base;
    m["spec"]["analysis"] = yaml("{interval: 1m, threshold: 2, iterations: 5, mirror: true, mirrorWeight: 25}");
    api::Canary c = canaryFrom(m);
    Json route = render(c, 0, "Progressing");
    for (const auto& rule : route["spec"]["rules"]) {
      ASSERT_TRUE(rule.contains("filters"));
      EXPECT_EQ(
          rule["filters"].back(),
          yaml("{type: RequestMirror, requestMirror: {percent: 25, backendRef: {group: '', kind: Service, name: " +
               c.canaryName() + ", port: " + std::to_string(c.service.port) + "}}}"));
    }
    auto weights = readWeights(c, route);
    ASSERT_TRUE(weights.ok());
    EXPECT_TRUE(weights->mirrored);
    // Promotion routes everything to the canary without the mirror.
    Json promoted = render(c, 100, "Progressing", &route);
    EXPECT_FALSE(readWeights(c, promoted)->mirrored);
    EXPECT_EQ(readWeights(c, promoted)->canary, 100);
  }
}

TEST(Mirroring, OnlyForBlueGreenWhileAnalysing) {
  struct Case {
    const char* analysis;
    int64_t weight;
    const char* phase;
    bool mirror;
  };
  for (const Case& tc : {Case{"{interval: 1m, threshold: 2, iterations: 5, mirror: true}", 0, "Progressing", true},
                         Case{"{interval: 1m, threshold: 2, iterations: 5, mirror: true}", 0, "WaitingPromotion", true},
                         Case{"{interval: 1m, threshold: 2, iterations: 5, mirror: true}", 0, "Succeeded", false},
                         Case{"{interval: 1m, threshold: 2, iterations: 5, mirror: true}", 100, "Progressing", false},
                         Case{"{interval: 1m, threshold: 2, iterations: 5}", 0, "Progressing", false},
                         Case{"{interval: 1m, threshold: 2, stepWeight: 5, mirror: true}", 0, "Progressing", false}}) {
    Json m = grpcCanaryManifest();
    m["spec"]["analysis"] = yaml(tc.analysis);
    EXPECT_EQ(analysis::routeStateFor(canaryFrom(m), tc.weight, api::parsePhase(tc.phase).value()).mirror, tc.mirror)
        << tc.analysis << " " << tc.phase;
  }
}

TEST(Mirroring, MirrorWithoutWeightMirrorsEverything) {
  Json m = grpcCanaryManifest();
  m["spec"]["analysis"] = yaml("{interval: 1m, threshold: 2, iterations: 5, mirror: true}");
  Json filter = render(canaryFrom(m), 0, "Progressing")["spec"]["rules"][0]["filters"].back();
  EXPECT_FALSE(filter["requestMirror"].contains("percent"));
}

TEST(Mirroring, ReferencedRouteGetsAndLosesOnlyPennantsMirror) {
  api::Canary c = routeRefCanary("{interval: 1m, threshold: 2, iterations: 5, mirror: true, mirrorWeight: 10}");
  Json existing = userRoute();
  Json mirrored = render(c, 0, "Progressing", &existing);
  EXPECT_EQ(mirrored["spec"]["rules"][0]["filters"].size(), 2u);
  EXPECT_EQ(mirrored["spec"]["rules"][0]["filters"][0], existing["spec"]["rules"][0]["filters"][0]);
  EXPECT_EQ(render(c, 0, "Succeeded", &mirrored), existing);
}

// --- 9. Safety: determinism, no-op detection, drift -------------------------------------------

TEST(Safety, SameInputSameBytes) {
  api::Canary c = canaryFrom(grpcCanaryManifest());
  std::string first = render(c, 40).dump();
  for (int i = 0; i < 20; ++i) EXPECT_EQ(render(c, 40).dump(), first);
  std::string yamlFirst = toYaml(render(c, 40));
  EXPECT_EQ(toYaml(render(c, 40)), yamlFirst);
}

TEST(Safety, NoWriteWhenNothingChanges) {
  api::Canary c = canaryFrom(grpcCanaryManifest());
  Json stored = render(c, 20);
  EXPECT_FALSE(needsWrite(stored, render(c, 20, "", &stored)));
  EXPECT_TRUE(needsWrite(stored, render(c, 30, "", &stored)));
}

TEST(Safety, ServerDefaultsAreNotDrift) {
  for (const Json& manifest : {grpcCanaryManifest(), httpCanaryManifest()}) {
    api::Canary c = canaryFrom(manifest);
    Json stored = render(c, 20);
    // What the API server stores: defaults filled in, plus server-owned metadata.
    Json& spec = stored["spec"];
    for (auto& rule : spec["rules"]) {
      for (auto& match : rule["matches"]) {
        if (match.contains("method")) match["method"]["type"] = match["method"].value("type", "Exact");
        for (auto& h : match["headers"]) h["type"] = h.value("type", "Exact");
      }
    }
    stored["metadata"]["resourceVersion"] = "5";
    stored["metadata"]["generation"] = 2;
    stored["metadata"]["uid"] = "route-uid";
    stored["status"] = yaml(
        "{parents: [{controllerName: x/y, parentRef: {name: gw}, conditions: [{type: Accepted, status: 'True'}]}]}");
    EXPECT_FALSE(needsWrite(stored, render(c, 20, "", &stored))) << c.routeKind();
  }
}

TEST(Safety, DriftIsCorrectedWithoutResettingWeights) {
  api::Canary c = canaryFrom(grpcCanaryManifest());
  Json stored = render(c, 40);
  stored["spec"]["rules"][0]["filters"] = Json::array();     // someone removed the user's filter
  stored["spec"]["hostnames"] = yaml("[evil.example.com]");  // and changed the hostnames
  Weights current = *readWeights(c, stored);
  Json desired = render(c, current.canary, "Progressing", &stored);
  EXPECT_TRUE(needsWrite(stored, desired));
  EXPECT_EQ(desired["spec"]["hostnames"], yaml("[grpc.example.com]"));
  EXPECT_EQ(desired["spec"]["rules"][0]["filters"].size(), 1u);
  EXPECT_EQ(readWeights(c, desired)->canary, 40);
}

// --- Accepted gate ----------------------------------------------------------------------------

TEST(AcceptedGate, EveryMatchingParentMustAcceptTheCurrentGeneration) {
  api::Canary c = canaryFrom(grpcCanaryManifest());
  struct Case {
    const char* name;
    const char* parents;
    bool accepted;
  };
  const char* ours =
      "parentRef: {group: gateway.networking.k8s.io, kind: Gateway, name: public-gw, namespace: gateway-system}";
  auto entry = [&](const std::string& cond, const char* parentRef = nullptr) {
    return "{controllerName: example.io/gw, " + std::string(parentRef ? parentRef : ours) + ", conditions: [" + cond +
           "]}";
  };
  std::vector<std::pair<std::string, bool>> cases = {
      {"[" + entry("{type: Accepted, status: 'True', observedGeneration: 5}") + "]", true},
      {"[" + entry("{type: Accepted, status: 'True', observedGeneration: 6}") + "]", true},
      {"[" + entry("{type: Accepted, status: 'True'}") + "]", true},  // missing observedGeneration = current
      {"[" + entry("{type: Accepted, status: 'True', observedGeneration: 4}") + "]", false},
      {"[" + entry("{type: Accepted, status: 'False', reason: NoMatchingListenerHostname, observedGeneration: 5}") +
           "]",
       false},
      {"[" + entry("{type: Accepted, status: Unknown, reason: Pending}") + "]", false},
      {"[" + entry("{type: ResolvedRefs, status: 'False'}") + "]", true},
      {"[" + entry("{type: Accepted, status: 'False'}", "parentRef: {name: other-gw, namespace: gateway-system}") + "]",
       true},
      {"[" + entry("{type: Accepted, status: 'True'}", "parentRef: {name: public-gw, namespace: gateway-system}") + "]",
       true},
      {"[" + entry("{type: Accepted, status: 'False'}", "parentRef: {name: public-gw, namespace: gateway-system}") +
           "]",
       false},
      {"[" + entry("{type: Accepted, status: 'True', observedGeneration: 5}") + ", " +
           entry("{type: Accepted, status: 'False'}",
                 "parentRef: {name: public-gw, namespace: gateway-system, sectionName: s}") +
           "]",
       true},
      {"[]", true},
  };
  for (const auto& [parents, accepted] : cases) {
    Json route = render(c, 10);
    route["metadata"]["generation"] = 5;
    route["status"] = {{"parents", yaml(parents)}};
    Acceptance a = acceptedByParents(c, route);
    EXPECT_EQ(a.accepted, accepted) << parents << " -> " << a.reason;
    if (!a.accepted) {
      EXPECT_NE(a.reason.find("gateway-system/public-gw"), std::string::npos) << a.reason;
    }
  }
}

TEST(AcceptedGate, RouteRefWithoutGatewayRefsUsesTheRoutesParents) {
  api::Canary c = routeRefCanary();
  Json route = userRoute();
  route["status"] = yaml(
      "{parents: [{controllerName: x/y, parentRef: {name: public-gw, namespace: gateway-system}, conditions: [{type: "
      "Accepted, status: 'True', observedGeneration: 2}]}]}");
  EXPECT_FALSE(acceptedByParents(c, route).accepted);  // generation 3 not yet accepted
  route["status"]["parents"][0]["conditions"][0]["observedGeneration"] = 3;
  EXPECT_TRUE(acceptedByParents(c, route).accepted);
}

}  // namespace
}  // namespace pennant::router::gatewayapi
