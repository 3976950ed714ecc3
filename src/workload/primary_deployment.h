#pragma once
// The primary Deployment `<target>-primary`, built from the target Deployment the way Flagger's
// DeploymentController does it, and the promotion that copies the target onto it. Pure JSON
// transforms; the caller reads and writes the cluster.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "workload/metadata.h"

namespace pennant::workload {

// How the pod selector of the target is found: the first of `candidates` present in
// spec.selector.matchLabels.
struct SelectorLabel {
  std::string key;    // e.g. "app"
  std::string value;  // e.g. "podinfo"; the primary pods get "<value>-primary"
  bool operator==(const SelectorLabel&) const = default;
};

// kInvalidArgument naming the candidates when the selector carries none of them.
StatusOr<SelectorLabel> selectorLabel(const Json& deployment,
                                      const std::vector<std::string>& candidates = defaultSelectorLabels());

struct PrimaryOptions {
  CanaryOwner owner;
  // Deployment labels copied to the primary (Flagger's -include-label-prefix; default none).
  std::vector<std::string> includeLabelPrefixes;
  std::vector<std::string> selectorLabels = defaultSelectorLabels();
  // Value of the pod-template annotation `flagger-id`: a fresh UUID per build/promotion forces a
  // rolling update of the primary. Injected so the transform stays pure.
  std::string podId;
  // status.trackedConfigs keys ("configmap/x", "secret/y"): references to them become "-primary".
  std::map<std::string, std::string> trackedConfigs;
};

// "<target>-primary"
std::string primaryName(const std::string& targetName);

// The primary Deployment to create: metadata (name, namespace, labels filtered by prefix with the
// selector label rewritten, annotations without Flux toolkit keys, ownerReference to the Canary),
// spec (replicas = target replicas or 1, progressDeadlineSeconds, minReadySeconds,
// revisionHistoryLimit, strategy, selector {<label>: <value>-primary}) and the pod template.
StatusOr<Json> buildPrimaryDeployment(const Json& target, const PrimaryOptions& options);

// The primary after promotion: the existing primary with the target's template, replicas (only
// when `hasAutoscaler` is false), strategy and timing fields, and metadata as Flagger's Promote
// writes them. resourceVersion, uid, selector and status of `primary` are kept.
StatusOr<Json> promotePrimary(const Json& primary, const Json& target, bool hasAutoscaler,
                              const PrimaryOptions& options);

// The pod template spec for the primary: tracked ConfigMap/Secret references renamed, and
// topologySpreadConstraints / podAntiAffinity selectors that name the target (by Deployment name,
// under a selector label key) pointed at "<target>-primary".
Json primaryPodSpec(const Json& target, const PrimaryOptions& options);

// Merge patch that sets spec.replicas (scale to zero, scale up).
Json replicasPatch(int replicas);

// Replicas for the target when a new revision is detected (Flagger's ScaleFromZero): the target's
// own spec.replicas when > 0; else, without autoscaler, the primary's replicas when > 0; else, with
// an HPA, its minReplicas when > 1; else 1.
int scaleFromZeroReplicas(std::optional<int> targetReplicas, std::optional<int> primaryReplicas, bool hasAutoscaler,
                          std::optional<int> autoscalerMinReplicas);

}  // namespace pennant::workload
