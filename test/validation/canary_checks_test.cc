// The validation façade refuses a Canary whose webhooks, metrics or alerts would fail at run
// time, naming each bad field, and accepts Flagger's usual analysis blocks.
#include "validation/canary_checks.h"

#include <gtest/gtest.h>

#include <string>

#include "router/canary_fixtures.h"

namespace pennant::validation {
namespace {

using testing::canaryFrom;
using testing::grpcCanaryManifest;
using testing::yaml;

api::Canary withAnalysis(const std::string& analysisYaml) {
  Json manifest = grpcCanaryManifest();
  Json extra = yaml(analysisYaml);
  for (const auto& [key, value] : extra.items()) manifest["spec"]["analysis"][key] = value;
  return canaryFrom(manifest);
}

std::string joined(const api::Problems& problems) {
  std::string out;
  for (const auto& p : problems) out += p.toString() + "\n";
  return out;
}

TEST(CanaryChecks, FlaggersUsualAnalysisIsValid) {
  api::Canary c = withAnalysis(R"yaml(
metrics:
  - {name: request-success-rate, interval: 1m, thresholdRange: {min: 99}}
  - {name: grpc-error-rate-vs-primary, thresholdRange: {max: 1}}
  - {name: latency, templateRef: {name: latency, namespace: flagger-system}, thresholdRange: {max: 500}}
  - {name: custom, query: "sum(rate(x[1m]))", thresholdRange: {
  max:
    5}
}
webhooks:
  - {name: load, url: "http://loadtester.test/", timeout: 5s, metadata: {cmd: "hey -z 1m"}}
  - {name: gate, type: confirm-promotion, url: "http://gate.test/"}
alerts:
  - {name: on-call, severity: error, providerRef: {name: slack, namespace: flagger}}
)yaml");
  EXPECT_TRUE(checkCanary(c).empty()) << joined(checkCanary(c));
}

TEST(CanaryChecks, AWebhookWithoutUrlOrWithAnUnknownTypeIsNamed) {
  api::Canary c = withAnalysis(R"yaml(
webhooks:
  - {name: load}
  - {name: gate, type: confirm-everything, url: "http://gate.test/"}
)yaml");
  api::Problems problems = checkCanary(c);
  ASSERT_EQ(problems.size(), 2u) << joined(problems);
  EXPECT_EQ(problems[0].field, "spec.analysis.webhooks[0].url");
  EXPECT_EQ(problems[0].message, "required");
  EXPECT_EQ(problems[1].field, "spec.analysis.webhooks[1].type");
}

TEST(CanaryChecks, AMetricThatIsNeitherBuiltinNorHasAQueryIsNamed) {
  api::Canary c = withAnalysis(R"yaml(
metrics:
  - {name: request-succes-rate, thresholdRange: {min: 99}}
  - {name: bad-range, query: "up", thresholdRange: {min: high}}
)yaml");
  api::Problems problems = checkCanary(c);
  ASSERT_EQ(problems.size(), 2u) << joined(problems);
  EXPECT_EQ(problems[0].field, "spec.analysis.metrics[0].name");
  EXPECT_NE(problems[0].message.find("request-succes-rate"), std::string::npos);
  EXPECT_EQ(problems[1].field, "spec.analysis.metrics[1]");
  EXPECT_NE(problems[1].message.find("thresholdRange.min"), std::string::npos);
}

TEST(CanaryChecks, AnAlertWithoutAProviderOrWithAnUnknownSeverityIsNamed) {
  api::Canary c = withAnalysis(R"yaml(
alerts:
  - {name: on-call, severity: critical, providerRef: {name: slack}}
  - {name: team}
)yaml");
  api::Problems problems = checkCanary(c);
  ASSERT_EQ(problems.size(), 2u) << joined(problems);
  EXPECT_EQ(problems[0].field, "spec.analysis.alerts[0].severity");
  EXPECT_EQ(problems[1].field, "spec.analysis.alerts[1].providerRef.name");
}

TEST(CanaryChecks, RouteProblemsAndAnalysisProblemsAreReportedTogether) {
  Json manifest = grpcCanaryManifest();
  manifest["spec"]["analysis"]["stepWeight"] = 0;
  manifest["spec"]["analysis"]["webhooks"] = yaml("[{name: load}]");
  api::Problems problems = checkCanary(canaryFrom(manifest));
  ASSERT_GE(problems.size(), 2u) << joined(problems);
  EXPECT_EQ(problems.back().field, "spec.analysis.webhooks[0].url");
}

}  // namespace
}  // namespace pennant::validation
