#include "api/canary_validation.h"

#include <gtest/gtest.h>

#include "router/canary_fixtures.h"

namespace pennant::api {
namespace {

using testing::grpcCanaryManifest;
using testing::httpCanaryManifest;
using testing::yaml;

struct Edit {
  const char* pointer;
  const char* value;  // YAML; nullptr removes the field
};

struct Case {
  const char* name;
  bool grpc;
  std::vector<Edit> edits;
  const char* field;  // the field the one expected problem names
};

Json applyEdits(Json m, const std::vector<Edit>& edits) {
  for (const auto& e : edits) {
    Json::json_pointer ptr(e.pointer);
    if (e.value == nullptr)
      m[ptr.parent_pointer()].erase(ptr.back());
    else
      m[ptr] = yaml(e.value);
  }
  return m;
}

class CanaryValidation : public ::testing::TestWithParam<Case> {};

TEST_P(CanaryValidation, NamesTheField) {
  const Case& tc = GetParam();
  Json m = applyEdits(tc.grpc ? grpcCanaryManifest() : httpCanaryManifest(), tc.edits);
  auto c = parseCanary(m);
  ASSERT_TRUE(c.ok()) << c.status();
  Problems problems = validateCanary(*c);
  ASSERT_EQ(problems.size(), 1u) << (problems.empty() ? "no problem" : problems[0].toString() + " ...");
  EXPECT_EQ(problems[0].field, tc.field) << problems[0].toString();
  EXPECT_FALSE(problems[0].message.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Section4, CanaryValidation,
    ::testing::Values(
        Case{"StepWeightZero", false, {{"/spec/analysis/stepWeight", "0"}}, "spec.analysis.stepWeight"},
        Case{"StepWeightMissing", false, {{"/spec/analysis/stepWeight", nullptr}}, "spec.analysis"},
        Case{"ThresholdMissing", false, {{"/spec/analysis/threshold", nullptr}}, "spec.analysis.threshold"},
        Case{"IntervalMissing", false, {{"/spec/analysis/interval", nullptr}}, "spec.analysis.interval"},
        Case{"IterationsAndStepWeight", false, {{"/spec/analysis/iterations", "5"}}, "spec.analysis"},
        Case{"AnalysisMissing", false, {{"/spec/analysis", nullptr}}, "spec.analysis"},
        Case{"StepWeightNegative", false, {{"/spec/analysis/stepWeight", "-5"}}, "spec.analysis.stepWeight"},
        Case{"StepWeightOver100", false, {{"/spec/analysis/stepWeight", "101"}}, "spec.analysis.stepWeight"},
        Case{"MaxWeightOver100", false, {{"/spec/analysis/maxWeight", "150"}}, "spec.analysis.maxWeight"},
        Case{"MaxWeightNegative", false, {{"/spec/analysis/maxWeight", "-1"}}, "spec.analysis.maxWeight"},
        Case{"StepWeightsOutOfRange",
             false,
             {{"/spec/analysis/stepWeight", nullptr}, {"/spec/analysis/stepWeights", "[10, 120]"}},
             "spec.analysis.stepWeights[1]"},
        Case{"StepWeightsNotAscending",
             false,
             {{"/spec/analysis/stepWeight", nullptr}, {"/spec/analysis/stepWeights", "[20, 10]"}},
             "spec.analysis.stepWeights[1]"},
        Case{"MirrorWeightOver100", false, {{"/spec/analysis/mirrorWeight", "101"}}, "spec.analysis.mirrorWeight"},
        Case{"ScaledObjectAutoscaler",
             false,
             {{"/spec/autoscalerRef", "{apiVersion: keda.sh/v1alpha1, kind: ScaledObject, name: podinfo}"}},
             "spec.autoscalerRef.kind"},
        Case{"PrimaryReadyThresholdOver100",
             false,
             {{"/spec/analysis/primaryReadyThreshold", "150"}},
             "spec.analysis.primaryReadyThreshold"},
        Case{"CanaryReadyThresholdNegative",
             false,
             {{"/spec/analysis/canaryReadyThreshold", "-1"}},
             "spec.analysis.canaryReadyThreshold"},
        Case{"PromotionWeightOver100",
             false,
             {{"/spec/analysis/stepWeightPromotion", "200"}},
             "spec.analysis.stepWeightPromotion"},
        Case{"IntervalUnder10s", false, {{"/spec/analysis/interval", "5s"}}, "spec.analysis.interval"},
        Case{"IntervalMalformed", false, {{"/spec/analysis/interval", "fast"}}, "spec.analysis.interval"},
        Case{"EmptyGatewayRefs", false, {{"/spec/service/gatewayRefs", "[]"}}, "spec.service.gatewayRefs"},
        Case{"GatewayRefWithoutName",
             false,
             {{"/spec/service/gatewayRefs", "[{namespace: x}]"}},
             "spec.service.gatewayRefs[0].name"},
        Case{"UnknownProvider", false, {{"/spec/provider", "istio"}}, "spec.provider"},
        Case{"GrpcRouteOnV1beta1", true, {{"/spec/provider", "gatewayapi:v1beta1"}}, "spec.provider"},
        Case{"UnknownRouteKind", false, {{"/spec/service/route", "{kind: TCPRoute}"}}, "spec.service.route.kind"},
        Case{"TooManyHostnames",
             false,
             {{"/spec/service/hosts",
               "[a.io, b.io, c.io, d.io, e.io, f.io, g.io, h.io, i.io, j.io, k.io, l.io, m.io, n.io, o.io, p.io, "
               "q.io]"}},
             "spec.service.hosts"},
        Case{"InvalidHostname", false, {{"/spec/service/hosts", "[10.0.0.1:80]"}}, "spec.service.hosts[0]"},
        Case{"MissingPort", false, {{"/spec/service/port", nullptr}}, "spec.service.port"},
        Case{"BadTargetKind", false, {{"/spec/targetRef/kind", "StatefulSet"}}, "spec.targetRef.kind"},
        Case{"GrpcSessionAffinity",
             true,
             {{"/spec/analysis/sessionAffinity", "{cookieName: c}"}},
             "spec.analysis.sessionAffinity"},
        Case{"GrpcTimeout", true, {{"/spec/service/timeout", "10s"}}, "spec.service.timeout"},
        Case{"GrpcBackendTimeout", true, {{"/spec/service/backendTimeout", "5s"}}, "spec.service.backendTimeout"},
        Case{"GrpcRetries", true, {{"/spec/service/retries", "{attempts: 3}"}}, "spec.service.retries"},
        Case{"GrpcRewrite", true, {{"/spec/service/rewrite", "{uri: /}"}}, "spec.service.rewrite"},
        Case{"GrpcCorsPolicy", true, {{"/spec/service/corsPolicy", "{allowOrigin: ['*']}"}}, "spec.service.corsPolicy"},
        Case{"GrpcIstioMatch", true, {{"/spec/service/match", "[{uri: {prefix: /}}]"}}, "spec.service.match"},
        Case{"GrpcQueryParams",
             true,
             {{"/spec/analysis/match", "[{queryParams: {a: {exact: b}}}]"}},
             "spec.analysis.match[0].queryParams"},
        Case{"HttpGrpcMethod",
             false,
             {{"/spec/analysis/match", "[{headers: {a: {exact: b}}, grpcMethod: {method: M}}]"}},
             "spec.analysis.match[0].grpcMethod"},
        Case{"MatchTwoConditions",
             false,
             {{"/spec/analysis/match", "[{headers: {x: {exact: a, prefix: b}}}]"}},
             "spec.analysis.match[0].headers.x"},
        Case{"MatchBadHeaderName",
             false,
             {{"/spec/analysis/match", "[{headers: {'a b': {exact: a}}}]"}},
             "spec.analysis.match[0].headers.a b"},
        Case{"HttpBadTimeout", false, {{"/spec/service/timeout", "10 seconds"}}, "spec.service.timeout"},
        Case{"CookieNameRequired",
             false,
             {{"/spec/analysis/sessionAffinity", "{maxAge: 10}"}},
             "spec.analysis.sessionAffinity.cookieName"},
        Case{"SameCookieNames",
             false,
             {{"/spec/analysis/sessionAffinity", "{cookieName: a, primaryCookieName: a}"}},
             "spec.analysis.sessionAffinity.primaryCookieName"},
        Case{"RouteRefWithRules",
             true,
             {{"/spec/routeRef", "{apiVersion: gateway.networking.k8s.io/v1, kind: GRPCRoute, name: g}"}},
             "spec.service.route.rules"},
        Case{"RouteRefBadKind", false, {{"/spec/routeRef", "{kind: TLSRoute, name: g}"}}, "spec.routeRef.kind"},
        Case{"RouteRefNoName", false, {{"/spec/routeRef", "{kind: HTTPRoute}"}}, "spec.routeRef.name"},
        Case{"EmptyRules", true, {{"/spec/service/route/rules", "[]"}}, "spec.service.route.rules"}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(CanaryValidation, ValidCanariesHaveNoProblems) {
  EXPECT_TRUE(validateCanary(testing::canaryFrom(grpcCanaryManifest())).empty());
  EXPECT_TRUE(validateCanary(testing::canaryFrom(httpCanaryManifest())).empty());
}

TEST(CanaryValidation, RouteRefNeedsNoGatewayRefs) {
  Json m = grpcCanaryManifest();
  m["spec"]["service"].erase("route");
  m["spec"]["service"].erase("gatewayRefs");
  m["spec"]["routeRef"] = yaml("{apiVersion: gateway.networking.k8s.io/v1, kind: GRPCRoute, name: greeter}");
  EXPECT_TRUE(validateCanary(testing::canaryFrom(m)).empty());
}

TEST(CanaryValidation, ReportsAllProblemsAtOnce) {
  Json m = applyEdits(grpcCanaryManifest(), {{"/spec/analysis/stepWeight", "0"},
                                             {"/spec/analysis/maxWeight", "150"},
                                             {"/spec/analysis/interval", "5s"},
                                             {"/spec/service/gatewayRefs", "[]"},
                                             {"/spec/service/timeout", "5s"}});
  EXPECT_EQ(validateCanary(testing::canaryFrom(m)).size(), 5u);
}

TEST(Hostnames, GatewayApiPattern) {
  EXPECT_TRUE(isValidHostname("grpc.example.com"));
  EXPECT_TRUE(isValidHostname("*.example.com"));
  EXPECT_FALSE(isValidHostname("Example.com"));
  EXPECT_FALSE(isValidHostname("*"));
  EXPECT_FALSE(isValidHostname(""));
}

}  // namespace
}  // namespace pennant::api
