#pragma once
// Actions the state machine asks the reconcile shell to perform, as values. The shell executes
// them in order, then writes the returned status once (see docs/analysis.md for the one
// exception, RemoveFinalizer).
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "analysis/hooks.h"
#include "api/phase.h"
#include "kube/event_type.h"
#include "router/router.h"

namespace pennant::analysis {

using api::Phase;

// Write the route (router::Router::setRoutes).
struct SetRoute {
  router::RouteState state;
  bool operator==(const SetRoute&) const = default;
};

// Scale the target (canary) Deployment up for a new revision. Flagger's ScaleFromZero: the
// target's replicas when > 0, else the primary's (no autoscaler), else the autoscaler's
// minReplicas when > 1, else 1.
struct ScaleCanaryFromZero {
  bool operator==(const ScaleCanaryFromZero&) const = default;
};

// Scale the target (canary) Deployment to zero replicas.
struct ScaleCanaryToZero {
  bool operator==(const ScaleCanaryToZero&) const = default;
};

// Copy the target's pod template (and tracked ConfigMaps/Secrets) to `<target>-primary`.
struct PromotePrimary {
  bool operator==(const PromotePrimary&) const = default;
};

// autoscalerRef handling, emitted only when the Canary has an autoscalerRef.
enum class ScalerOp { kReconcilePrimary, kPauseTarget, kResumeTarget };
struct Autoscaler {
  ScalerOp op = ScalerOp::kReconcilePrimary;
  bool operator==(const Autoscaler&) const = default;
};

// Fire-and-forget webhooks (post-rollout): their result does not change the decision.
struct RunWebhooks {
  HookType type = HookType::kPostRollout;
  Phase phase = Phase::kNone;  // the phase sent in the payload
  bool operator==(const RunWebhooks&) const = default;
};

// A Kubernetes Event on the Canary (reason "Synced", as Flagger). The shell also sends it to the
// `event` webhooks (or the controller's event webhook), with `phase` in the payload.
struct RecordEvent {
  kube::EventType type = kube::EventType::kNormal;
  std::string message;
  Phase phase = Phase::kNone;
  bool operator==(const RecordEvent&) const = default;
};

enum class AlertSeverity { kInfo, kWarn, kError };

// An alert through analysis.alerts (filtered by severity) or the controller's notifier.
struct SendAlert {
  AlertSeverity severity = AlertSeverity::kInfo;
  std::string message;
  bool withMetadata = false;  // include the Canary's metadata fields (Flagger's alertMetadata)
  bool operator==(const SendAlert&) const = default;
};

// flagger_canary_successes_total / flagger_canary_failures_total.
struct RecordOutcome {
  bool success = true;
  std::string analysisStatus = "completed";  // "completed" | "skipped"
  bool operator==(const RecordOutcome&) const = default;
};

// revertOnDeletion: give the target back its replicas (the primary's), resume its autoscaler.
struct RevertTarget {
  bool operator==(const RevertTarget&) const = default;
};
// revertOnDeletion: point the apex Service back at the target, then router::Router::finalize.
struct RevertRouting {
  bool operator==(const RevertRouting&) const = default;
};
struct AddFinalizer {
  bool operator==(const AddFinalizer&) const = default;
};
struct RemoveFinalizer {
  bool operator==(const RemoveFinalizer&) const = default;
};

using Action =
    std::variant<SetRoute, ScaleCanaryFromZero, ScaleCanaryToZero, PromotePrimary, Autoscaler, RunWebhooks, RecordEvent,
                 SendAlert, RecordOutcome, RevertTarget, RevertRouting, AddFinalizer, RemoveFinalizer>;

// A one-line description ("SetRoute(weight=10)", "RunWebhooks(post-rollout, phase=Failed)"), for logs and test output.
std::string describe(const Action& action);

}  // namespace pennant::analysis
