#pragma once
// The primary's HorizontalPodAutoscaler (autoscaling/v2), mirrored from the Canary's
// autoscalerRef HPA as Flagger's HPAReconciler does: `<hpa>-primary`, scaling `<target>-primary`,
// with the target HPA's metrics, behavior and replica bounds (overridable by
// autoscalerRef.primaryScalerReplicas).
#include <optional>
#include <string>

#include "common/json.h"
#include "workload/metadata.h"

namespace pennant::router::kubernetes {

struct HpaMirrorSpec {
  std::string primaryDeployment;          // "<target>-primary"
  std::optional<int> primaryMinReplicas;  // autoscalerRef.primaryScalerReplicas.minReplicas
  std::optional<int> primaryMaxReplicas;  // autoscalerRef.primaryScalerReplicas.maxReplicas
  workload::CanaryOwner owner;
};

// The HPA to create for the primary, from the target's HPA (as read from the cluster).
Json desiredPrimaryHpa(const Json& targetHpa, const HpaMirrorSpec& spec);

// The update for an existing primary HPA, or nullopt when its metrics, behavior, replica bounds
// and labels already match. Only those fields change; the rest of `existing` is preserved.
// Flagger does not update during initialisation; the caller decides when to apply it.
std::optional<Json> primaryHpaUpdate(const Json& existing, const Json& desired);

}  // namespace pennant::router::kubernetes
