#pragma once
// Flagger's status writers (pkg/canary/status.go) as pure functions on a
// CanaryStatus: which fields each write sets, resets and stamps, and the `Promoted` condition.
#include <cstdint>
#include <string>
#include <string_view>

#include "api/canary.h"
#include "common/clock.h"
#include "common/json.h"

namespace pennant::analysis {

using api::Phase;

// The `Promoted` condition for `phase`: status Unknown/True/False, reason = phase, Flagger's
// message. Returns `conditions` unchanged when the current Promoted condition already has the
// same status and reason; keeps its lastTransitionTime when only the reason changes. Conditions
// of other types are kept.
Json promotedConditions(const Json& conditions, Phase phase, std::string_view targetKind, Clock::TimePoint now);

// The Promoted condition in `conditions`, or nullptr.
const Json* findPromotedCondition(const Json& conditions);

// The message Flagger writes on the Promoted condition for `phase`.
std::string promotedMessage(Phase phase, std::string_view targetKind);

// Flagger's SyncStatus: phase, weight, failedChecks and iterations as given; lastAppliedSpec and
// trackedConfigs from the current target; lastPromotedSpec too when Initialized.
void syncStatus(api::CanaryStatus& status, const api::Canary& canary, Phase phase, int64_t weight, int64_t failedChecks,
                int64_t iterations, const std::string& revision, const Json& trackedConfigs, Clock::TimePoint now);

// Flagger's setStatusPhase: phases other than Progressing, Waiting and Promoting reset
// canaryWeight and iterations (WaitingPromotion sets iterations to analysis.iterations - 1);
// Initialized and Succeeded record lastPromotedSpec = lastAppliedSpec.
void setStatusPhase(api::CanaryStatus& status, const api::Canary& canary, Phase phase, Clock::TimePoint now);

// Single-field writers; each also stamps lastTransitionTime, as Flagger's do.
void setStatusWeight(api::CanaryStatus& status, int64_t weight, Clock::TimePoint now);
void setStatusIterations(api::CanaryStatus& status, int64_t iterations, Clock::TimePoint now);
void setStatusFailedChecks(api::CanaryStatus& status, int64_t failedChecks, Clock::TimePoint now);

// Equality of the fields Pennant writes (used to skip a status write that changes nothing).
bool sameStatus(const api::CanaryStatus& a, const api::CanaryStatus& b);

}  // namespace pennant::analysis
