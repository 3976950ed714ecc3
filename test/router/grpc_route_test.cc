#include "router/gatewayapi/grpc_route.h"

#include <gtest/gtest.h>

#include "analysis/route_state.h"
#include "router/canary_fixtures.h"
#include "router/gatewayapi/route_core.h"

namespace pennant::router::gatewayapi {
namespace {

using testing::canaryFrom;
using testing::grpcCanaryManifest;
using testing::yaml;

Json renderSpec(const Json& manifest, int64_t weight = 0, std::string phase = "") {
  api::Canary c = canaryFrom(manifest);
  auto route = desiredRoute(c, nullptr, analysis::routeStateFor(c, weight, api::parsePhase(phase).value()));
  EXPECT_TRUE(route.ok()) << route.status();
  return route.ok() ? (*route)["spec"] : Json();
}

Json withoutBackends(Json rules) {
  for (auto& r : rules) r.erase("backendRefs");
  return rules;
}

Json withRules(const char* rules) {
  Json m = grpcCanaryManifest();
  m["spec"]["service"]["route"]["rules"] = yaml(rules);
  return m;
}

Json abManifest(const char* rules, const char* match) {
  Json m = withRules(rules);
  m["spec"]["analysis"] = yaml("{interval: 1m, threshold: 2, iterations: 10}");
  m["spec"]["analysis"]["match"] = yaml(match);
  return m;
}

// --- 2. gRPC service/method matching ----------------------------------------------------------

TEST(GrpcMatching, UserRulesAreCopiedVerbatim) {
  struct Case {
    const char* name;
    const char* rules;
  };
  for (const Case& tc : {
           Case{"exact service and method",
                "[{matches: [{method: {service: com.example.UserService, method: Login}}]}]"},
           Case{"explicit Exact type", "[{matches: [{method: {type: Exact, service: .pkg.Svc, method: Get_1}}]}]"},
           Case{"service only", "[{matches: [{method: {service: com.example.UserService}}]}]"},
           Case{"method only", "[{matches: [{method: {method: Login}}]}]"},
           Case{"regular expression",
                "[{matches: [{method: {type: RegularExpression, service: 'com\\.example\\..*', method: 'Get.*'}}]}]"},
           Case{"no matches", "[{name: all}]"},
           Case{"several rules and unknown fields",
                "[{name: a, matches: [{method: {method: A}}], futureField: 1}, {name: b, sessionPersistence: "
                "{sessionName: s}}]"},
       }) {
    Json spec = renderSpec(withRules(tc.rules), 10);
    EXPECT_EQ(withoutBackends(spec["rules"]), yaml(tc.rules)) << tc.name;
  }
}

TEST(GrpcMatching, WithoutRulesOneRuleMatchesEveryCall) {
  Json m = grpcCanaryManifest();
  m["spec"]["service"].erase("route");
  m["spec"]["service"]["route"] = {{"kind", "GRPCRoute"}};
  Json spec = renderSpec(m, 5);
  ASSERT_EQ(spec["rules"].size(), 1u);
  EXPECT_FALSE(spec["rules"][0].contains("matches"));
  EXPECT_EQ(spec["rules"][0]["backendRefs"].size(), 2u);
}

// --- 3. Header matching -----------------------------------------------------------------------

TEST(GrpcHeaders, UserHeaderMatchesPreserved) {
  const char* rules =
      "[{matches: [{method: {method: Login}, headers: [{name: x-tenant, value: acme}, {type: RegularExpression, name: "
      "x-env, value: 'prod|stage'}]}]}]";
  EXPECT_EQ(withoutBackends(renderSpec(withRules(rules), 30)["rules"]), yaml(rules));
}

TEST(GrpcHeaders, AnalysisMatchMapsToGrpcHeaderMatch) {
  struct Case {
    const char* condition;
    const char* want;
  };
  for (const Case& tc :
       {Case{"{exact: insider}", "{name: x-canary, type: Exact, value: insider}"},
        Case{"{regex: '^in.*'}", "{name: x-canary, type: RegularExpression, value: '^in.*'}"},
        Case{"{prefix: 'v1.2+'}", "{name: x-canary, type: RegularExpression, value: 'v1\\.2\\+.*'}"},
        Case{"{suffix: '(beta)'}", "{name: x-canary, type: RegularExpression, value: '.*\\(beta\\)'}"}}) {
    Json m = abManifest("[{name: login, matches: [{method: {service: a.B, method: Login}}]}]",
                        (std::string("[{headers: {x-canary: ") + tc.condition + "}}]").c_str());
    Json spec = renderSpec(m, 100, "Progressing");
    ASSERT_EQ(spec["rules"].size(), 2u);
    EXPECT_EQ(spec["rules"][0]["matches"],
              yaml(std::string("[{method: {service: a.B, method: Login}, headers: [") + tc.want + "]}]"))
        << tc.condition;
  }
}

TEST(GrpcHeaders, EscapeRegexEscapesEveryMetacharacter) {
  EXPECT_EQ(escapeRegex("a.b*c+d?e(f)g[h]i{j}k|l^m$n\\o"),
            "a\\.b\\*c\\+d\\?e\\(f\\)g\\[h\\]i\\{j\\}k\\|l\\^m\\$n\\\\o");
  EXPECT_EQ(escapeRegex("plain-text_1"), "plain-text_1");
}

TEST(GrpcAbTesting, ExtraRuleKeepsUserMatchesAndGoesToCanary) {
  Json m = abManifest(
      "[{name: login, matches: [{method: {service: a.B, method: Login}, headers: [{name: x-tenant, value: acme}]}, "
      "{method: {method: Logout}}]}, {matches: [{method: {method: Ping}}]}]",
      "[{headers: {x-canary: {exact: insider}}}, {headers: {X-Tenant: {exact: beta}}}]");
  Json spec = renderSpec(m, 100, "Progressing");
  const Json& rules = spec["rules"];
  ASSERT_EQ(rules.size(), 4u);
  EXPECT_EQ(rules[0]["name"], "pennant-ab-login");
  EXPECT_EQ(rules[0]["matches"], yaml(R"([
    {method: {service: a.B, method: Login}, headers: [{name: x-tenant, value: acme}, {name: x-canary, type: Exact, value: insider}]},
    {method: {method: Logout}, headers: [{name: x-canary, type: Exact, value: insider}]},
    {method: {service: a.B, method: Login}, headers: [{name: X-Tenant, type: Exact, value: beta}]},
    {method: {method: Logout}, headers: [{name: X-Tenant, type: Exact, value: beta}]}])"));
  EXPECT_EQ(rules[0]["backendRefs"][1]["weight"], 100);
  EXPECT_EQ(rules[1]["name"], "login");
  EXPECT_EQ(rules[1]["backendRefs"][0]["weight"], 100);
  EXPECT_EQ(rules[1]["backendRefs"][1]["weight"], 0);
  EXPECT_EQ(rules[2]["name"], "pennant-ab-1");
  EXPECT_FALSE(rules[3].contains("name"));
}

TEST(GrpcAbTesting, GrpcMethodLimitsTheAbRule) {
  Json m = abManifest(
      "[{name: users, matches: [{method: {service: a.Users, method: Get}}, {method: {service: a.Users, method: "
      "Delete}}]}, {name: all}]",
      "[{headers: {x-canary: {exact: 'yes'}}, grpcMethod: {service: a.Users, method: Get}}]");
  Json spec = renderSpec(m, 100, "Progressing");
  const Json& rules = spec["rules"];
  ASSERT_EQ(rules.size(), 4u);
  // users: only the Get match survives the restriction.
  EXPECT_EQ(
      rules[0]["matches"],
      yaml("[{method: {service: a.Users, method: Get}, headers: [{name: x-canary, type: Exact, value: 'yes'}]}]"));
  // all (no matches): the restriction becomes the method match.
  EXPECT_EQ(rules[2]["name"], "pennant-ab-all");
  EXPECT_EQ(
      rules[2]["matches"],
      yaml("[{method: {service: a.Users, method: Get}, headers: [{name: x-canary, type: Exact, value: 'yes'}]}]"));
}

TEST(GrpcAbTesting, RuleBoundToAnotherMethodGetsNoAbRule) {
  Json m = abManifest("[{name: del, matches: [{method: {service: a.Users, method: Delete}}]}]",
                      "[{headers: {x: {exact: y}}, grpcMethod: {service: a.Users, method: Get}}]");
  Json spec = renderSpec(m, 100, "Progressing");
  ASSERT_EQ(spec["rules"].size(), 1u);
  EXPECT_EQ(spec["rules"][0]["name"], "del");
}

TEST(GrpcAbTesting, RuleOnAWholeServiceIsNarrowedToTheMethod) {
  // Found by the e2e A/B scenario: a rule on helloworld.Greeter (any method) got no A/B rule.
  Json m = abManifest("[{name: greeter, matches: [{method: {service: a.Users}}, {method: {service: a.Other}}]}]",
                      "[{headers: {x: {exact: y}}, grpcMethod: {service: a.Users, method: Get}}]");
  Json spec = renderSpec(m, 100, "Progressing");
  ASSERT_EQ(spec["rules"].size(), 2u);
  EXPECT_EQ(spec["rules"][0]["name"], "pennant-ab-greeter");
  EXPECT_EQ(spec["rules"][0]["matches"],
            yaml("[{method: {service: a.Users, method: Get}, headers: [{name: x, type: Exact, value: y}]}]"));
  // A method match meets a service restriction: both conditions.
  Json byMethod = abManifest("[{name: get, matches: [{method: {method: Get}}]}]",
                             "[{headers: {x: {exact: y}}, grpcMethod: {service: a.Users}}]");
  EXPECT_EQ(renderSpec(byMethod, 100, "Progressing")["rules"][0]["matches"][0]["method"],
            yaml("{service: a.Users, method: Get}"));
}

TEST(GrpcAbTesting, AbRulesOnlyWhileTheAnalysisRuns) {
  Json m = abManifest("[{name: login, matches: [{method: {method: Login}}]}]", "[{headers: {x: {exact: y}}}]");
  struct Case {
    const char* phase;
    size_t rules;
  };
  for (const Case& tc :
       {Case{"Initialized", 1}, Case{"Waiting", 1}, Case{"Progressing", 2}, Case{"WaitingPromotion", 2},
        Case{"Promoting", 2}, Case{"Finalising", 1}, Case{"Succeeded", 1}, Case{"Failed", 1}}) {
    EXPECT_EQ(renderSpec(m, 100, tc.phase)["rules"].size(), tc.rules) << tc.phase;
  }
}

// --- 4. Filters passthrough -------------------------------------------------------------------

TEST(GrpcFilters, PassThroughInOrder) {
  const char* rules = R"([{name: f, filters: [
      {type: ResponseHeaderModifier, responseHeaderModifier: {remove: [x-internal]}},
      {type: ExtensionRef, extensionRef: {group: gateway.example.io, kind: RateLimit, name: rl}},
      {type: RequestMirror, requestMirror: {backendRef: {name: audit, port: 9000}, fraction: {numerator: 1, denominator: 10}}},
      {type: RequestHeaderModifier, requestHeaderModifier: {add: [{name: z, value: '1'}, {name: a, value: '2'}]}}],
    backendRefs: [{name: greeter-canary, filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: x-version, value: canary}]}}]}]}])";
  Json m = withRules(rules);
  Json spec = renderSpec(m, 10);
  EXPECT_EQ(spec["rules"][0]["filters"], yaml(rules)[0]["filters"]);
  const Json& canaryRef = spec["rules"][0]["backendRefs"][1];
  EXPECT_EQ(canaryRef["name"], "greeter-canary");
  EXPECT_EQ(canaryRef["filters"], yaml(rules)[0]["backendRefs"][0]["filters"]);
  EXPECT_EQ(canaryRef["weight"], 10);
  EXPECT_FALSE(spec["rules"][0]["backendRefs"][0].contains("filters"));
}

TEST(GrpcFilters, FlaggerHeaderFieldsWithoutRules) {
  Json m = grpcCanaryManifest();
  m["spec"]["service"]["route"] = {{"kind", "GRPCRoute"}};
  m["spec"]["service"]["headers"] = yaml("{request: {set: {x-b: '2', x-a: '1'}}}");
  Json spec = renderSpec(m, 0);
  EXPECT_EQ(spec["rules"][0]["filters"], yaml("[{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: "
                                              "x-a, value: '1'}, {name: x-b, value: '2'}]}}]"));
}

// --- kind part --------------------------------------------------------------------------------

TEST(GrpcKind, DefaultsMatchTheApiServer) {
  GrpcRouteKind kind;
  Json spec = yaml(
      "{parentRefs: [{name: gw}], rules: [{matches: [{method: {method: A}, headers: [{name: h, value: v}]}], "
      "backendRefs: [{name: s, port: 1}], filters: [{type: RequestMirror, requestMirror: {backendRef: {name: m, port: "
      "2}}}]}]}");
  kind.applyDefaults(spec);
  EXPECT_EQ(spec, yaml(R"({parentRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: gw}],
    rules: [{matches: [{method: {type: Exact, method: A}, headers: [{type: Exact, name: h, value: v}]}],
             backendRefs: [{group: '', kind: Service, name: s, port: 1, weight: 1}],
             filters: [{type: RequestMirror, requestMirror: {backendRef: {group: '', kind: Service, name: m, port: 2}}}]}]})"));
  EXPECT_EQ(kind.apiVersion(api::Canary{}), "gateway.networking.k8s.io/v1");
}

}  // namespace
}  // namespace pennant::router::gatewayapi
