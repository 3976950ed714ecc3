#include "controller/action_executor.h"

#include <algorithm>

#include "analysis/step.h"
#include "common/log.h"
#include "kube/resource.h"
#include "workload/primary_deployment.h"

namespace pennant::controller {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace

Status ActionExecutor::execute(const analysis::Action& action) {
  return std::visit(
      Overloaded{
          [&](const analysis::SetRoute& a) -> Status {
            auto written = ctx_.router.setRoutes(ctx_.canary, a.state);
            if (written.ok() && ctx_.metrics)
              ctx_.metrics->setWeight(ctx_.canary, 100 - a.state.canaryWeight, a.state.canaryWeight);
            return written.status();
          },
          [&](const analysis::ScaleCanaryFromZero&) { return ctx_.workloads.scaleTargetFromZero(); },
          [&](const analysis::ScaleCanaryToZero&) { return ctx_.workloads.scale(ctx_.canary.targetRef.name, 0); },
          [&](const analysis::PromotePrimary&) { return ctx_.workloads.promote(); },
          [&](const analysis::Autoscaler& a) -> Status {
            // An HPA needs no pausing: it leaves a Deployment at zero replicas alone (Flagger's
            // HPAReconciler does nothing either); only the primary's mirror is written.
            if (a.op != analysis::ScalerOp::kReconcilePrimary) return absl::OkStatus();
            return ctx_.workloads.reconcilePrimaryHpa(api::isInitialising(ctx_.canary.status.phase));
          },
          [&](const analysis::RunWebhooks& a) -> Status {
            for (const auto& r : ctx_.stages.runHooks(a.type, a.phase)) {
              if (!r.passed) ctx_.events.record(ctx_.manifest, kube::EventType::kWarning, kSyncedReason, r.message);
            }
            return absl::OkStatus();
          },
          [&](const analysis::RecordEvent& a) -> Status {
            ctx_.events.record(ctx_.manifest, a.type, kSyncedReason, a.message);
            auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(ctx_.clock.now().time_since_epoch());
            ctx_.stages.sendEventHooks(a, millis.count());
            return absl::OkStatus();
          },
          [&](const analysis::SendAlert& a) -> Status {
            Status s = ctx_.stages.sendAlert(a);
            if (!s.ok())
              spdlog::warn("canary {}/{}: {}", ctx_.canary.namespace_, ctx_.canary.name, std::string(s.message()));
            return absl::OkStatus();
          },
          [&](const analysis::RecordOutcome& a) -> Status {
            if (ctx_.metrics) ctx_.metrics->recordOutcome(ctx_.canary, a.success, a.analysisStatus);
            return absl::OkStatus();
          },
          [&](const analysis::RevertTarget&) { return ctx_.workloads.revertTarget(); },
          [&](const analysis::RevertRouting&) -> Status {
            PENNANT_RETURN_IF_ERROR(ctx_.workloads.revertApexService());
            return ctx_.router.finalize(ctx_.canary);
          },
          [&](const analysis::AddFinalizer&) { return setFinalizer(true); },
          [&](const analysis::RemoveFinalizer&) { return setFinalizer(false); },
      },
      action);
}

Status ActionExecutor::setFinalizer(bool present) {
  const auto& r = kube::resources::canaries();
  for (int attempt = 0; attempt < 5; ++attempt) {
    PENNANT_ASSIGN_OR_RETURN(Json object, ctx_.client.get(r, ctx_.canary.namespace_, ctx_.canary.name));
    Json finalizers = Json::array();
    bool had = false;
    if (const Json* f = findPath(object, {"metadata", "finalizers"}); f && f->is_array()) {
      for (const auto& item : *f) {
        if (item.is_string() && item.get<std::string>() == analysis::kFinalizer) {
          had = true;
          continue;
        }
        finalizers.push_back(item);
      }
    }
    if (had == present) return absl::OkStatus();
    if (present) finalizers.push_back(analysis::kFinalizer);
    object["metadata"]["finalizers"] = finalizers;
    auto updated = ctx_.client.update(r, ctx_.canary.namespace_, object);
    if (updated.ok() || updated.status().code() != absl::StatusCode::kAborted) return updated.status();
  }
  return absl::AbortedError("canary finalizer: too many conflicts");
}

}  // namespace pennant::controller
