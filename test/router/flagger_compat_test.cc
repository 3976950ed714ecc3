#include "router/gatewayapi/flagger_compat.h"

#include <gtest/gtest.h>

#include "router/canary_fixtures.h"

namespace pennant::router::gatewayapi {
namespace {

using testing::yaml;

TEST(MapRouteMatches, IgnoresWhatFlaggerIgnoresAndDropsEmptyMatches) {
  api::Problems problems;
  Json out = mapRouteMatches(
      yaml("[{sourceLabels: {app: x}, authority: {exact: a}}, {uri: {prefix: /p}, ignoreUriCase: true}]"), "m",
      problems);
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(out, yaml("[{path: {type: PathPrefix, value: /p}}]"));
}

TEST(MapRouteMatches, UriPriorityRegexExactPrefix) {
  api::Problems problems;
  Json out = mapRouteMatches(yaml("[{uri: {prefix: /p, exact: /e, regex: /r}}, {uri: {prefix: /p, exact: /e}}]"), "m",
                             problems);
  EXPECT_EQ(out, yaml("[{path: {type: RegularExpression, value: /r}}, {path: {type: Exact, value: /e}}]"));
}

TEST(MapRouteMatches, NamesEachUnsupportedSelector) {
  api::Problems problems;
  mapRouteMatches(yaml("[{method: {prefix: G}, queryParams: {q: {prefix: x}}}]"), "spec.service.match", problems);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].field, "spec.service.match[0].method");
  EXPECT_EQ(problems[1].field, "spec.service.match[0].queryParams.q");
}

TEST(Filters, DeterministicAcrossCalls) {
  // Regression for Flagger #1712: header modifiers built from maps must not reorder.
  Json m = testing::httpCanaryManifest();
  m["spec"]["service"]["headers"] = yaml("{request: {add: {z: '1', a: '2', m: '3'}, set: {y: '1', b: '2'}}}");
  api::Canary c = testing::canaryFrom(m);
  std::string first = httpFilters(c).dump();
  for (int i = 0; i < 10; ++i) EXPECT_EQ(httpFilters(c).dump(), first);
  EXPECT_EQ(httpFilters(c)[0]["requestHeaderModifier"]["add"][0]["name"], "a");
}

TEST(FlaggerRule, DefaultMatchIsPathPrefixSlash) {
  api::Canary c = testing::canaryFrom(testing::httpCanaryManifest());
  EXPECT_EQ(flaggerHttpRule(c), yaml("{matches: [{path: {type: PathPrefix, value: /}}]}"));
}

}  // namespace
}  // namespace pennant::router::gatewayapi
