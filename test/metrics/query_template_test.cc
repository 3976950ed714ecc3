#include "metrics/query_template.h"

#include <gtest/gtest.h>

namespace pennant::metrics {
namespace {

TemplateModel model() {
  TemplateModel m;
  m.name = "podinfo";
  m.ns = "test";
  m.target = "podinfo-app";
  m.service = "podinfo-svc";
  m.ingress = "podinfo-ing";
  m.route = "podinfo-route";
  m.interval = "2m";
  m.variables = {{"direction", "inbound"}, {"code", "5.*"}};
  return m;
}

TEST(QueryTemplateTest, RendersEveryFlaggerVariable) {
  auto out = renderQuery(
      "{{ name }}|{{ namespace }}|{{ target }}|{{ service }}|{{ ingress }}|{{ route }}|{{ interval }}|{{ "
      "variables.direction }}",
      model());
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, "podinfo|test|podinfo-app|podinfo-svc|podinfo-ing|podinfo-route|2m|inbound");
}

TEST(QueryTemplateTest, AcceptsTheSpellingsFlaggerUsersWrite) {
  auto out = renderQuery("a{{namespace}}b{{  target\t}}c{{ index variables \"code\" }}", model());
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, "atestbpodinfo-appc5.*");
}

TEST(QueryTemplateTest, TrimMarkersEatWhitespaceLikeGo) {
  auto out = renderQuery("x = \n  {{- namespace -}}  \n y", model());
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, "x =testy");  // as Go: "-}}" eats the newline and spaces
}

TEST(QueryTemplateTest, CommentsRenderNothing) {
  auto out = renderQuery("up{{/* the namespace */}}{ns=\"{{ namespace }}\"}", model());
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, "up{ns=\"test\"}");
}

TEST(QueryTemplateTest, RealisticFlaggerTemplate) {
  const std::string query = R"(100 - sum(
    rate(istio_requests_total{
        destination_workload_namespace="{{ namespace }}",
        destination_workload="{{ target }}",
        response_code!~"{{ variables.code }}"
    }[{{ interval }}])))";
  auto out = renderQuery(query, model());
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_NE(out->find("destination_workload=\"podinfo-app\""), std::string::npos);
  EXPECT_NE(out->find("[2m]"), std::string::npos);
  EXPECT_NE(out->find("response_code!~\"5.*\""), std::string::npos);
}

TEST(QueryTemplateTest, UnknownVariableIsAnErrorNotAnEmptyString) {
  auto out = renderQuery("rate(x{ns=\"{{ namespaces }}\"}[1m])", model());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("{{ namespaces }}"), absl::string_view::npos) << out.status();
  EXPECT_NE(out.status().message().find("unknown variable"), absl::string_view::npos) << out.status();
}

TEST(QueryTemplateTest, UnsetTemplateVariableNamesTheKeyAndTheKnownOnes) {
  auto out = renderQuery("{{ variables.missing }}", model());
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("\"missing\""), absl::string_view::npos) << out.status();
  EXPECT_NE(out.status().message().find("code, direction"), absl::string_view::npos) << out.status();

  auto indexed = renderQuery("{{ index variables \"missing\" }}", model());
  EXPECT_FALSE(indexed.ok());
}

TEST(QueryTemplateTest, DotFieldIsRejectedWithAHint) {
  // Flagger renders {{ .name }} as "<no value>"; Pennant says what to write instead.
  auto out = renderQuery("{{ .name }}", model());
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("write {{ name }}"), absl::string_view::npos) << out.status();
}

TEST(QueryTemplateTest, MalformedTemplatesAreErrors) {
  EXPECT_FALSE(renderQuery("{{ namespace ", model()).ok());
  EXPECT_FALSE(renderQuery("{{ }}", model()).ok());
  EXPECT_FALSE(renderQuery("{{ name | printf \"%s\" }}", model()).ok());
  EXPECT_FALSE(renderQuery("{{ variables.a-b }}", model()).ok());
}

TEST(QueryTemplateTest, TextWithoutActionsIsUnchanged) {
  auto out = renderQuery("sum(rate(x[5m])) / 2 } {", model());
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "sum(rate(x[5m])) / 2 } {");
}

}  // namespace
}  // namespace pennant::metrics
