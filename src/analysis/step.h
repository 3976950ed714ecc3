#pragma once
// step(): the canary analysis state machine as a pure function, Flagger's scheduler
// (advanceCanary) without I/O. Given the spec, the current status and what the shell observed
// (including the results of the stages plan() asked for) it returns the next status, the actions
// to perform, and when to look again. No clock reads: time comes in Observations::now.
#include <chrono>
#include <string>
#include <vector>

#include "analysis/actions.h"
#include "analysis/observations.h"
#include "api/canary.h"

namespace pennant::analysis {

inline constexpr const char* kFinalizer = "finalizer.flagger.app";

struct Decision {
  api::CanaryStatus status;     // the next status (equal to the input when nothing changed)
  bool statusChanged = false;   // write it (one status write per reconcile)
  std::vector<Action> actions;  // in order
  std::chrono::seconds requeueAfter{60};
  // Set when the tick held without deciding (route unreadable, a planned stage's results
  // missing, waiting for readiness); for logs.
  std::string holdReason;
};

Decision step(const api::Canary& canary, const api::CanaryStatus& status, const Observations& obs);

// analysis.interval with Flagger's rules: unparseable -> 60s, at least 10s.
std::chrono::seconds analysisInterval(const api::Analysis& analysis);

// analysis.drainPeriod, or kDefaultDrainSeconds (the controller sets the field from its
// --drain-period flag when the Canary leaves it out).
inline constexpr int64_t kDefaultDrainSeconds = 10;
std::chrono::seconds drainPeriod(const api::Analysis& analysis);

// analysis.threshold, at least 1.
int64_t analysisThreshold(const api::Analysis& analysis);

}  // namespace pennant::analysis
