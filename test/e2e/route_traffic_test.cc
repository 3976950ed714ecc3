// The stand-in data plane's matching and splitting (route_traffic.h), on routes shaped like the
// ones the controller writes.
#include "e2e/route_traffic.h"

#include <gtest/gtest.h>

namespace pennant::e2e {
namespace {

Json backends(int primary, int canary) {
  return Json::array({{{"name", "greeter-primary"}, {"port", 9090}, {"weight", primary}},
                      {{"name", "greeter-canary"}, {"port", 9090}, {"weight", canary}}});
}

Json grpcRoute(Json rules) { return {{"kind", "GRPCRoute"}, {"spec", {{"rules", std::move(rules)}}}}; }

CallClass call(std::string method, std::map<std::string, std::string> headers = {}) {
  CallClass c;
  c.grpcService = "helloworld.Greeter";
  c.grpcMethod = std::move(method);
  c.headers = std::move(headers);
  return c;
}

TEST(RouteTraffic, SplitsExactlyByWeight) {
  Json rule = {{"backendRefs", backends(80, 20)}};
  EXPECT_EQ(splitByWeight(rule, 100),
            (std::map<std::string, int64_t>{{"greeter-primary", 80}, {"greeter-canary", 20}}));
  EXPECT_EQ(splitByWeight(rule, 7), (std::map<std::string, int64_t>{{"greeter-primary", 6}, {"greeter-canary", 1}}));
  EXPECT_EQ(splitByWeight({{"backendRefs", backends(100, 0)}}, 100),
            (std::map<std::string, int64_t>{{"greeter-primary", 100}}));
  EXPECT_TRUE(splitByWeight({{"backendRefs", backends(0, 0)}}, 100).empty());
  // An absent weight is 1.
  Json unweighted = {{"backendRefs", Json::array({{{"name", "a"}}, {{"name", "b"}}})}};
  EXPECT_EQ(splitByWeight(unweighted, 10), (std::map<std::string, int64_t>{{"a", 5}, {"b", 5}}));
}

TEST(RouteTraffic, GrpcAbRuleTakesOnlyItsMethodWithTheHeader) {
  Json ab = {
      {"name", "pennant-ab-0"},
      {"matches",
       Json::array({{{"method", {{"type", "Exact"}, {"service", "helloworld.Greeter"}, {"method", "SayHello"}}},
                     {"headers", Json::array({{{"type", "Exact"}, {"name", "x-canary"}, {"value", "insider"}}})}}})},
      {"backendRefs", backends(0, 100)}};
  Json base = {{"backendRefs", backends(100, 0)}};
  Json route = grpcRoute(Json::array({ab, base}));
  EXPECT_EQ(matchRule(route, call("SayHello", {{"x-canary", "insider"}})), 0);
  EXPECT_EQ(matchRule(route, call("SayGoodbye", {{"x-canary", "insider"}})), 1);
  EXPECT_EQ(matchRule(route, call("SayHello")), 1);
  EXPECT_EQ(matchRule(route, call("SayHello", {{"x-canary", "other"}})), 1);
  // Precedence, not order: the more specific rule wins even when it comes second.
  Json reversed = grpcRoute(Json::array({base, ab}));
  EXPECT_EQ(matchRule(reversed, call("SayHello", {{"x-canary", "insider"}})), 1);
}

TEST(RouteTraffic, GrpcServiceAndRegexMatches) {
  Json route = grpcRoute(Json::array(
      {{{"matches", Json::array({{{"method", {{"service", "other.Service"}}}}})}, {"backendRefs", backends(100, 0)}},
       {{"matches", Json::array({{{"method", {{"type", "RegularExpression"}, {"service", "hello.*"}}}}})},
        {"backendRefs", backends(50, 50)}}}));
  EXPECT_EQ(matchRule(route, call("SayHello")), 1);
  CallClass other = call("Anything");
  other.grpcService = "other.Service";
  EXPECT_EQ(matchRule(route, other), 0);
  CallClass none = call("X");
  none.grpcService = "nobody.Else";
  EXPECT_EQ(matchRule(route, none), -1);
}

TEST(RouteTraffic, HttpPathPrefixIsElementWiseAndLongestWins) {
  Json route = {
      {"kind", "HTTPRoute"},
      {"spec",
       {{"rules", Json::array({{{"backendRefs", backends(100, 0)}},
                               {{"matches", Json::array({{{"path", {{"type", "PathPrefix"}, {"value", "/api"}}}}})},
                                {"backendRefs", backends(50, 50)}}})}}}};
  CallClass c;
  c.path = "/api/users";
  EXPECT_EQ(matchRule(route, c), 1);
  c.path = "/apix";
  EXPECT_EQ(matchRule(route, c), 0);
  c.path = "/";
  EXPECT_EQ(matchRule(route, c), 0);
}

}  // namespace
}  // namespace pennant::e2e
