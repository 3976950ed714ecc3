#include "controller/workload_sync.h"

#include <random>

#include "kube/errors.h"
#include "kube/resource.h"
#include "router/kubernetes/hpa_mirror.h"
#include "router/kubernetes/services.h"
#include "workload/config_refs.h"
#include "workload/metadata.h"
#include "workload/primary_deployment.h"

namespace pennant::controller {
namespace {

using kube::resources::configMaps;
using kube::resources::deployments;
using kube::resources::hpas;
using kube::resources::secrets;
using kube::resources::services;

workload::CanaryOwner ownerOf(const api::Canary& canary) { return {canary.name, canary.uid}; }

std::map<std::string, std::string> toStringMap(const Json& labels) {
  std::map<std::string, std::string> out;
  if (!labels.is_object()) return out;
  for (const auto& [k, v] : labels.items()) {
    if (v.is_string()) out[k] = v.get<std::string>();
  }
  return out;
}

std::optional<int> intField(const Json& object, std::initializer_list<std::string_view> path) {
  const Json* value = findPath(object, path);
  if (!value || !value->is_number_integer()) return std::nullopt;
  return value->get<int>();
}

Status ignoreAlreadyExists(const Status& s) { return kube::isAlreadyExists(s) ? absl::OkStatus() : s; }

}  // namespace

std::string newPodId() {
  std::random_device device;
  std::mt19937_64 engine(device());
  std::uniform_int_distribution<uint64_t> dist;
  char buf[40];
  uint64_t a = dist(engine), b = dist(engine);
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-a%03x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(b >> 52) & 0xfff, static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

std::map<std::string, std::string> WorkloadSync::trackedConfigs(const Json& target) const {
  std::map<std::string, Json> objects;
  const Json* podSpec = findPath(target, {"spec", "template", "spec"});
  if (!podSpec) return {};
  for (const auto& ref : workload::referencedConfigs(*podSpec)) {
    const auto& r = ref.kind == workload::ConfigKind::kConfigMap ? configMaps() : secrets();
    if (auto object = store_.get(r, canary_.namespace_, ref.name)) objects[ref.trackingKey()] = *object;
  }
  return workload::trackedConfigs(objects);
}

Status WorkloadSync::ensureConfigCopies(const std::map<std::string, std::string>& tracked) {
  for (const auto& [key, checksum] : tracked) {
    const bool isMap = key.rfind("configmap/", 0) == 0;
    const auto kind = isMap ? workload::ConfigKind::kConfigMap : workload::ConfigKind::kSecret;
    const auto& r = isMap ? configMaps() : secrets();
    const std::string name = key.substr(key.find('/') + 1);
    auto source = store_.get(r, canary_.namespace_, name);
    if (!source) continue;
    Json copy = workload::primaryConfigCopy(kind, *source, {});
    copy["metadata"]["namespace"] = canary_.namespace_;
    copy["metadata"]["ownerReferences"] = Json::array({workload::ownerReference(ownerOf(canary_))});
    auto existing = client_.get(r, canary_.namespace_, name + "-primary");
    if (kube::isNotFound(existing.status())) {
      PENNANT_RETURN_IF_ERROR(ignoreAlreadyExists(client_.create(r, canary_.namespace_, copy).status()));
      continue;
    }
    if (!existing.ok()) return existing.status();
    Json updated = *existing;
    for (const char* field : {"data", "binaryData", "type"}) {
      if (copy.contains(field)) updated[field] = copy[field];
    }
    updated["metadata"]["labels"] = copy["metadata"].value("labels", Json::object());
    if (updated != *existing) PENNANT_RETURN_IF_ERROR(client_.update(r, canary_.namespace_, updated).status());
  }
  return absl::OkStatus();
}

StatusOr<bool> WorkloadSync::ensurePrimary(const Json& target) {
  const std::string primary = workload::primaryName(canary_.targetRef.name);
  if (store_.get(deployments(), canary_.namespace_, primary)) return false;
  auto tracked = trackedConfigs(target);
  PENNANT_RETURN_IF_ERROR(ensureConfigCopies(tracked));
  workload::PrimaryOptions options;
  options.owner = ownerOf(canary_);
  options.podId = newPodId();
  options.trackedConfigs = tracked;
  PENNANT_ASSIGN_OR_RETURN(Json desired, workload::buildPrimaryDeployment(target, options));
  desired["metadata"]["namespace"] = canary_.namespace_;
  auto created = client_.create(deployments(), canary_.namespace_, desired);
  if (kube::isAlreadyExists(created.status())) return false;  // the cache had not seen it yet
  if (!created.ok()) return annotate(created.status(), "create deployment " + primary);
  return true;
}

Status WorkloadSync::ensureServices(const Json& target) {
  PENNANT_ASSIGN_OR_RETURN(workload::SelectorLabel selector, workload::selectorLabel(target));
  router::kubernetes::ServiceSpec spec;
  spec.apex = canary_.apexName();
  spec.namespace_ = canary_.namespace_;
  spec.port = static_cast<int>(canary_.service.port);
  spec.portName = canary_.service.portName;
  spec.targetPort = canary_.service.targetPort;
  spec.appProtocol = canary_.service.appProtocol;
  spec.selectorLabel = selector.key;
  spec.selectorValue = selector.value;
  spec.apexMetadata.labels = toStringMap(canary_.service.apexLabels);
  spec.apexMetadata.annotations = toStringMap(canary_.service.apexAnnotations);
  spec.primaryMetadata.labels = toStringMap(canary_.service.primaryLabels);
  spec.primaryMetadata.annotations = toStringMap(canary_.service.primaryAnnotations);
  spec.canaryMetadata.labels = toStringMap(canary_.service.canaryLabels);
  spec.canaryMetadata.annotations = toStringMap(canary_.service.canaryAnnotations);
  spec.unmanagedLabels = canary_.service.unmanagedLabels;
  spec.unmanagedAnnotations = canary_.service.unmanagedAnnotations;
  spec.headless = canary_.service.headless;
  spec.trafficDistribution = canary_.service.trafficDistribution;
  spec.owner = ownerOf(canary_);
  using router::kubernetes::ServiceRole;
  for (ServiceRole role : {ServiceRole::kApex, ServiceRole::kPrimary, ServiceRole::kCanary}) {
    const std::string name = router::kubernetes::serviceName(spec, role);
    Json desired = router::kubernetes::desiredService(spec, role);
    auto existing = store_.get(services(), canary_.namespace_, name);
    if (!existing) {
      auto created = client_.create(services(), canary_.namespace_, desired);
      PENNANT_RETURN_IF_ERROR(annotate(ignoreAlreadyExists(created.status()), "create service " + name));
      continue;
    }
    if (auto update = router::kubernetes::serviceUpdate(*existing, desired, spec)) {
      Status updated = client_.update(services(), canary_.namespace_, *update).status();
      // A conflict means the cache was behind our own last write: the next reconcile compares again.
      if (kube::isConflict(updated)) continue;
      PENNANT_RETURN_IF_ERROR(annotate(updated, "update service " + name));
    }
  }
  return absl::OkStatus();
}

Status WorkloadSync::promote() {
  const std::string primaryName = workload::primaryName(canary_.targetRef.name);
  // Read both from the API server: the update is conditional on the primary's resourceVersion.
  PENNANT_ASSIGN_OR_RETURN(Json target, client_.get(deployments(), canary_.namespace_, canary_.targetRef.name));
  PENNANT_ASSIGN_OR_RETURN(Json primary, client_.get(deployments(), canary_.namespace_, primaryName));
  auto tracked = trackedConfigs(target);
  PENNANT_RETURN_IF_ERROR(ensureConfigCopies(tracked));
  workload::PrimaryOptions options;
  options.owner = ownerOf(canary_);
  options.podId = newPodId();
  options.trackedConfigs = tracked;
  PENNANT_ASSIGN_OR_RETURN(Json promoted, workload::promotePrimary(primary, target, hasAutoscaler(), options));
  return annotate(client_.update(deployments(), canary_.namespace_, promoted).status(),
                  "promote deployment " + primaryName);
}

Status WorkloadSync::scale(const std::string& deployment, int replicas) {
  auto patched = client_.patch(deployments(), canary_.namespace_, deployment, kube::PatchType::kMerge,
                               workload::replicasPatch(replicas));
  return annotate(patched.status(), "scale deployment " + deployment + " to " + std::to_string(replicas));
}

std::optional<int> WorkloadSync::replicasOf(const std::string& deployment) const {
  auto object = store_.get(deployments(), canary_.namespace_, deployment);
  if (!object) return std::nullopt;
  const Json* replicas = findPath(*object, {"spec", "replicas"});
  if (!replicas || !replicas->is_number_integer()) return std::nullopt;
  return replicas->get<int>();
}

Status WorkloadSync::scaleTargetFromZero() {
  std::optional<int> hpaMin;
  if (hasAutoscaler()) {
    const std::string hpaName = stringAt(canary_.autoscalerRef, {"name"});
    if (auto hpa = store_.get(kube::resources::hpas(), canary_.namespace_, hpaName)) {
      const Json* min = findPath(*hpa, {"spec", "minReplicas"});
      if (min && min->is_number_integer()) hpaMin = min->get<int>();
    }
  }
  int replicas = workload::scaleFromZeroReplicas(replicasOf(canary_.targetRef.name),
                                                 replicasOf(workload::primaryName(canary_.targetRef.name)),
                                                 hasAutoscaler(), hpaMin);
  return scale(canary_.targetRef.name, replicas);
}

Status WorkloadSync::revertTarget() {
  int replicas = replicasOf(workload::primaryName(canary_.targetRef.name)).value_or(1);
  return scale(canary_.targetRef.name, replicas > 0 ? replicas : 1);
}

Status WorkloadSync::revertApexService() {
  auto target = store_.get(deployments(), canary_.namespace_, canary_.targetRef.name);
  if (!target) return absl::NotFoundError("target deployment " + canary_.targetRef.name + " not found");
  PENNANT_ASSIGN_OR_RETURN(workload::SelectorLabel selector, workload::selectorLabel(*target));
  Json patch = {{"spec", {{"selector", {{selector.key, selector.value}}}}}};
  return client_.patch(services(), canary_.namespace_, canary_.apexName(), kube::PatchType::kMerge, patch).status();
}

Status WorkloadSync::reconcilePrimaryHpa(bool init) {
  const std::string hpaName = stringAt(canary_.autoscalerRef, {"name"});
  auto targetHpa = store_.get(hpas(), canary_.namespace_, hpaName);
  if (!targetHpa) {
    return absl::NotFoundError("HorizontalPodAutoscaler " + hpaName + "." + canary_.namespace_ + " not found");
  }
  router::kubernetes::HpaMirrorSpec spec;
  spec.primaryDeployment = workload::primaryName(canary_.targetRef.name);
  spec.primaryMinReplicas = intField(canary_.autoscalerRef, {"primaryScalerReplicas", "minReplicas"});
  spec.primaryMaxReplicas = intField(canary_.autoscalerRef, {"primaryScalerReplicas", "maxReplicas"});
  spec.owner = ownerOf(canary_);
  Json desired = router::kubernetes::desiredPrimaryHpa(*targetHpa, spec);
  const std::string primaryHpa = hpaName + "-primary";
  auto existing = store_.get(hpas(), canary_.namespace_, primaryHpa);
  if (!existing) {
    auto created = client_.create(hpas(), canary_.namespace_, desired);
    return annotate(ignoreAlreadyExists(created.status()), "create HorizontalPodAutoscaler " + primaryHpa);
  }
  if (init) return absl::OkStatus();
  Json current = *existing;
  Status updated = absl::OkStatus();
  // The HPA controller writes the status often, so the cached copy may be behind: on a conflict,
  // compare again with the object read from the API server (as Flagger's RetryOnConflict).
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto update = router::kubernetes::primaryHpaUpdate(current, desired);
    if (!update) return absl::OkStatus();
    updated = client_.update(hpas(), canary_.namespace_, *update).status();
    if (!kube::isConflict(updated)) break;
    PENNANT_ASSIGN_OR_RETURN(current, client_.get(hpas(), canary_.namespace_, primaryHpa));
  }
  return annotate(updated, "update HorizontalPodAutoscaler " + primaryHpa);
}

}  // namespace pennant::controller
