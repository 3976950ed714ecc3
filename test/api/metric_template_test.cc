#include "api/metric_template.h"

#include <gtest/gtest.h>

#include "router/canary_fixtures.h"

namespace pennant::api {
namespace {

using testing::yaml;

TEST(MetricTemplate, ParsesPrometheusTemplate) {
  auto t = parseMetricTemplate(yaml(R"(
apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata: {name: error-rate, namespace: istio-system}
spec:
  provider: {type: prometheus, address: 'http://prometheus:9090', headers: {X-Scope-OrgID: [tenant-a]}, secretRef: {name: prom-auth}}
  query: sum(rate(x[{{ interval }}]))
)"));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->name, "error-rate");
  EXPECT_EQ(t->namespace_, "istio-system");
  EXPECT_EQ(t->provider.address, "http://prometheus:9090");
  EXPECT_EQ(t->provider.secretRefName, "prom-auth");
  EXPECT_EQ(t->provider.headers.at("X-Scope-OrgID"), std::vector<std::string>{"tenant-a"});
  EXPECT_EQ(t->query, "sum(rate(x[{{ interval }}]))");
}

TEST(MetricTemplate, NamesEveryMissingField) {
  auto t =
      parseMetricTemplate(yaml("{apiVersion: flagger.app/v1beta1, kind: MetricTemplate, metadata: {name: m}, spec: "
                               "{provider: {type: datadog}}}"));
  ASSERT_FALSE(t.ok());
  auto lines = problemLines(t.status());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[0].starts_with("spec.provider.type: unsupported metric provider")) << lines[0];
  EXPECT_EQ(lines[1], "spec.query: is required");
}

TEST(AlertProvider, ParsesAndValidates) {
  auto p =
      parseAlertProvider(yaml("{apiVersion: flagger.app/v1beta1, kind: AlertProvider, metadata: {name: on-call}, spec: "
                              "{type: slack, channel: deploys, secretRef: {name: slack-url}}}"));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->type, "slack");
  EXPECT_EQ(p->secretRefName, "slack-url");
  auto bad = parseAlertProvider(
      yaml("{apiVersion: flagger.app/v1beta1, kind: AlertProvider, metadata: {name: x}, spec: {type: pager}}"));
  ASSERT_FALSE(bad.ok());
  auto lines = problemLines(bad.status());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[0].starts_with("spec.type:"));
  EXPECT_TRUE(lines[1].starts_with("spec.address:"));
}

}  // namespace
}  // namespace pennant::api
