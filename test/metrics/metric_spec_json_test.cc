#include "metrics/metric_spec_json.h"

#include <gtest/gtest.h>

namespace pennant::metrics {
namespace {

TEST(MetricSpecJsonTest, ReadsFlaggerFieldsAndPennantAdditions) {
  Json metric = parseYaml(R"(
name: grpc-error-rate
interval: 30s
thresholdRange: {max: 1}
templateRef: {name: grpc-errors, namespace: istio-system}
templateVariables: {codes: "2|4|13|14"}
minRequests: 100
queryFlavour: istio
)")
                    .value();
  auto entry = metricEntryFromJson(metric);
  ASSERT_TRUE(entry.ok()) << entry.status();
  EXPECT_EQ(entry->spec.name, "grpc-error-rate");
  EXPECT_EQ(entry->spec.interval, "30s");
  ASSERT_TRUE(entry->spec.thresholdRange.has_value());
  EXPECT_EQ(entry->spec.thresholdRange->max, 1);
  EXPECT_FALSE(entry->spec.thresholdRange->min.has_value());
  EXPECT_FALSE(entry->spec.threshold.has_value());
  ASSERT_TRUE(entry->templateRef.has_value());
  EXPECT_EQ(entry->templateRef->name, "grpc-errors");
  EXPECT_EQ(entry->templateRef->ns, "istio-system");
  EXPECT_EQ(entry->spec.templateVariables.at("codes"), "2|4|13|14");
  EXPECT_EQ(entry->spec.minRequests, 100);
  EXPECT_EQ(entry->spec.flavour, QueryFlavour::kIstio);
}

TEST(MetricSpecJsonTest, DeprecatedThresholdAndInlineQuery) {
  auto entry = metricEntryFromJson(Json{{"name", "request-success-rate"}, {"threshold", 99}, {"query", "up"}});
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ(entry->spec.threshold, 99);
  EXPECT_EQ(entry->spec.query, "up");
  EXPECT_FALSE(entry->templateRef.has_value());
  EXPECT_FALSE(entry->spec.minRequests.has_value());
}

TEST(MetricSpecJsonTest, ErrorsNameTheField) {
  auto noName = metricEntryFromJson(Json{{"threshold", 1}});
  EXPECT_FALSE(noName.ok());
  auto badRange = metricEntryFromJson(Json{{"name", "m"}, {"thresholdRange", {{"min", "99"}}}});
  ASSERT_FALSE(badRange.ok());
  EXPECT_NE(badRange.status().message().find("thresholdRange.min"), absl::string_view::npos);
  auto badFlavour = metricEntryFromJson(Json{{"name", "m"}, {"queryFlavour", "linkerd"}});
  ASSERT_FALSE(badFlavour.ok());
  EXPECT_NE(badFlavour.status().message().find("queryFlavour"), absl::string_view::npos);
  auto badVar = metricEntryFromJson(Json{{"name", "m"}, {"templateVariables", {{"a", 1}}}});
  ASSERT_FALSE(badVar.ok());
  EXPECT_NE(badVar.status().message().find("templateVariables.a"), absl::string_view::npos);
  EXPECT_FALSE(metricEntryFromJson(Json{{"name", "m"}, {"minRequests", -1}}).ok());
}

}  // namespace
}  // namespace pennant::metrics
