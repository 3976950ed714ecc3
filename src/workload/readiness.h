#pragma once
// Whether a Deployment has finished rolling out, from its status, as Flagger's isDeploymentReady
// decides it. The decision is pure: `now` is passed in.
#include <chrono>
#include <string>

#include "common/clock.h"
#include "common/json.h"

namespace pennant::workload {

struct Readiness {
  bool ready = false;
  // When not ready: true = wait and check again; false = stuck, roll back (progress deadline
  // exceeded, or MinimumReplicasUnavailable for longer than the Canary's progress deadline).
  bool retriable = true;
  std::string reason;  // "" when ready; Flagger's wording otherwise
};

// `readyThresholdPercent`: share of the updated replicas that must be available
// (analysis.primaryReadyThreshold / canaryReadyThreshold, default 100).
// `progressDeadline`: the Canary's progressDeadlineSeconds (default 600).
Readiness deploymentReadiness(const Json& deployment, int readyThresholdPercent, std::chrono::seconds progressDeadline,
                              Clock::TimePoint now);

}  // namespace pennant::workload
