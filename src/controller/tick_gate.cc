// The pacing of analysis steps. step() is pure and advances the analysis each time it is called,
// while reconciles also run on watch events (a Deployment's status, a Service change), so the
// shell lets step() run during an analysis only once per analysis.interval: since the last step
// this process took, or after a restart since status.lastTransitionTime (stamped by every
// step that changed the status). A new revision is not paced: it restarts the analysis at once.
#include <absl/time/time.h>

#include "analysis/conditions.h"
#include "analysis/step.h"
#include "controller/reconciler.h"
#include "workload/revision.h"

namespace pennant::controller {
namespace {

std::optional<Clock::TimePoint> parseTime(const std::string& text) {
  absl::Time t;
  std::string err;
  if (text.empty() || !absl::ParseTime(absl::RFC3339_full, text, &t, &err)) return std::nullopt;
  return std::chrono::time_point_cast<Clock::TimePoint::duration>(absl::ToChronoTime(t));
}

}  // namespace

std::chrono::seconds Reconciler::untilNextStep(const std::string& key, const api::Canary& canary,
                                               const analysis::Observed& obs) const {
  if (!api::isActive(canary.status.phase)) return std::chrono::seconds{0};
  const Json* deleting = findPath(canary.metadata, {"deletionTimestamp"});
  if (deleting && !deleting->is_null()) return std::chrono::seconds{0};
  if (workload::hasSpecChanged(obs.targetRevision, canary.status.lastAppliedSpec, canary.status.lastPromotedSpec) ||
      obs.configsChanged) {
    return std::chrono::seconds{0};
  }
  std::optional<Clock::TimePoint> last;
  {
    std::lock_guard lock(stepsMu_);
    if (auto it = lastStep_.find(key); it != lastStep_.end()) last = it->second;
  }
  if (!last) last = parseTime(canary.status.lastTransitionTime);
  if (!last) return std::chrono::seconds{0};
  const auto due = *last + analysis::analysisInterval(canary.analysis);
  if (obs.now >= due) return std::chrono::seconds{0};
  // Round up so the requeue lands at or after the due time.
  return std::chrono::ceil<std::chrono::seconds>(due - obs.now);
}

void Reconciler::recordStep(const std::string& key) {
  std::lock_guard lock(stepsMu_);
  lastStep_[key] = deps_.clock->now();
}

}  // namespace pennant::controller
