#pragma once
// plan(): which webhooks and metric checks this tick of a Canary needs, so the shell runs only
// those. It follows the same decision path as step() (analysis/tick.h), assuming every gate
// passes, so it lists every stage step() may consult, in the order step() consults them.
#include <vector>

#include "analysis/hooks.h"
#include "analysis/observations.h"
#include "api/canary.h"

namespace pennant::analysis {

enum class StageKind { kWebhooks, kMetricChecks };

struct Stage {
  StageKind kind = StageKind::kWebhooks;
  HookType hookType = HookType::kRollout;  // for kWebhooks
  bool operator==(const Stage&) const = default;
};

struct Plan {
  std::vector<Stage> stages;  // in run order; only stages the spec has hooks/metrics for
  bool needsHooks(HookType type) const;
  bool needsChecks() const;
};

// Uses canary.status as the current status.
Plan plan(const api::Canary& canary, const Observed& before);
Plan plan(const api::Canary& canary, const api::CanaryStatus& status, const Observed& before);

// Whether the shell should run the stages after `stage`, given that stage's results. A rollback
// stage stops the tick when any hook answered 2xx (a rollback is requested); any other webhook
// stage, or the checks, stop at the first failure. Running the later stages anyway is harmless:
// step() does not look at them.
bool continueAfter(const Stage& stage, const std::vector<WebhookResult>& stageResults);
bool continueAfter(const std::vector<CheckVerdict>& checkResults);

}  // namespace pennant::analysis
