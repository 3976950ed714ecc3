#pragma once
// The controller's Prometheus metrics, with Flagger's names and labels so existing dashboards
// keep working. Thread-safe (prometheus-cpp families are).
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/canary.h"

namespace pennant::controller {

class ControllerMetrics {
 public:
  explicit ControllerMetrics(const std::string& version);

  // flagger_canary_status{name,namespace}: 0 running, 1 successful/idle, 2 failed (Flagger's).
  void setStatus(const api::Canary& canary, api::Phase phase);
  // flagger_canary_weight{workload,namespace} for `<target>-primary` and the target.
  void setWeight(const api::Canary& canary, int64_t primary, int64_t canaryWeight);
  // flagger_canary_total{namespace}.
  void setTotal(const std::string& ns, double count);
  // flagger_canary_metric_analysis{name,namespace,metric}.
  void setMetricAnalysis(const api::Canary& canary, const std::string& metric, double value);
  // flagger_canary_successes_total / flagger_canary_failures_total.
  void recordOutcome(const api::Canary& canary, bool success, const std::string& analysisStatus);
  // flagger_canary_duration_seconds{name,namespace}: time of one reconcile.
  void observeDuration(const api::Canary& canary, std::chrono::duration<double> d);

  // Adds text-format metrics from elsewhere (API request counts, route write times) to scrape().
  void addExposition(std::function<std::string()> source) { expositions_.push_back(std::move(source)); }

  // The text exposition format of every metric, for GET /metrics.
  std::string scrape() const;
  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::vector<std::function<std::string()>> expositions_;  // added before serving starts
  prometheus::Family<prometheus::Gauge>& info_;
  prometheus::Family<prometheus::Gauge>& status_;
  prometheus::Family<prometheus::Gauge>& weight_;
  prometheus::Family<prometheus::Gauge>& total_;
  prometheus::Family<prometheus::Gauge>& analysis_;
  prometheus::Family<prometheus::Counter>& successes_;
  prometheus::Family<prometheus::Counter>& failures_;
  prometheus::Family<prometheus::Histogram>& duration_;
};

}  // namespace pennant::controller
