#pragma once
// The cluster writes for the Canary's workloads and Services: the primary Deployment and its
// ConfigMap/Secret copies, the apex/primary/canary Services, scaling and promotion. The objects
// themselves are built by the pure builders of workload/ and router/kubernetes/; this file reads
// what exists (cache for decisions, API server right before a conditional write) and writes.
#include <map>
#include <optional>
#include <string>

#include "api/canary.h"
#include "common/json.h"
#include "common/status.h"
#include "controller/object_store.h"
#include "kube/client.h"

namespace pennant::controller {

class WorkloadSync {
 public:
  WorkloadSync(kube::Client& client, const ObjectStore& store, const api::Canary& canary)
      : client_(client), store_(store), canary_(canary) {}

  // status.trackedConfigs for the target's pod spec: tracking key -> checksum of the ConfigMaps
  // and Secrets it references that exist and take part in tracking.
  std::map<std::string, std::string> trackedConfigs(const Json& target) const;

  // Creates `<target>-primary` (after its `-primary` config copies) when it does not exist.
  // Returns true when it created it.
  StatusOr<bool> ensurePrimary(const Json& target);
  // Creates or updates the `<apex>`, `<apex>-primary` and `<apex>-canary` Services.
  Status ensureServices(const Json& target);

  // Copies the target's template (and configs) to the primary.
  Status promote();
  // Sets spec.replicas of a Deployment of the Canary's namespace.
  Status scale(const std::string& deployment, int replicas);
  // Flagger's ScaleFromZero for the target.
  Status scaleTargetFromZero();
  // revertOnDeletion: the target gets the primary's replicas back.
  Status revertTarget();
  // revertOnDeletion: the apex Service selects the target's pods again.
  Status revertApexService();
  // autoscalerRef: creates `<hpa>-primary` (scaling `<target>-primary`) from the target's HPA;
  // outside initialisation (`init` false) also brings an existing one up to date, as Flagger does.
  Status reconcilePrimaryHpa(bool init);

 private:
  Status ensureConfigCopies(const std::map<std::string, std::string>& tracked);
  std::optional<int> replicasOf(const std::string& deployment) const;
  bool hasAutoscaler() const { return !canary_.autoscalerRef.is_null(); }

  kube::Client& client_;
  const ObjectStore& store_;
  const api::Canary& canary_;
};

// A fresh random identifier for the primary's `flagger-id` pod annotation (forces a rollout).
std::string newPodId();

}  // namespace pennant::controller
