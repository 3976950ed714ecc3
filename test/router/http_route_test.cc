#include "router/gatewayapi/http_route.h"

#include <gtest/gtest.h>

#include "analysis/route_state.h"
#include "router/canary_fixtures.h"
#include "router/gatewayapi/route_core.h"

namespace pennant::router::gatewayapi {
namespace {

using testing::canaryFrom;
using testing::httpCanaryManifest;
using testing::yaml;

Json renderRoute(const Json& manifest, int64_t weight = 0, std::string phase = "") {
  api::Canary c = canaryFrom(manifest);
  auto route = desiredRoute(c, nullptr, analysis::routeStateFor(c, weight, api::parsePhase(phase).value()));
  EXPECT_TRUE(route.ok()) << route.status();
  return route.ok() ? *route : Json();
}

Json withService(const char* serviceYaml) {
  Json m = httpCanaryManifest();
  Json fields = yaml(serviceYaml);  // named: items() of a temporary would dangle
  for (const auto& [k, v] : fields.items()) m["spec"]["service"][k] = v;
  return m;
}

// --- 7. Flagger compatibility -----------------------------------------------------------------

TEST(FlaggerHttpRoute, PodinfoCanaryMatchesFlaggersShape) {
  Json route = renderRoute(httpCanaryManifest(), 10);
  Json expected = yaml(R"(
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: podinfo
  namespace: test
  annotations: {helm.toolkit.fluxcd.io/driftDetection: disabled, kustomize.toolkit.fluxcd.io/reconcile: disabled}
  ownerReferences: [{apiVersion: flagger.app/v1beta1, kind: Canary, name: podinfo, uid: 3333-4444, controller: true, blockOwnerDeletion: true}]
spec:
  parentRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: gateway, namespace: istio-ingress}]
  hostnames: [www.example.com]
  rules:
    - matches: [{path: {type: PathPrefix, value: /}}]
      backendRefs:
        - {group: '', kind: Service, name: podinfo-primary, port: 9898, weight: 90}
        - {group: '', kind: Service, name: podinfo-canary, port: 9898, weight: 10}
)");
  EXPECT_EQ(route, expected);
}

TEST(FlaggerHttpRoute, ServiceFieldsMapLikeFlagger) {
  struct Case {
    const char* name;
    const char* service;
    const char* key;   // rule field checked
    const char* want;  // its expected value
  };
  for (const Case& tc : {
           Case{"match",
                "{match: [{uri: {prefix: /api}, method: {exact: GET}, headers: {x-b: {regex: 'b.*'}, x-a: {exact: a}}, "
                "queryParams: {q: {exact: '1'}}}]}",
                "matches",
                "[{path: {type: PathPrefix, value: /api}, method: GET, headers: [{name: x-a, type: Exact, value: a}, "
                "{name: x-b, type: RegularExpression, value: 'b.*'}], queryParams: [{name: q, type: Exact, value: "
                "'1'}]}]"},
           Case{"exact uri", "{match: [{uri: {exact: /x}}]}", "matches", "[{path: {type: Exact, value: /x}}]"},
           Case{"regex uri", "{match: [{uri: {regex: '/v[0-9]+'}}]}", "matches",
                "[{path: {type: RegularExpression, value: '/v[0-9]+'}}]"},
           Case{"headers",
                "{headers: {request: {add: {x-b: '2', x-a: '1'}, remove: [x-c]}, response: {set: {x-r: v}}}}",
                "filters",
                "[{type: RequestHeaderModifier, requestHeaderModifier: {add: [{name: x-a, value: '1'}, {name: x-b, "
                "value: '2'}], remove: [x-c]}}, {type: ResponseHeaderModifier, responseHeaderModifier: {set: [{name: "
                "x-r, value: v}]}}]"},
           Case{"rewrite full path", "{rewrite: {uri: /new, authority: svc.local}}", "filters",
                "[{type: URLRewrite, urlRewrite: {hostname: svc.local, path: {type: ReplaceFullPath, replaceFullPath: "
                "/new}}}]"},
           Case{"rewrite prefix", "{rewrite: {uri: /v2, type: ReplacePrefixMatch}}", "filters",
                "[{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /v2}}}]"},
           Case{"timeouts", "{timeout: 10s, backendTimeout: 5s}", "timeouts", "{request: 10s, backendRequest: 5s}"},
           Case{"timeout only", "{timeout: 30s}", "timeouts", "{request: 30s}"},
           Case{"mirror", "{mirror: [{backendRef: {name: shadow, port: 8080}}]}", "filters",
                "[{type: RequestMirror, requestMirror: {backendRef: {name: shadow, port: 8080}}}]"},
           Case{"cors",
                "{corsPolicy: {allowOrigin: ['https://a.example'], allowOrigins: [{exact: x}], allowMethods: [GET], "
                "allowHeaders: [x-h], exposeHeaders: [x-e], maxAge: 24h, allowCredentials: true}}",
                "filters",
                "[{type: CORS, cors: {allowOrigins: ['https://a.example'], allowMethods: [GET], allowHeaders: [x-h], "
                "exposeHeaders: [x-e], maxAge: 86400, allowCredentials: true}}]"},
           Case{"cors unparseable maxAge dropped",
                "{corsPolicy: {allowOrigin: ['*'], maxAge: 1d, allowCredentials: false}}", "filters",
                "[{type: CORS, cors: {allowOrigins: ['*']}}]"},
       }) {
    Json rule = renderRoute(withService(tc.service), 0)["spec"]["rules"][0];
    EXPECT_EQ(rule[tc.key], yaml(tc.want)) << tc.name;
  }
}

TEST(FlaggerHttpRoute, FilterOrderIsHeadersRewriteMirrorCors) {
  Json rule = renderRoute(
      withService("{headers: {request: {set: {a: b}}, response: {set: {c: d}}}, rewrite: {uri: /}, mirror: "
                  "[{backendRef: {name: m, port: 1}}], corsPolicy: {allowOrigin: ['*']}}"))["spec"]["rules"][0];
  std::vector<std::string> types;
  for (const auto& f : rule["filters"]) types.push_back(f["type"]);
  EXPECT_EQ(types, (std::vector<std::string>{"RequestHeaderModifier", "ResponseHeaderModifier", "URLRewrite",
                                             "RequestMirror", "CORS"}));
}

TEST(FlaggerHttpRoute, V1beta1ProviderUsesV1beta1) {
  Json m = httpCanaryManifest();
  m["spec"]["provider"] = "gatewayapi:v1beta1";
  EXPECT_EQ(renderRoute(m)["apiVersion"], "gateway.networking.k8s.io/v1beta1");
}

TEST(FlaggerHttpRoute, UnsupportedIstioSelectorsAreValidationErrors) {
  Json m = withService("{match: [{uri: {suffix: /x}}, {headers: {x: {prefix: a}}}]}");
  api::Canary c = canaryFrom(m);
  auto route = desiredRoute(c, nullptr, analysis::routeStateFor(c, 0, api::Phase::kNone));
  ASSERT_FALSE(route.ok());
  auto lines = api::problemLines(route.status());
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "spec.service.match[0].uri: Gateway API supports only exact, prefix and regex path matches",
                       "spec.service.match[1].headers.x: Gateway API supports only exact and regex matches here"}));
}

TEST(HttpAbTesting, HeaderAndQueryConditionsOnAnExtraRule) {
  Json m = withService("{match: [{uri: {prefix: /api}, headers: {x-region: {exact: eu}}}]}");
  m["spec"]["analysis"] = yaml(
      "{interval: 1m, threshold: 2, iterations: 10, match: [{headers: {x-canary: {exact: insider}, cookie: {regex: "
      "'^(.*?;)?(canary=always)(;.*)?$'}}}, {queryParams: {beta: {exact: 'on'}}}]}");
  Json rules = renderRoute(m, 100, "Progressing")["spec"]["rules"];
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0]["name"], "pennant-ab-0");
  EXPECT_EQ(rules[0]["matches"], yaml(R"([
    {path: {type: PathPrefix, value: /api}, headers: [{name: x-region, type: Exact, value: eu}, {name: cookie, type: RegularExpression, value: '^(.*?;)?(canary=always)(;.*)?$'}, {name: x-canary, type: Exact, value: insider}]},
    {path: {type: PathPrefix, value: /api}, headers: [{name: x-region, type: Exact, value: eu}], queryParams: [{name: beta, type: Exact, value: 'on'}]}])"));
  EXPECT_EQ(rules[0]["backendRefs"][1]["weight"], 100);
  EXPECT_EQ(rules[1]["backendRefs"][0]["weight"], 100);
  EXPECT_EQ(rules[1]["backendRefs"][1]["weight"], 0);
  // Outside the analysis the route is Flagger's single rule at 100/0.
  EXPECT_EQ(renderRoute(m, 0, "Succeeded")["spec"]["rules"].size(), 1u);
}

TEST(HttpRules, UserRulesVerbatimWhenGiven) {
  Json m = httpCanaryManifest();
  m["spec"]["service"]["route"] = yaml(
      "{kind: HTTPRoute, rules: [{name: api, matches: [{path: {type: Exact, value: /v1}}], timeouts: {request: 3s}, "
      "retry: {attempts: 2}}]}");
  Json rule = renderRoute(m, 20)["spec"]["rules"][0];
  EXPECT_EQ(rule["name"], "api");
  EXPECT_EQ(rule["timeouts"], yaml("{request: 3s}"));
  EXPECT_EQ(rule["retry"], yaml("{attempts: 2}"));
  EXPECT_EQ(rule["backendRefs"][1]["weight"], 20);
}

TEST(HttpKind, DefaultsMatchTheApiServer) {
  HttpRouteKind kind;
  Json spec = yaml(
      "{rules: [{backendRefs: [{name: s, port: 1}]}, {matches: [{headers: [{name: h, value: v}], queryParams: [{name: "
      "q, value: v}]}, {path: {value: /x}}]}]}");
  kind.applyDefaults(spec);
  EXPECT_EQ(spec, yaml(R"({rules: [
    {matches: [{path: {type: PathPrefix, value: /}}], backendRefs: [{group: '', kind: Service, name: s, port: 1, weight: 1}]},
    {matches: [{path: {type: PathPrefix, value: /}, headers: [{type: Exact, name: h, value: v}], queryParams: [{type: Exact, name: q, value: v}]},
               {path: {type: PathPrefix, value: /x}}]}]})"));
}

}  // namespace
}  // namespace pennant::router::gatewayapi
