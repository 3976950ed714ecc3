#pragma once
// reconcile(key): one level-based pass over one Canary ("namespace/name"), as sample-controller's
// syncHandler. Reads come from the ObjectStore (the informer caches), never the API server; the
// decisions come from the pure analysis::plan()/step(); this file is the I/O around them:
//   parse + validate (invalid: Validated=False condition + Event, nothing else written)
//   -> ensure primary Deployment and Services -> observe (readiness, revision, route weights)
//   -> run only the planned hooks/checks -> step() -> execute the actions in order
//   -> write the status once (conflict: re-read and retry) -> requeue after the interval.
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "analysis/observations.h"
#include "api/canary.h"
#include "common/clock.h"
#include "controller/controller_metrics.h"
#include "controller/event_sink.h"
#include "controller/object_store.h"
#include "controller/stage_runner.h"
#include "http/http_client.h"
#include "kube/client.h"
#include "router/gatewayapi/route_cache.h"
#include "router/router.h"

namespace pennant::controller {

struct ReconcilerDeps {
  kube::ClientPtr client;                      // writes, and the route read-back
  std::shared_ptr<const ObjectStore> store;    // reads
  std::shared_ptr<const Clock> clock;          // default: the system clock
  http::ClientPtr http;                        // webhooks and alerts; default: curl
  std::shared_ptr<EventSink> events;           // default: dropped
  std::shared_ptr<ControllerMetrics> metrics;  // optional
  AnalysisOptions analysis;
};

struct ReconcileResult {
  // Look again after this long; nullopt = only when a watch event says something changed.
  std::optional<std::chrono::seconds> requeueAfter;
  api::Phase phase = api::Phase::kNone;  // the phase after this pass (kNone when the Canary is gone or invalid)
};

class Reconciler {
 public:
  explicit Reconciler(ReconcilerDeps deps);

  // An error means "try again with back-off" (the work queue's rate limiter).
  StatusOr<ReconcileResult> reconcile(const std::string& key);

 private:
  StatusOr<ReconcileResult> reconcileValid(const Json& manifest, api::Canary& canary);
  // Validated=False + a warning Event; no route, workload or Service write.
  StatusOr<ReconcileResult> rejectInvalid(const Json& manifest, std::string_view reason, const std::string& message);
  analysis::Observed observe(const api::Canary& canary, const Json& target, router::Router& router);
  // How long until the analysis may take its next step; zero when due now. Watch events make
  // reconciles more frequent than analysis.interval; steps must not be (see tickGate.cc).
  std::chrono::seconds untilNextStep(const std::string& key, const api::Canary& canary,
                                     const analysis::Observed& obs) const;
  void recordStep(const std::string& key);

  ReconcilerDeps deps_;
  std::shared_ptr<router::gatewayapi::RouteCache> routes_;  // route reads from the store, shared by reconciles
  mutable std::mutex stepsMu_;
  std::map<std::string, Clock::TimePoint> lastStep_;  // key -> when step() last ran in an active phase
};

// "ns/name" -> {ns, name}; a key without '/' is in "default".
std::pair<std::string, std::string> splitKey(const std::string& key);

}  // namespace pennant::controller
