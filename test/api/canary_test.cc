#include "api/canary.h"

#include <gtest/gtest.h>

#include "router/canary_fixtures.h"

namespace pennant::api {
namespace {

using testing::grpcCanaryManifest;
using testing::httpCanaryManifest;
using testing::yaml;

TEST(ParseCanary, AppliesFlaggerDefaults) {
  Json m = httpCanaryManifest();
  m["spec"]["analysis"].erase("threshold");
  m["spec"]["analysis"].erase("interval");
  auto c = parseCanary(m);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->service.portName, "http");
  EXPECT_EQ(c->analysis.threshold, 1);
  EXPECT_EQ(c->analysis.intervalSeconds, 60);
  EXPECT_EQ(c->progressDeadlineSeconds, 600);
  EXPECT_EQ(c->analysis.primaryReadyThreshold, 100);
  EXPECT_EQ(c->analysis.canaryReadyThreshold, 100);
  EXPECT_EQ(c->service.routeKind, kHttpRouteKind);
  EXPECT_TRUE(c->service.routeRules.is_null());
  EXPECT_EQ(c->service.gatewayRefs[0]["group"], "gateway.networking.k8s.io");
  EXPECT_EQ(c->service.gatewayRefs[0]["kind"], "Gateway");
  EXPECT_EQ(c->service.gatewayRefs[0]["namespace"], "istio-ingress");
}

TEST(ParseCanary, ReadyThresholds) {
  Json m = httpCanaryManifest();
  m["spec"]["analysis"]["primaryReadyThreshold"] = 50;
  m["spec"]["analysis"]["canaryReadyThreshold"] = 75;
  Canary c = testing::canaryFrom(m);
  EXPECT_EQ(c.analysis.primaryReadyThreshold, 50);
  EXPECT_EQ(c.analysis.canaryReadyThreshold, 75);
}

TEST(ParseCanary, GeneratedNamesFollowFlagger) {
  Canary c = testing::canaryFrom(httpCanaryManifest());
  EXPECT_EQ(c.apexName(), "podinfo");
  EXPECT_EQ(c.primaryName(), "podinfo-primary");
  EXPECT_EQ(c.canaryName(), "podinfo-canary");
  Json m = httpCanaryManifest();
  m["spec"]["service"]["name"] = "web";
  Canary named = testing::canaryFrom(m);
  EXPECT_EQ(named.apexName(), "web");
  EXPECT_EQ(named.primaryName(), "web-primary");
}

TEST(ParseCanary, KeepsUserRulesVerbatim) {
  Json m = grpcCanaryManifest();
  m["spec"]["service"]["route"]["rules"][0]["futureField"] = {{"x", 1}};
  Canary c = testing::canaryFrom(m);
  EXPECT_EQ(c.routeKind(), kGrpcRouteKind);
  EXPECT_EQ(c.service.routeRules, m["spec"]["service"]["route"]["rules"]);
}

TEST(ParseCanary, RouteRefSetsTheKind) {
  Json m = grpcCanaryManifest();
  m["spec"]["service"].erase("route");
  m["spec"]["routeRef"] = {{"apiVersion", "gateway.networking.k8s.io/v1"}, {"kind", "GRPCRoute"}, {"name", "greeter"}};
  Canary c = testing::canaryFrom(m);
  ASSERT_TRUE(c.routeRef.has_value());
  EXPECT_EQ(c.routeRef->name, "greeter");
  EXPECT_EQ(c.routeKind(), kGrpcRouteKind);
}

TEST(ParseCanary, StrategyFollowsFlagger) {
  struct Case {
    const char* analysis;
    Strategy want;
  };
  for (const Case& tc : {Case{"{stepWeight: 10}", Strategy::kCanary}, Case{"{iterations: 5}", Strategy::kBlueGreen},
                         Case{"{iterations: 5, match: [{headers: {x: {exact: y}}}]}", Strategy::kAbTesting},
                         Case{"{stepWeight: 5, match: [{headers: {x: {exact: y}}}]}", Strategy::kCanary}}) {
    Json m = httpCanaryManifest();
    m["spec"]["analysis"] = yaml(tc.analysis);
    EXPECT_EQ(testing::canaryFrom(m).strategy(), tc.want) << tc.analysis;
  }
}

TEST(ParseCanary, ReportsEveryWronglyTypedField) {
  Json m = httpCanaryManifest();
  m["spec"]["service"]["port"] = "http";
  m["spec"]["analysis"]["stepWeight"] = "ten";
  m["spec"]["service"]["hosts"] = "www.example.com";
  auto c = parseCanary(m);
  ASSERT_FALSE(c.ok());
  auto lines = problemLines(c.status());
  ASSERT_EQ(lines.size(), 3u) << c.status();
  EXPECT_EQ(lines[0], "spec.service.port: must be an integer");
  EXPECT_EQ(lines[1], "spec.service.hosts: must be a list");
  EXPECT_EQ(lines[2], "spec.analysis.stepWeight: must be an integer");
}

TEST(ParseCanary, RejectsOtherKinds) {
  Json m = httpCanaryManifest();
  m["kind"] = "Deployment";
  m["apiVersion"] = "apps/v1";
  auto c = parseCanary(m);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(problemLines(c.status()).size(), 2u);
}

TEST(ParseDuration, GoDurations) {
  struct Case {
    const char* text;
    std::optional<int64_t> want;
  };
  for (const Case& tc : {Case{"10s", 10}, Case{"1m", 60}, Case{"1m30s", 90}, Case{"1h", 3600}, Case{"500ms", 0},
                         Case{"0", 0}, Case{"", std::nullopt}, Case{"10", std::nullopt}, Case{"1d", std::nullopt},
                         Case{"s", std::nullopt}, Case{".", std::nullopt}}) {
    EXPECT_EQ(parseDurationSeconds(tc.text), tc.want) << tc.text;
  }
}

}  // namespace
}  // namespace pennant::api
