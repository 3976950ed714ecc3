#include "router/kubernetes/hpa_mirror.h"

namespace pennant::router::kubernetes {
namespace {

Json fieldOr(const Json& object, std::initializer_list<std::string_view> path, Json fallback) {
  const Json* value = findPath(object, path);
  return value == nullptr ? std::move(fallback) : *value;
}

// An absent minReplicas means 1 (the API default), as Flagger compares it.
Json minReplicasOf(const Json& hpa) {
  const Json* value = findPath(hpa, {"spec", "minReplicas"});
  return value != nullptr && value->is_number_integer() ? *value : Json(1);
}

}  // namespace

Json desiredPrimaryHpa(const Json& targetHpa, const HpaMirrorSpec& spec) {
  Json hpaSpec = {{"scaleTargetRef",
                   {{"apiVersion", stringAt(targetHpa, {"spec", "scaleTargetRef", "apiVersion"})},
                    {"kind", stringAt(targetHpa, {"spec", "scaleTargetRef", "kind"})},
                    {"name", spec.primaryDeployment}}}};
  for (const char* key : {"minReplicas", "maxReplicas", "metrics", "behavior"}) {
    if (const Json* value = findPath(targetHpa, {"spec", key})) hpaSpec[key] = *value;
  }
  if (spec.primaryMinReplicas) hpaSpec["minReplicas"] = *spec.primaryMinReplicas;
  if (spec.primaryMaxReplicas) hpaSpec["maxReplicas"] = *spec.primaryMaxReplicas;
  return Json{{"apiVersion", "autoscaling/v2"},
              {"kind", "HorizontalPodAutoscaler"},
              {"metadata",
               {{"name", stringAt(targetHpa, {"metadata", "name"}) + "-primary"},
                {"namespace", stringAt(targetHpa, {"metadata", "namespace"})},
                {"labels", workload::withoutToolkitKeys(fieldOr(targetHpa, {"metadata", "labels"}, Json::object()))},
                {"ownerReferences", Json::array({workload::ownerReference(spec.owner)})}}},
              {"spec", hpaSpec}};
}

std::optional<Json> primaryHpaUpdate(const Json& existing, const Json& desired) {
  Json updated = existing;
  bool changed = false;
  for (const char* key : {"metrics", "behavior", "maxReplicas"}) {
    Json want = fieldOr(desired, {"spec", key}, nullptr);
    if (fieldOr(existing, {"spec", key}, nullptr) == want) continue;
    if (want.is_null()) {
      updated["spec"].erase(key);
    } else {
      updated["spec"][key] = want;
    }
    changed = true;
  }
  if (minReplicasOf(existing) != minReplicasOf(desired)) {
    updated["spec"]["minReplicas"] = minReplicasOf(desired);
    changed = true;
  }
  // Flagger means to copy the target's labels here but its update never lands (the metadata is
  // passed by value), so it rewrites the HPA every tick; Pennant copies them once.
  Json labels = fieldOr(desired, {"metadata", "labels"}, Json::object());
  if (fieldOr(existing, {"metadata", "labels"}, Json::object()) != labels) {
    updated["metadata"]["labels"] = labels;
    changed = true;
  }
  if (!changed) return std::nullopt;
  return updated;
}

}  // namespace pennant::router::kubernetes
