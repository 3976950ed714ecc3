// User requests in a tick: `pennant abort` rolls an analysis back at once, `pennant promote` skips
// the remaining steps and metric checks but still passes the confirm-promotion gate. Each request
// id is recorded in status.handledRequests when acted on or dismissed, so it acts exactly once.
#include "analysis/conditions.h"
#include "analysis/tick.h"

namespace pennant::analysis::internal {

using kube::EventType::kNormal;
using kube::EventType::kWarning;
namespace {

// An abort applies while the analysis runs or waits for its confirm-rollout approval.
bool abortable(Phase p) { return api::isAnalysing(p) || p == Phase::kWaiting; }

// Why a request cannot apply in phase `p` (for the Event).
std::string notApplicable(Phase p) {
  if (p == Phase::kPromoting || p == Phase::kFinalising) {
    return "the promotion is already under way (" + std::string(phaseName(p)) + ")";
  }
  if (p == Phase::kWaiting) return "the rollout waits for its confirm-rollout approval (Waiting)";
  return "no analysis is running (" + (p == Phase::kNone ? std::string("no phase") : std::string(phaseName(p))) + ")";
}

}  // namespace

bool Tick::promoteRequested() const { return promotePending(obs_.requests, next_); }

bool Tick::handleUserRequests() {
  const Phase p = next_.phase;
  if (abortPending(obs_.requests, next_)) {
    if (abortable(p)) {
      const std::string id = obs_.requests.abort;
      event(kWarning, "Rolling back " + name() + ": aborted by user (request " + id + ")");
      alert(AlertSeverity::kWarn, "Rolling back: aborted by user");
      next_.handledRequests.abort = id;
      // A promotion asked for earlier is moot once the run is rolled back.
      if (promoteRequested()) next_.handledRequests.promote = obs_.requests.promote;
      rollback();
      return true;
    }
    event(kNormal, "Ignoring the abort request (" + obs_.requests.abort + ") for " + name() + ": " + notApplicable(p));
    next_.handledRequests.abort = obs_.requests.abort;
  }
  if (promoteRequested() && !api::isAnalysing(p)) {
    dismissRequests(notApplicable(p));
  }
  return false;
}

void Tick::dismissRequests(const std::string& why) {
  event(kNormal, "Ignoring the promote request (" + obs_.requests.promote + ") for " + name() + ": " + why);
  next_.handledRequests.promote = obs_.requests.promote;
}

void Tick::promoteOnRequest() {
  const std::string id = obs_.requests.promote;
  if (next_.phase == Phase::kProgressing) {
    event(kNormal,
          "Promotion of " + name() + " requested by user (request " + id + "): skipping the remaining analysis");
  }
  // Denied: WaitingPromotion, and the request stays pending until the gate approves.
  if (!promotionConfirmed()) return;
  next_.handledRequests.promote = id;
  promote();
}

}  // namespace pennant::analysis::internal
