#include "metrics/check.h"

#include <gtest/gtest.h>

#include <deque>
#include <limits>

namespace pennant::metrics {
namespace {

class ScriptedProvider final : public MetricProvider {
 public:
  void answer(QueryAnswer a) { script_.push_back(std::move(a)); }
  StatusOr<std::optional<double>> query(std::string_view q) override {
    queries.emplace_back(q);
    if (script_.empty()) return absl::InternalError("no answer scripted");
    auto next = script_.front();
    script_.pop_front();
    return next;
  }
  std::string describe() const override { return "scripted"; }
  std::vector<std::string> queries;

 private:
  std::deque<QueryAnswer> script_;
};

TemplateModel checkModel() {
  TemplateModel m;
  m.name = "podinfo";
  m.ns = "test";
  m.target = "podinfo";
  m.service = "podinfo";
  m.ingress = "podinfo";
  m.route = "podinfo";
  return m;
}

QueryAnswer value(double v) { return std::optional<double>(v); }
QueryAnswer none() { return std::optional<double>(); }

MetricSpec metric(std::string name) {
  MetricSpec spec;
  spec.name = std::move(name);
  return spec;
}

TEST(CheckPlanTest, BuiltinSuccessRateUsesThresholdAsMinimum) {
  MetricSpec spec = metric("grpc-success-rate");
  spec.threshold = 99;
  spec.interval = "30s";
  auto plan = planCheck(spec, checkModel(), std::nullopt, {});
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->range.min, 99);
  EXPECT_FALSE(plan->range.max.has_value());
  EXPECT_EQ(plan->unit, "%");
  EXPECT_NE(plan->valueQuery.find("[30s]"), std::string::npos);
  EXPECT_FALSE(plan->countQuery.has_value());
}

TEST(CheckPlanTest, BuiltinDurationUsesThresholdAsMaximumAndDefaultInterval) {
  MetricSpec spec = metric("request-duration");
  spec.threshold = 500;
  auto plan = planCheck(spec, checkModel(), std::nullopt, {});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->range.max, 500);
  EXPECT_EQ(plan->unit, "ms");
  EXPECT_EQ(plan->interval, "1m");
  EXPECT_NE(plan->valueQuery.find("[1m]"), std::string::npos);
}

TEST(CheckPlanTest, FlavourOverrideAndGuard) {
  MetricSpec spec = metric("grpc-success-rate");
  spec.flavour = QueryFlavour::kIstio;
  spec.minRequests = 100;
  auto plan = planCheck(spec, checkModel(), std::nullopt, BuiltinOptions{.flavour = QueryFlavour::kEnvoy});
  ASSERT_TRUE(plan.ok());
  EXPECT_NE(plan->valueQuery.find("istio_requests_total"), std::string::npos);
  ASSERT_TRUE(plan->countQuery.has_value());
  EXPECT_NE(plan->countQuery->find("sum(increase(istio_requests_total"), std::string::npos);
  EXPECT_EQ(plan->minRequests, 100);
}

TEST(CheckPlanTest, TemplateWinsOverBuiltinNameAndGetsVariables) {
  MetricSpec spec = metric("request-success-rate");
  spec.templateVariables = {{"code", "5.."}};
  spec.thresholdRange = ThresholdRange{.min = std::nullopt, .max = 1};
  auto plan =
      planCheck(spec, checkModel(), std::string("errors{ns=\"{{ namespace }}\",code=~\"{{ variables.code }}\"}"), {});
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->valueQuery, "errors{ns=\"test\",code=~\"5..\"}");
  EXPECT_EQ(plan->range.max, 1);
  EXPECT_EQ(plan->unit, "");
}

TEST(CheckPlanTest, InlineQueryThresholdIsMaximum) {
  MetricSpec spec = metric("custom");
  spec.query = "vector({{ interval }})";
  spec.threshold = 5;
  auto plan = planCheck(spec, checkModel(), std::nullopt, {});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->range.max, 5);
}

TEST(CheckPlanTest, TemplateErrorsAndUnknownMetricsAreInvalid) {
  auto bad = planCheck(metric("x"), checkModel(), std::string("{{ nope }}"), {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("metric x"), absl::string_view::npos);
  EXPECT_NE(bad.status().message().find("{{ nope }}"), absl::string_view::npos);
  EXPECT_FALSE(planCheck(metric("not-a-builtin"), checkModel(), std::nullopt, {}).ok());

  ScriptedProvider provider;
  CheckResult r = evaluateMetric(metric("x"), checkModel(), std::string("{{ nope }}"), {}, provider);
  EXPECT_EQ(r.outcome, CheckOutcome::kInvalid);
  EXPECT_TRUE(provider.queries.empty());
}

TEST(CheckPlanTest, IntervalMustBeAPrometheusDuration) {
  for (const char* good : {"30s", "1m", "1h", "1m30s", "500ms", "2d"}) {
    MetricSpec spec = metric("request-duration");
    spec.interval = good;
    EXPECT_TRUE(planCheck(spec, checkModel(), std::nullopt, {}).ok()) << good;
  }
  for (const char* bad : {"1", "m", "1m]", "1 m", "-1m", "1M"}) {
    MetricSpec spec = metric("request-duration");
    spec.interval = bad;
    auto plan = planCheck(spec, checkModel(), std::nullopt, {});
    ASSERT_FALSE(plan.ok()) << bad;
    EXPECT_NE(plan.status().message().find("interval"), absl::string_view::npos);
  }
}

TEST(CheckRunTest, PassAndFailAgainstRange) {
  MetricSpec spec = metric("grpc-success-rate");
  spec.thresholdRange = ThresholdRange{.min = 99, .max = std::nullopt};
  ScriptedProvider provider;
  provider.answer(value(99.5));
  provider.answer(value(87.5));
  CheckResult pass = evaluateMetric(spec, checkModel(), std::nullopt, {}, provider);
  EXPECT_TRUE(pass.passed()) << pass.message;
  EXPECT_EQ(pass.value, 99.5);
  CheckResult fail = evaluateMetric(spec, checkModel(), std::nullopt, {}, provider);
  EXPECT_EQ(fail.outcome, CheckOutcome::kOutOfRange);
  EXPECT_EQ(fail.message, "metric grpc-success-rate: 87.50 < 99 (%)");
}

TEST(CheckRunTest, EmptyAndNaNAreNoValues) {
  ScriptedProvider provider;
  provider.answer(none());
  provider.answer(value(std::numeric_limits<double>::quiet_NaN()));
  CheckResult empty = evaluateMetric(metric("grpc-success-rate"), checkModel(), std::nullopt, {}, provider);
  EXPECT_EQ(empty.outcome, CheckOutcome::kNoValues);
  EXPECT_NE(empty.message.find("no values"), std::string::npos);
  EXPECT_NE(empty.message.find("matched no series"), std::string::npos);
  CheckResult nan = evaluateMetric(metric("grpc-success-rate"), checkModel(), std::nullopt, {}, provider);
  EXPECT_EQ(nan.outcome, CheckOutcome::kNoValues);
  EXPECT_NE(nan.message.find("NaN"), std::string::npos);
}

TEST(CheckRunTest, InfinityIsJudgedNotHidden) {
  MetricSpec spec = metric("grpc-request-duration");
  spec.threshold = 500;
  ScriptedProvider provider;
  provider.answer(value(std::numeric_limits<double>::infinity()));
  CheckResult r = evaluateMetric(spec, checkModel(), std::nullopt, {}, provider);
  EXPECT_EQ(r.outcome, CheckOutcome::kOutOfRange);
}

TEST(CheckRunTest, ProviderErrorsKeepTheirCodeAndMessage) {
  ScriptedProvider provider;
  provider.answer(absl::UnavailableError("Prometheus at http://p:9090 is unreachable (refused)"));
  CheckResult r = evaluateMetric(metric("grpc-success-rate"), checkModel(), std::nullopt, {}, provider);
  EXPECT_EQ(r.outcome, CheckOutcome::kQueryFailed);
  EXPECT_EQ(r.error.code(), StatusCode::kUnavailable);
  EXPECT_NE(r.message.find("is unreachable"), std::string::npos);
}

TEST(CheckRunTest, GuardStopsBeforeTheValueQueryWhenTrafficIsLow) {
  MetricSpec spec = metric("grpc-success-rate");
  spec.minRequests = 100;
  ScriptedProvider provider;
  provider.answer(value(12));
  CheckResult r = evaluateMetric(spec, checkModel(), std::nullopt, {}, provider);
  EXPECT_EQ(r.outcome, CheckOutcome::kTooFewRequests);
  EXPECT_FALSE(r.passed());
  EXPECT_EQ(r.value, 12);
  EXPECT_NE(r.message.find("only 12 requests in the last 1m, fewer than the minimum 100"), std::string::npos)
      << r.message;
  EXPECT_EQ(provider.queries.size(), 1u);
}

TEST(CheckRunTest, GuardTreatsNoSeriesAsZeroRequests) {
  MetricSpec spec = metric("grpc-success-rate");
  spec.minRequests = 1;
  ScriptedProvider provider;
  provider.answer(none());
  EXPECT_EQ(evaluateMetric(spec, checkModel(), std::nullopt, {}, provider).outcome, CheckOutcome::kTooFewRequests);
}

TEST(CheckRunTest, GuardLetsEnoughTrafficThrough) {
  MetricSpec spec = metric("grpc-success-rate");
  spec.minRequests = 100;
  spec.threshold = 99;
  ScriptedProvider provider;
  provider.answer(value(1000));
  provider.answer(value(99.9));
  CheckResult r = evaluateMetric(spec, checkModel(), std::nullopt, {}, provider);
  EXPECT_TRUE(r.passed()) << r.message;
  EXPECT_EQ(provider.queries.size(), 2u);
}

TEST(CheckRunTest, GuardQueryErrorIsAQueryFailure) {
  MetricSpec spec = metric("grpc-success-rate");
  spec.minRequests = 100;
  ScriptedProvider provider;
  provider.answer(absl::DeadlineExceededError("Prometheus at x did not answer within 5s"));
  CheckResult r = evaluateMetric(spec, checkModel(), std::nullopt, {}, provider);
  EXPECT_EQ(r.outcome, CheckOutcome::kQueryFailed);
  EXPECT_EQ(r.error.code(), StatusCode::kDeadlineExceeded);
}

TEST(CheckRunTest, ComparisonJudgesCanaryAgainstPrimary) {
  MetricSpec spec = metric(std::string(kGrpcErrorRateVsPrimary));
  spec.thresholdRange = ThresholdRange{.min = std::nullopt, .max = 1};
  ScriptedProvider provider;
  // A shared outage: both at 90% success -> difference 0, the canary is not blamed.
  provider.answer(value(90));
  provider.answer(value(90));
  CheckResult shared = evaluateMetric(spec, checkModel(), std::nullopt, {}, provider);
  EXPECT_TRUE(shared.passed()) << shared.message;
  EXPECT_EQ(shared.value, 0);
  ASSERT_EQ(provider.queries.size(), 2u);
  EXPECT_NE(provider.queries[0].find("kubernetes_pod_name=~\"podinfo-[0-9a-zA-Z]"), std::string::npos);
  EXPECT_NE(provider.queries[1].find("kubernetes_pod_name=~\"podinfo-primary-"), std::string::npos);
  // The canary alone is worse: 95% vs 99.5% -> 4.5 percentage points more errors.
  provider.answer(value(95));
  provider.answer(value(99.5));
  CheckResult worse = evaluateMetric(spec, checkModel(), std::nullopt, {}, provider);
  EXPECT_EQ(worse.outcome, CheckOutcome::kOutOfRange);
  EXPECT_DOUBLE_EQ(*worse.value, 4.5);
  EXPECT_NE(worse.message.find("4.50 > 1 (pp)"), std::string::npos) << worse.message;
}

TEST(CheckRunTest, ComparisonWithoutPrimaryTrafficIsNoValues) {
  MetricSpec spec = metric(std::string(kRequestErrorRateVsPrimary));
  spec.threshold = 1;
  ScriptedProvider provider;
  provider.answer(value(99));
  provider.answer(none());
  CheckResult r = evaluateMetric(spec, checkModel(), std::nullopt, {}, provider);
  EXPECT_EQ(r.outcome, CheckOutcome::kNoValues);
  EXPECT_NE(r.message.find("primary"), std::string::npos);
}

TEST(CheckJudgeTest, IsPureOverObservations) {
  CheckPlan plan;
  plan.metricName = "m";
  plan.interval = "1m";
  plan.range.max = 10;
  CheckObservations obs;
  obs.value = value(3);
  EXPECT_TRUE(judgeCheck(plan, obs).passed());
  obs.value = value(11);
  EXPECT_EQ(judgeCheck(plan, obs).outcome, CheckOutcome::kOutOfRange);
  EXPECT_EQ(checkOutcomeName(CheckOutcome::kTooFewRequests), "TooFewRequests");
}

}  // namespace
}  // namespace pennant::metrics
