#include "analysis/plan.h"

#include <algorithm>

#include "analysis/tick.h"

namespace pennant::analysis {
namespace {

// Records each stage the tick consults and answers as if it passed (a rollback hook "passes" by
// not asking for a rollback), so the path goes as far as a tick can go.
class RecordingGates final : public internal::Gates {
 public:
  explicit RecordingGates(const api::Canary& canary) : canary_(canary) {}

  // Gates
  std::optional<std::vector<WebhookResult>> hooks(HookType type) override {
    std::vector<WebhookResult> results;
    for (const auto& spec : hooksOfType(canary_, type)) {
      results.push_back(WebhookResult{spec.name, type, type != HookType::kRollback, ""});
    }
    if (!results.empty()) record(Stage{StageKind::kWebhooks, type});
    return results;
  }
  std::optional<std::vector<CheckVerdict>> checks() override {
    if (canary_.analysis.metrics.is_array() && !canary_.analysis.metrics.empty()) {
      record(Stage{StageKind::kMetricChecks, HookType::kRollout});
    }
    return std::vector<CheckVerdict>{};
  }

  Plan plan() const { return plan_; }

 private:
  void record(const Stage& stage) {
    if (std::find(plan_.stages.begin(), plan_.stages.end(), stage) == plan_.stages.end()) plan_.stages.push_back(stage);
  }

  const api::Canary& canary_;
  Plan plan_;
};

}  // namespace

bool Plan::needsHooks(HookType type) const {
  return std::any_of(stages.begin(), stages.end(),
                     [&](const Stage& s) { return s.kind == StageKind::kWebhooks && s.hookType == type; });
}

bool Plan::needsChecks() const {
  return std::any_of(stages.begin(), stages.end(), [](const Stage& s) { return s.kind == StageKind::kMetricChecks; });
}

Plan plan(const api::Canary& canary, const Observed& before) { return plan(canary, canary.status, before); }

Plan plan(const api::Canary& canary, const api::CanaryStatus& status, const Observed& before) {
  RecordingGates gates(canary);
  internal::Tick(canary, status, before, gates).run();
  return gates.plan();
}

bool continueAfter(const Stage& stage, const std::vector<WebhookResult>& stageResults) {
  if (stage.hookType == HookType::kRollback) {
    return std::none_of(stageResults.begin(), stageResults.end(), [](const WebhookResult& r) { return r.passed; });
  }
  return std::all_of(stageResults.begin(), stageResults.end(), [](const WebhookResult& r) { return r.passed; });
}

bool continueAfter(const std::vector<CheckVerdict>& checkResults) {
  return std::all_of(checkResults.begin(), checkResults.end(), [](const CheckVerdict& c) { return c.passed; });
}

}  // namespace pennant::analysis
