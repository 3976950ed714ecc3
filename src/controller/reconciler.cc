#include "controller/reconciler.h"

#include <algorithm>
#include <chrono>

#include "analysis/plan.h"
#include "analysis/route_state.h"
#include "analysis/step.h"
#include "common/log.h"
#include "controller/action_executor.h"
#include "controller/status_writer.h"
#include "controller/workload_sync.h"
#include "kube/errors.h"
#include "kube/resource.h"
#include "validation/canary_checks.h"
#include "workload/config_refs.h"
#include "workload/primary_deployment.h"
#include "workload/readiness.h"
#include "workload/revision.h"

namespace pennant::controller {
namespace {

using kube::resources::canaries;
using kube::resources::deployments;

class NullEventSink final : public EventSink {
 public:
  void record(const Json&, kube::EventType, std::string_view, std::string_view) override {}
};

Json toJson(const std::map<std::string, std::string>& m) {
  Json out = Json::object();
  for (const auto& [k, v] : m) out[k] = v;
  return out;
}

// A Canary at rest (Initialized, Succeeded, Failed) that this pass left alone waits for a watch
// event: a new revision, a tracked ConfigMap/Secret, its Services, route or primary changing all
// enqueue it at once. Looking again every analysis interval only cost CPU (about 1 ms per idle
// Canary per interval: 3% of a core at 1,000 Canaries with a 30 s interval); a slow resync stays
// as a safety net, like an informer resync.
constexpr std::chrono::seconds kRestingResync{std::chrono::minutes(5)};

std::chrono::seconds restingRequeue(const analysis::Decision& decision, bool userRequestPending) {
  // A draining canary is owed a scale-down at a time of its own.
  const bool resting = api::isResting(decision.status.phase) && !decision.status.draining;
  if (!resting || !decision.actions.empty() || decision.statusChanged || userRequestPending) {
    return decision.requeueAfter;
  }
  return std::max(decision.requeueAfter, kRestingResync);
}

bool hasValidatedCondition(const Json& conditions) {
  if (!conditions.is_array()) return false;
  for (const auto& c : conditions) {
    if (c.is_object() && c.value("type", "") == kValidatedCondition) return true;
  }
  return false;
}

// The message of a current Validated=False condition, or "".
std::string invalidMessage(const Json& status) {
  const Json* conditions = findPath(status, {"conditions"});
  if (!conditions || !conditions->is_array()) return "";
  for (const auto& c : *conditions) {
    if (c.is_object() && c.value("type", "") == kValidatedCondition && c.value("status", "") == "False") {
      return c.value("message", "");
    }
  }
  return "";
}

}  // namespace

std::pair<std::string, std::string> splitKey(const std::string& key) {
  auto slash = key.find('/');
  if (slash == std::string::npos) return {"default", key};
  return {key.substr(0, slash), key.substr(slash + 1)};
}

Reconciler::Reconciler(ReconcilerDeps deps) : deps_(std::move(deps)) {
  if (!deps_.clock) deps_.clock = systemClock();
  if (!deps_.http) deps_.http = http::makeCurlClient();
  if (!deps_.events) deps_.events = std::make_shared<NullEventSink>();
  routes_ = std::make_shared<router::gatewayapi::RouteCache>(
      [store = deps_.store](const kube::Resource& r, std::string_view ns, std::string_view name) {
        return store->get(r, ns, name);
      });
}

StatusOr<ReconcileResult> Reconciler::reconcile(const std::string& key) {
  auto [ns, name] = splitKey(key);
  kube::ObjectPtr object = deps_.store->get(canaries(), ns, name);
  if (!object) return ReconcileResult{};  // deleted: its generated objects go with their ownerReferences
  const Json& manifest = *object;
  auto parsed = api::parseCanary(manifest);
  if (!parsed.ok()) return rejectInvalid(manifest, "InvalidSpec", std::string(parsed.status().message()));
  api::Problems problems = validation::checkCanary(*parsed);
  if (!problems.empty()) return rejectInvalid(manifest, "InvalidSpec", std::string(api::toStatus(problems).message()));
  if (!parsed->analysis.drainSeconds) parsed->analysis.drainSeconds = deps_.analysis.defaultDrainSeconds;
  const auto started = std::chrono::steady_clock::now();
  auto result = reconcileValid(manifest, *parsed);
  if (deps_.metrics) deps_.metrics->observeDuration(*parsed, std::chrono::steady_clock::now() - started);
  return result;
}

StatusOr<ReconcileResult> Reconciler::rejectInvalid(const Json& manifest, std::string_view reason,
                                                    const std::string& message) {
  const Json* status = findPath(manifest, {"status"});
  const std::string ns = stringAt(manifest, {"metadata", "namespace"});
  const std::string name = stringAt(manifest, {"metadata", "name"});
  if (status && invalidMessage(*status) == message) return ReconcileResult{};  // already reported
  spdlog::warn("canary {}/{} is invalid: {}", ns, name, message);
  deps_.events->record(manifest, kube::EventType::kWarning, reason, message);
  const Clock::TimePoint now = deps_.clock->now();
  PENNANT_RETURN_IF_ERROR(writeStatusJson(*deps_.client, manifest, [&](const Json& existing) {
    Json out = existing;
    out["conditions"] = withInvalidCondition(existing.value("conditions", Json::array()), reason, message, now);
    return out;
  }));
  return ReconcileResult{};
}

analysis::Observed Reconciler::observe(const api::Canary& canary, const Json& target, router::Router& router) {
  analysis::Observed obs;
  obs.now = deps_.clock->now();
  obs.requests = analysis::readUserRequests(canary.metadata);
  obs.targetRevision = workload::podTemplateHash(target);
  WorkloadSync workloads(*deps_.client, *deps_.store, canary);
  auto tracked = workloads.trackedConfigs(target);
  obs.trackedConfigs = toJson(tracked);
  obs.configsChanged = workload::haveConfigsChanged(tracked, &canary.status.trackedConfigs);
  const std::chrono::seconds deadline{canary.progressDeadlineSeconds};
  if (auto primary = deps_.store->get(deployments(), canary.namespace_, workload::primaryName(canary.targetRef.name))) {
    obs.primary = workload::deploymentReadiness(*primary, static_cast<int>(canary.analysis.primaryReadyThreshold),
                                                deadline, obs.now);
  }
  obs.canary =
      workload::deploymentReadiness(target, static_cast<int>(canary.analysis.canaryReadyThreshold), deadline, obs.now);
  const api::Phase phase = canary.status.phase;
  if (api::isInitialising(phase)) return obs;  // no route is trusted before initialisation
  auto weights = router.getRoutes(canary);
  if (kube::isNotFound(weights.status())) {
    // The route went missing: put it back at the weight the status records (never forward).
    auto written = router.setRoutes(canary, analysis::routeStateFor(canary, canary.status.canaryWeight, phase));
    if (written.ok()) weights = router.getRoutes(canary);
  }
  if (weights.ok()) {
    obs.route = *weights;
  } else {
    obs.routeError = std::string(weights.status().message());
  }
  return obs;
}

StatusOr<ReconcileResult> Reconciler::reconcileValid(const Json& manifest, api::Canary& canary) {
  const std::string key = canary.namespace_ + "/" + canary.name;
  kube::ObjectPtr target = deps_.store->get(deployments(), canary.namespace_, canary.targetRef.name);
  const auto interval = analysis::analysisInterval(canary.analysis);
  if (!target) {
    std::string message = canary.targetRef.name + "." + canary.namespace_ + " not found";
    deps_.events->record(manifest, kube::EventType::kWarning, kSyncedReason, message);
    return ReconcileResult{interval, canary.status.phase};
  }
  auto routerOr = router::makeRouter(canary.effectiveProvider(), deps_.client, routes_);
  if (!routerOr.ok()) return rejectInvalid(manifest, "InvalidSpec", std::string(routerOr.status().message()));
  router::Router& router = **routerOr;

  WorkloadSync workloads(*deps_.client, *deps_.store, canary);
  if (api::isInitialising(canary.status.phase)) {
    // The route is checked before the first workload write: an unusable route (a referenced one
    // without the apex backend, one owned by someone else) must leave the workloads as they are.
    Status usable = router.checkRoutes(canary, analysis::routeStateFor(canary, 0, api::Phase::kInitialized));
    if (auto why = router::rejectionOf(usable)) {
      return rejectInvalid(manifest, router::reasonOf(*why), std::string(usable.message()));
    }
    if (kube::isNotFound(usable)) {  // a referenced route not created yet: wait for it
      deps_.events->record(manifest, kube::EventType::kWarning, kSyncedReason, std::string(usable.message()));
      return ReconcileResult{interval, canary.status.phase};
    }
    PENNANT_RETURN_IF_ERROR(usable);
    PENNANT_RETURN_IF_ERROR(workloads.ensurePrimary(*target).status());
  }
  PENNANT_RETURN_IF_ERROR(workloads.ensureServices(*target));

  analysis::Observations obs;
  static_cast<analysis::Observed&>(obs) = observe(canary, *target, router);
  // A pennant promote/abort request is acted on at once, not at the next analysis interval.
  const bool requested = analysis::anyPending(obs.requests, canary.status);
  if (auto wait = untilNextStep(key, canary, obs); wait.count() > 0 && !requested) {
    return ReconcileResult{wait, canary.status.phase};
  }
  StageRunner stages(canary, *deps_.store, *deps_.http, deps_.analysis);
  stages.run(analysis::plan(canary, canary.status, obs), obs);
  if (deps_.metrics) {
    for (const auto& [metric, value] : stages.measuredValues()) deps_.metrics->setMetricAnalysis(canary, metric, value);
  }
  // Failed checks and hooks become Events through step()'s RecordEvent actions (one each, with
  // Flagger's wording); recording them here as well showed every failure twice.

  analysis::Decision decision = analysis::step(canary, canary.status, obs);
  if (decision.holdReason.empty()) recordStep(key);
  if (!decision.holdReason.empty()) spdlog::info("canary {}: holding: {}", key, decision.holdReason);

  ActionExecutor executor(
      {canary, manifest, *deps_.client, router, workloads, stages, *deps_.events, deps_.metrics.get(), *deps_.clock});
  bool removeFinalizer = false;
  for (const auto& action : decision.actions) {
    spdlog::debug("canary {}: {}", key, analysis::describe(action));
    // The finaliser goes last, after the status write, so a crash in between is retried.
    if (std::holds_alternative<analysis::RemoveFinalizer>(action)) {
      removeFinalizer = true;
      continue;
    }
    Status done = executor.execute(action);
    if (done.ok()) continue;
    // Only what the router marks as a rejection stops the Canary; anything else (an API server
    // 422 from an admission webhook on the primary, a timeout) is returned and retried with
    // back-off by the work queue.
    if (auto why = router::rejectionOf(done)) {
      return rejectInvalid(manifest, router::reasonOf(*why), std::string(done.message()));
    }
    deps_.events->record(manifest, kube::EventType::kWarning, kSyncedReason,
                         analysis::describe(action) + " failed: " + std::string(done.message()));
    return annotate(done, "canary " + key + ": " + analysis::describe(action));
  }

  if (hasValidatedCondition(decision.status.conditions)) {
    decision.status.conditions = withoutInvalidCondition(decision.status.conditions);
    decision.statusChanged = true;
  }
  if (decision.statusChanged) PENNANT_RETURN_IF_ERROR(writeStatus(*deps_.client, manifest, decision.status));
  if (removeFinalizer) PENNANT_RETURN_IF_ERROR(executor.execute(analysis::RemoveFinalizer{}));
  if (deps_.metrics) {
    deps_.metrics->setStatus(canary, decision.status.phase);
    deps_.metrics->setWeight(canary, 100 - decision.status.canaryWeight, decision.status.canaryWeight);
  }
  return ReconcileResult{restingRequeue(decision, requested), decision.status.phase};
}

}  // namespace pennant::controller
