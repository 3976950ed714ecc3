#include "controller/controller_metrics.h"

#include <prometheus/text_serializer.h>

#include "workload/primary_deployment.h"

namespace pennant::controller {
namespace {

std::string strategyName(const api::Canary& canary) {
  switch (canary.strategy()) {
    case api::Strategy::kAbTesting:
      return "ab_testing";
    case api::Strategy::kBlueGreen:
      return canary.analysis.mirror ? "blue_green_mirroring" : "blue_green";
    default:
      return "canary";
  }
}

}  // namespace

ControllerMetrics::ControllerMetrics(const std::string& version)
    : registry_(std::make_shared<prometheus::Registry>()),
      info_(prometheus::BuildGauge()
                .Name("flagger_info")
                .Help("Flagger version and mesh provider information")
                .Register(*registry_)),
      status_(prometheus::BuildGauge()
                  .Name("flagger_canary_status")
                  .Help("Last canary analysis result")
                  .Register(*registry_)),
      weight_(prometheus::BuildGauge()
                  .Name("flagger_canary_weight")
                  .Help("The virtual service destination weight current value")
                  .Register(*registry_)),
      total_(prometheus::BuildGauge()
                 .Name("flagger_canary_total")
                 .Help("Total number of canary object")
                 .Register(*registry_)),
      analysis_(prometheus::BuildGauge()
                    .Name("flagger_canary_metric_analysis")
                    .Help("Last canary analysis result per metric")
                    .Register(*registry_)),
      successes_(prometheus::BuildCounter()
                     .Name("flagger_canary_successes_total")
                     .Help("Total number of canary successes")
                     .Register(*registry_)),
      failures_(prometheus::BuildCounter()
                    .Name("flagger_canary_failures_total")
                    .Help("Total number of canary failures")
                    .Register(*registry_)),
      duration_(prometheus::BuildHistogram()
                    .Name("flagger_canary_duration_seconds")
                    .Help("Seconds spent performing canary analysis.")
                    .Register(*registry_)) {
  info_.Add({{"version", version}, {"mesh_provider", "gatewayapi"}}).Set(1);
}

void ControllerMetrics::setStatus(const api::Canary& canary, api::Phase phase) {
  // Flagger's flagger_canary_status: 0 running, 1 successful (and everything else), 2 failed.
  double value = 1;
  if (phase == api::Phase::kProgressing) value = 0;
  if (phase == api::Phase::kFailed) value = 2;
  status_.Add({{"name", canary.name}, {"namespace", canary.namespace_}}).Set(value);
}

void ControllerMetrics::setWeight(const api::Canary& canary, int64_t primary, int64_t canaryWeight) {
  weight_.Add({{"workload", workload::primaryName(canary.targetRef.name)}, {"namespace", canary.namespace_}})
      .Set(static_cast<double>(primary));
  weight_.Add({{"workload", canary.targetRef.name}, {"namespace", canary.namespace_}})
      .Set(static_cast<double>(canaryWeight));
}

void ControllerMetrics::setTotal(const std::string& ns, double count) { total_.Add({{"namespace", ns}}).Set(count); }

void ControllerMetrics::setMetricAnalysis(const api::Canary& canary, const std::string& metric, double value) {
  analysis_.Add({{"name", canary.name}, {"namespace", canary.namespace_}, {"metric", metric}}).Set(value);
}

void ControllerMetrics::recordOutcome(const api::Canary& canary, bool success, const std::string& analysisStatus) {
  prometheus::Labels labels{{"name", canary.name},
                            {"namespace", canary.namespace_},
                            {"deployment_strategy", strategyName(canary)},
                            {"analysis_status", analysisStatus}};
  (success ? successes_ : failures_).Add(labels).Increment();
}

void ControllerMetrics::observeDuration(const api::Canary& canary, std::chrono::duration<double> d) {
  static const prometheus::Histogram::BucketBoundaries kBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                                0.5,   1,    2.5,   5,    10};
  duration_.Add({{"name", canary.name}, {"namespace", canary.namespace_}}, kBuckets).Observe(d.count());
}

std::string ControllerMetrics::scrape() const {
  std::string out = prometheus::TextSerializer().Serialize(registry_->Collect());
  for (const auto& source : expositions_) out += source();
  return out;
}

}  // namespace pennant::controller
