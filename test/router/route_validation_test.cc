#include "router/gatewayapi/route_validation.h"

#include <gtest/gtest.h>

#include "analysis/route_state.h"
#include "router/canary_fixtures.h"
#include "router/gatewayapi/grpc_route.h"
#include "router/gatewayapi/route_core.h"

namespace pennant::router::gatewayapi {
namespace {

using testing::canaryFrom;
using testing::grpcCanaryManifest;
using testing::httpCanaryManifest;
using testing::yaml;

Json matchesOf(size_t n, const char* match = "{method: {method: M}}") {
  Json out = Json::array();
  for (size_t i = 0; i < n; ++i) out.push_back(yaml(match));
  return out;
}

Json rulesOf(size_t n, size_t matchesEach = 1) {
  Json out = Json::array();
  for (size_t i = 0; i < n; ++i) out.push_back({{"matches", matchesOf(matchesEach)}});
  return out;
}

Json headersOf(size_t n) {
  Json out = Json::array();
  for (size_t i = 0; i < n; ++i) out.push_back({{"name", "h" + std::to_string(i)}, {"value", "v"}});
  return out;
}

Json filtersOf(size_t n) {
  Json out = Json::array();
  for (size_t i = 0; i < n; ++i)
    out.push_back(yaml("{type: ExtensionRef, extensionRef: {group: g.io, kind: K, name: n}}"));
  return out;
}

struct Case {
  const char* name;
  Json rules;
  const char* field;  // expected field of the single problem
};

class UserRuleValidation : public ::testing::TestWithParam<Case> {};

TEST_P(UserRuleValidation, OneProblemNamingTheField) {
  const Case& tc = GetParam();
  Json m = grpcCanaryManifest();
  m["spec"]["service"]["route"]["rules"] = tc.rules;
  api::Canary c = canaryFrom(m);
  api::Problems problems = validateCanaryForRouting(c);
  ASSERT_EQ(problems.size(), 1u) << (problems.empty() ? "none"
                                                      : problems[0].toString() + " / " + problems.back().toString());
  EXPECT_EQ(problems[0].field, tc.field) << problems[0].toString();
  // The same input never produces a route.
  EXPECT_EQ(desiredRoute(c, nullptr, analysis::routeStateFor(c, 10, api::Phase::kNone)).status().code(),
            StatusCode::kInvalidArgument);
}

const char* kRules = "spec.service.route.rules";

INSTANTIATE_TEST_SUITE_P(
    Section4, UserRuleValidation,
    ::testing::Values(
        Case{"SeventeenRules", rulesOf(17), kRules},
        Case{"SixtyFiveMatches", Json::array({{{"matches", matchesOf(65)}}}), "spec.service.route.rules[0].matches"},
        Case{"MoreThan128MatchesPerRoute", rulesOf(3, 64) /* 192 */, kRules},
        Case{"SeventeenHeaders", Json::array({{{"matches", Json::array({{{"headers", headersOf(17)}}})}}}),
             "spec.service.route.rules[0].matches[0].headers"},
        Case{"SeventeenFilters", Json::array({{{"filters", filtersOf(17)}}}), "spec.service.route.rules[0].filters"},
        Case{"ServiceWithSlash", yaml("[{matches: [{method: {service: com/example/Svc}}]}]"),
             "spec.service.route.rules[0].matches[0].method.service"},
        Case{"ServiceStartingWithDigit", yaml("[{matches: [{method: {service: 1pkg.Svc}}]}]"),
             "spec.service.route.rules[0].matches[0].method.service"},
        Case{"MethodWithDot", yaml("[{matches: [{method: {type: Exact, method: Get.All}}]}]"),
             "spec.service.route.rules[0].matches[0].method.method"},
        Case{"NeitherServiceNorMethod", yaml("[{matches: [{method: {type: Exact}}]}]"),
             "spec.service.route.rules[0].matches[0].method"},
        Case{"UnknownMethodType", yaml("[{matches: [{method: {type: Prefix, method: A}}]}]"),
             "spec.service.route.rules[0].matches[0].method.type"},
        Case{"RepeatedRequestHeaderModifier",
             yaml("[{filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: a, value: b}]}}, "
                  "{type: RequestHeaderModifier, requestHeaderModifier: {remove: [c]}}]}]"),
             "spec.service.route.rules[0].filters"},
        Case{"RepeatedResponseHeaderModifier",
             yaml("[{filters: [{type: ResponseHeaderModifier, responseHeaderModifier: {remove: [a]}}, {type: "
                  "ResponseHeaderModifier, responseHeaderModifier: {remove: [c]}}]}]"),
             "spec.service.route.rules[0].filters"},
        Case{"RepeatedModifierOnBackend",
             yaml("[{backendRefs: [{name: greeter-canary, filters: [{type: ResponseHeaderModifier, "
                  "responseHeaderModifier: {remove: [a]}}, {type: ResponseHeaderModifier, responseHeaderModifier: "
                  "{remove: [c]}}]}]}]"),
             "spec.service.route.rules[0].backendRefs[0].filters"},
        Case{"HttpOnlyFilterOnGrpc", yaml("[{filters: [{type: URLRewrite, urlRewrite: {}}]}]"),
             "spec.service.route.rules[0].filters[0].type"},
        Case{"FilterWithoutBody", yaml("[{filters: [{type: RequestMirror}]}]"),
             "spec.service.route.rules[0].filters[0].requestMirror"},
        Case{
            "MirrorPercentOver100",
            yaml("[{filters: [{type: RequestMirror, requestMirror: {backendRef: {name: a, port: 1}, percent: 101}}]}]"),
            "spec.service.route.rules[0].filters[0].requestMirror.percent"},
        Case{"DuplicateHeaderName", yaml("[{matches: [{headers: [{name: X-A, value: a}, {name: x-a, value: b}]}]}]"),
             "spec.service.route.rules[0].matches[0].headers[1].name"},
        Case{"HeaderTypePrefix", yaml("[{matches: [{headers: [{name: a, value: b, type: Prefix}]}]}]"),
             "spec.service.route.rules[0].matches[0].headers[0].type"},
        Case{"HttpMatchFieldOnGrpc", yaml("[{matches: [{path: {value: /}}]}]"),
             "spec.service.route.rules[0].matches[0].path"},
        Case{"ReservedRuleName", yaml("[{name: pennant-ab-x}]"), "spec.service.route.rules[0].name"},
        Case{"DuplicateRuleName", yaml("[{name: a}, {name: a}]"), "spec.service.route.rules[1].name"},
        Case{"InvalidRuleName", yaml("[{name: Login_Rule}]"), "spec.service.route.rules[0].name"},
        Case{"ForeignBackend", yaml("[{backendRefs: [{name: other, port: 1}]}]"),
             "spec.service.route.rules[0].backendRefs[0].name"},
        Case{"BackendWeightOutOfRange", yaml("[{backendRefs: [{name: greeter-canary, weight: 2000000}]}]"),
             "spec.service.route.rules[0].backendRefs[0].weight"}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(RouteValidation, LimitsAreInclusive) {
  GrpcRouteKind kind;
  Json spec = {{"rules", rulesOf(2, 64)}};
  EXPECT_TRUE(validateRouteSpec(kind, spec, "spec").empty());  // 128 matches, 64 per rule
  spec = {{"rules", rulesOf(16)}};
  EXPECT_TRUE(validateRouteSpec(kind, spec, "spec").empty());
  spec = {
      {"rules", Json::array({{{"matches", Json::array({{{"headers", headersOf(16)}}})}, {"filters", filtersOf(16)}}})}};
  EXPECT_TRUE(validateRouteSpec(kind, spec, "spec").empty());
}

TEST(RouteValidation, ParentRefsAndHostnamesLimits) {
  GrpcRouteKind kind;
  Json parents = Json::array();
  for (int i = 0; i < 33; ++i) parents.push_back({{"name", "gw" + std::to_string(i)}});
  Json hosts = Json::array();
  for (int i = 0; i < 17; ++i) hosts.push_back("h" + std::to_string(i) + ".example.com");
  api::Problems problems = validateRouteSpec(kind, {{"parentRefs", parents}, {"hostnames", hosts}}, "GRPCRoute x spec");
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].field, "GRPCRoute x spec.parentRefs");
  EXPECT_EQ(problems[1].field, "GRPCRoute x spec.hostnames");
  Json m = grpcCanaryManifest();
  m["spec"]["service"]["gatewayRefs"] = parents;
  api::Problems canaryProblems = validateCanaryForRouting(canaryFrom(m));
  ASSERT_EQ(canaryProblems.size(), 1u);
  EXPECT_EQ(canaryProblems[0].field, "spec.service.gatewayRefs");
}

TEST(RouteValidation, AbRulesThatOverflowTheRouteAreCaught) {
  // 9 user rules are fine; with an A/B rule each the route would need 18.
  Json m = grpcCanaryManifest();
  m["spec"]["service"]["route"]["rules"] = rulesOf(9);
  m["spec"]["analysis"] = yaml("{interval: 1m, threshold: 2, iterations: 3, match: [{headers: {x: {exact: y}}}]}");
  api::Canary c = canaryFrom(m);
  EXPECT_TRUE(validateCanaryForRouting(c).empty());
  EXPECT_TRUE(desiredRoute(c, nullptr, analysis::routeStateFor(c, 0, api::Phase::kInitialized)).ok());
  auto during = desiredRoute(c, nullptr, analysis::routeStateFor(c, 100, api::Phase::kProgressing));
  ASSERT_FALSE(during.ok());
  EXPECT_EQ(api::problemLines(during.status()),
            std::vector<std::string>{"GRPCRoute greeter spec.rules: has 18 rules; Gateway API allows at most 16"});
}

TEST(RouteValidation, GrpcMethodOfAnalysisMatchIsChecked) {
  Json m = grpcCanaryManifest();
  m["spec"]["analysis"] = yaml(
      "{interval: 1m, threshold: 2, iterations: 3, match: [{headers: {x: {exact: y}}, grpcMethod: {service: 'a/b', "
      "method: Get}}]}");
  api::Problems problems = validateCanaryForRouting(canaryFrom(m));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].field, "spec.analysis.match[0].grpcMethod.service");
}

// Found on the real API server: HTTPRoute's CEL rule allows a URLRewrite with replacePrefixMatch
// only in a rule with exactly one PathPrefix match.
TEST(RouteValidation, PrefixRewriteAllowsOneMatchPerRule) {
  Json m = httpCanaryManifest();
  m["spec"]["service"]["rewrite"] = yaml("{uri: /v2, type: ReplacePrefixMatch}");
  m["spec"]["service"]["match"] = yaml("[{uri: {prefix: /api}}]");
  EXPECT_TRUE(validateCanaryForRouting(canaryFrom(m)).empty());

  m["spec"]["analysis"] = yaml(
      "{interval: 1m, threshold: 2, iterations: 3, match: [{headers: {a: {exact: b}}, queryParams: {c: {exact: d}}}]}");
  api::Canary oneAb = canaryFrom(m);
  EXPECT_TRUE(validateCanaryForRouting(oneAb).empty());
  EXPECT_TRUE(desiredRoute(oneAb, nullptr, analysis::routeStateFor(oneAb, 100, api::Phase::kProgressing)).ok());

  m["spec"]["analysis"] = yaml(
      "{interval: 1m, threshold: 2, iterations: 3, match: [{headers: {a: {exact: b}}}, {queryParams: {c: {exact: "
      "d}}}]}");
  api::Problems twoAb = validateCanaryForRouting(canaryFrom(m));
  ASSERT_EQ(twoAb.size(), 1u);
  EXPECT_EQ(twoAb[0].field, "spec.analysis.match");

  m["spec"]["service"]["match"] = yaml("[{uri: {prefix: /api}}, {uri: {prefix: /v1}}]");
  m["spec"]["analysis"] = yaml("{interval: 1m, threshold: 2, stepWeight: 10}");
  api::Problems twoMatches = validateCanaryForRouting(canaryFrom(m));
  ASSERT_EQ(twoMatches.size(), 1u);
  EXPECT_EQ(twoMatches[0].field, "spec.service.match");

  // The rendered-route check stands behind it (user rules, referenced routes).
  Json rule = yaml(R"({matches: [{path: {type: Exact, value: /a}}],
    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /b}}}]})");
  api::Problems ruleProblems;
  validateRules(*routeKindFor(api::kHttpRouteKind), Json::array({rule}), "spec.rules", ruleProblems);
  ASSERT_EQ(ruleProblems.size(), 1u);
  EXPECT_EQ(ruleProblems[0].field, "spec.rules[0]");
}

TEST(RouteValidation, RegularExpressionValuesAreNotCharacterChecked) {
  GrpcRouteKind kind;
  api::Problems problems;
  kind.validateMatch(yaml("{method: {type: RegularExpression, service: 'com\\.example\\..*', method: '(Get|List).*'}}"),
                     "m", problems);
  EXPECT_TRUE(problems.empty());
  kind.validateMatch(yaml("{method: {service: .leading.Dot, method: _under}}"), "m", problems);
  EXPECT_TRUE(problems.empty());
  kind.validateMatch(yaml("{method: {service: MiXeD.Case}}"), "m", problems);  // (?i)
  EXPECT_TRUE(problems.empty());
}

}  // namespace
}  // namespace pennant::router::gatewayapi
