#include "workload/metadata.h"

namespace pennant::workload {
namespace {

constexpr std::string_view kToolkitMarker = "toolkit.fluxcd.io";

bool isToolkitKey(const std::string& key) { return key.find(kToolkitMarker) != std::string::npos; }

}  // namespace

const std::vector<std::string>& defaultSelectorLabels() {
  static const std::vector<std::string> labels = {"app", "name", "app.kubernetes.io/name"};
  return labels;
}

bool boolField(const Json& object, std::string_view key, bool fallback) {
  const Json* value = findPath(object, {key});
  return value != nullptr && value->is_boolean() ? value->get<bool>() : fallback;
}

Json ownerReference(const CanaryOwner& owner) {
  return Json{{"apiVersion", "flagger.app/v1beta1"},
              {"kind", "Canary"},
              {"name", owner.name},
              {"uid", owner.uid},
              {"controller", true},
              {"blockOwnerDeletion", true}};
}

bool isControlledByCanary(const Json& object, std::string_view canaryName) {
  const Json* refs = findPath(object, {"metadata", "ownerReferences"});
  if (refs == nullptr || !refs->is_array()) return false;
  for (const Json& ref : *refs) {
    if (!boolField(ref, "controller")) continue;
    return stringAt(ref, {"kind"}) == "Canary" && stringAt(ref, {"name"}) == canaryName;
  }
  return false;
}

Json withoutToolkitKeys(const Json& map) {
  Json out = Json::object();
  if (!map.is_object()) return out;
  for (const auto& [key, value] : map.items()) {
    if (!isToolkitKey(key)) out[key] = value;
  }
  return out;
}

Json withFluxDisabled(Json annotations) {
  if (!annotations.is_object()) annotations = Json::object();
  annotations["kustomize.toolkit.fluxcd.io/reconcile"] = "disabled";
  annotations["helm.toolkit.fluxcd.io/driftDetection"] = "disabled";
  return annotations;
}

Json includeByPrefix(const Json& map, const std::vector<std::string>& prefixes) {
  Json out = Json::object();
  if (!map.is_object()) return out;
  for (const auto& [key, value] : map.items()) {
    if (isToolkitKey(key)) continue;
    for (const std::string& prefix : prefixes) {
      if (prefix == "*" || (!prefix.empty() && key.starts_with(prefix))) {
        out[key] = value;
        break;
      }
    }
  }
  return out;
}

Json withSelectorLabel(const Json& labels, const std::string& label, const std::string& value) {
  Json out = withoutToolkitKeys(labels);
  out[label] = value;
  return out;
}

}  // namespace pennant::workload
