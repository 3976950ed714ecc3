#include "analysis/step.h"

#include <algorithm>

#include "analysis/tick.h"

namespace pennant::analysis {
namespace {

// Answers from the results the shell observed. A stage the spec has hooks for counts as run when
// the shell reported at least one result of its type (it may stop a stage early once decided:
// a 2xx rollback hook, a failed gate); with no result at all it was not run.
class ObservedGates final : public internal::Gates {
 public:
  ObservedGates(const api::Canary& canary, const Observations& obs) : canary_(canary), obs_(obs) {}

  // Gates
  std::optional<std::vector<WebhookResult>> hooks(HookType type) override {
    std::vector<WebhookResult> results;
    for (const auto& r : obs_.webhooks) {
      if (r.type == type) results.push_back(r);
    }
    if (results.empty() && !hooksOfType(canary_, type).empty()) return std::nullopt;
    return results;
  }
  std::optional<std::vector<CheckVerdict>> checks() override {
    if (!canary_.analysis.metrics.is_array() || canary_.analysis.metrics.empty()) return std::vector<CheckVerdict>{};
    if (!obs_.checksRan) return std::nullopt;
    return obs_.checks;
  }

 private:
  const api::Canary& canary_;
  const Observations& obs_;
};

}  // namespace

Decision step(const api::Canary& canary, const api::CanaryStatus& status, const Observations& obs) {
  ObservedGates gates(canary, obs);
  return internal::Tick(canary, status, obs, gates).run();
}

std::chrono::seconds analysisInterval(const api::Analysis& analysis) {
  if (analysis.intervalSeconds < 0) return std::chrono::seconds(60);
  return std::chrono::seconds(std::max<int64_t>(10, analysis.intervalSeconds));
}

std::chrono::seconds drainPeriod(const api::Analysis& analysis) {
  return std::chrono::seconds(std::max<int64_t>(0, analysis.drainSeconds.value_or(kDefaultDrainSeconds)));
}

int64_t analysisThreshold(const api::Analysis& analysis) { return std::max<int64_t>(1, analysis.threshold); }

}  // namespace pennant::analysis
