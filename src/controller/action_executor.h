#pragma once
// Performs the actions analysis::step() decided, in order, for one reconcile of one Canary.
// Traffic and workload actions are the ones whose failure stops the reconcile (the status that
// describes them must then not be written); notifications are best effort and only logged.
#include <memory>

#include "analysis/actions.h"
#include "api/canary.h"
#include "common/clock.h"
#include "controller/controller_metrics.h"
#include "controller/event_sink.h"
#include "controller/stage_runner.h"
#include "controller/workload_sync.h"
#include "kube/client.h"
#include "router/router.h"

namespace pennant::controller {

struct ActionContext {
  const api::Canary& canary;
  const Json& manifest;  // the Canary as read (Events refer to it)
  kube::Client& client;
  router::Router& router;
  WorkloadSync& workloads;
  StageRunner& stages;
  EventSink& events;
  ControllerMetrics* metrics = nullptr;  // optional
  const Clock& clock;
};

// Reason of the Events the state machine asks for (Flagger's "Synced").
inline constexpr const char* kSyncedReason = "Synced";

class ActionExecutor {
 public:
  explicit ActionExecutor(ActionContext context) : ctx_(context) {}
  // Errors from route and workload writes; a route the Canary may not write (invalid input,
  // owned by someone else) keeps the router's Rejection (router/route_rejection.h).
  Status execute(const analysis::Action& action);

 private:
  Status setFinalizer(bool present);
  ActionContext ctx_;
};

}  // namespace pennant::controller
