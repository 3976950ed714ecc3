// User requests in a tick: `pennant abort` rolls an analysis back at once, `pennant promote` skips
// the remaining steps and metric checks but still passes the confirm-promotion gate. Each request
// id is recorded in status.handledRequests when acted on or dismissed, so it acts exactly once.
#include "analysis/conditions.h"
#include "analysis/tick.h"

namespace pennant::analysis::internal {
namespace {

bool isAnalysing(const std::string& p) {
  return p == phase::kProgressing || p == phase::kWaiting || p == phase::kWaitingPromotion;
}

// Why a request cannot apply in phase `p` (for the Event).
std::string notApplicable(const std::string& p) {
  if (p == phase::kPromoting || p == phase::kFinalising) return "the promotion is already under way (" + p + ")";
  if (p == phase::kWaiting) return "the rollout waits for its confirm-rollout approval (Waiting)";
  return "no analysis is running (" + (p.empty() ? std::string("no phase") : p) + ")";
}

}  // namespace

bool Tick::promoteRequested() const { return promotePending(obs_.requests, next_); }

bool Tick::handleUserRequests() {
  const std::string p = next_.phase;
  if (abortPending(obs_.requests, next_)) {
    if (isAnalysing(p)) {
      const std::string id = obs_.requests.abort;
      event(true, "Rolling back " + name() + ": aborted by user (request " + id + ")");
      alert(AlertSeverity::kWarn, "Rolling back: aborted by user");
      next_.handledRequests.abort = id;
      // A promotion asked for earlier is moot once the run is rolled back.
      if (promoteRequested()) next_.handledRequests.promote = obs_.requests.promote;
      rollback();
      return true;
    }
    event(false, "Ignoring the abort request (" + obs_.requests.abort + ") for " + name() + ": " + notApplicable(p));
    next_.handledRequests.abort = obs_.requests.abort;
  }
  if (promoteRequested() && p != phase::kProgressing && p != phase::kWaitingPromotion) {
    dismissRequests(notApplicable(p));
  }
  return false;
}

void Tick::dismissRequests(const std::string& why) {
  event(false, "Ignoring the promote request (" + obs_.requests.promote + ") for " + name() + ": " + why);
  next_.handledRequests.promote = obs_.requests.promote;
}

void Tick::promoteOnRequest() {
  const std::string id = obs_.requests.promote;
  if (next_.phase == phase::kProgressing) {
    event(false, "Promotion of " + name() + " requested by user (request " + id + "): skipping the remaining analysis");
  }
  // Denied: WaitingPromotion, and the request stays pending until the gate approves.
  if (!promotionConfirmed()) return;
  next_.handledRequests.promote = id;
  promote();
}

}  // namespace pennant::analysis::internal
