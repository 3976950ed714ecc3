#include "workload/primary_deployment.h"

#include <algorithm>
#include <functional>

#include "workload/config_refs.h"

namespace pennant::workload {
namespace {

constexpr std::string_view kPodIdAnnotation = "flagger-id";

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Flagger's appendPrimarySuffixToValuesIfNeeded: selector values equal to the target's name,
// under one of the selector label keys, get the "-primary" suffix.
void pointSelectorAtPrimary(Json& labelSelector, const std::string& targetName,
                            const std::vector<std::string>& selectorLabels) {
  if (!labelSelector.is_object()) return;
  if (labelSelector.contains("matchExpressions") && labelSelector["matchExpressions"].is_array()) {
    for (Json& expression : labelSelector["matchExpressions"]) {
      if (!contains(selectorLabels, stringAt(expression, {"key"}))) continue;
      if (!expression.contains("values") || !expression["values"].is_array()) continue;
      for (Json& value : expression["values"]) {
        if (value.is_string() && value.get<std::string>() == targetName) {
          value = targetName + "-primary";
          break;
        }
      }
    }
  }
  if (labelSelector.contains("matchLabels") && labelSelector["matchLabels"].is_object()) {
    for (auto& [key, value] : labelSelector["matchLabels"].items()) {
      if (contains(selectorLabels, key) && value.is_string() && value.get<std::string>() == targetName) {
        value = targetName + "-primary";
      }
    }
  }
}

void forEachArrayItem(Json& parent, const char* key, const std::function<void(Json&)>& fn) {
  if (!parent.is_object() || !parent.contains(key) || !parent[key].is_array()) return;
  for (Json& item : parent[key]) fn(item);
}

// Template annotations without Flux toolkit keys, with a fresh flagger-id (Flagger's makeAnnotations).
Json podAnnotations(const Json& target, const std::string& podId) {
  const Json* annotations = findPath(target, {"spec", "template", "metadata", "annotations"});
  Json out = withoutToolkitKeys(annotations == nullptr ? Json() : *annotations);
  out[std::string(kPodIdAnnotation)] = podId;
  return out;
}

Json podLabels(const Json& target, const SelectorLabel& selector) {
  const Json* labels = findPath(target, {"spec", "template", "metadata", "labels"});
  return withSelectorLabel(labels == nullptr ? Json() : *labels, selector.key, selector.value + "-primary");
}

Json metadataMap(const Json& object, const char* which) {
  const Json* map = findPath(object, {"metadata", which});
  return map == nullptr ? Json() : *map;
}

// Copies spec[key] from target to primary, or removes it from primary when the target has none
// (Flagger assigns the Go field, so an unset field becomes unset).
void copySpecField(Json& primarySpec, const Json& targetSpec, const char* key) {
  if (targetSpec.is_object() && targetSpec.contains(key)) {
    primarySpec[key] = targetSpec[key];
  } else {
    primarySpec.erase(key);
  }
}

}  // namespace

StatusOr<SelectorLabel> selectorLabel(const Json& deployment, const std::vector<std::string>& candidates) {
  const Json* matchLabels = findPath(deployment, {"spec", "selector", "matchLabels"});
  for (const std::string& key : candidates) {
    if (matchLabels == nullptr) break;
    const Json* value = findPath(*matchLabels, {key});
    if (value != nullptr && value->is_string()) return SelectorLabel{key, value->get<std::string>()};
  }
  std::string joined;
  for (const std::string& key : candidates) joined += (joined.empty() ? "" : ", ") + key;
  return absl::InvalidArgumentError("deployment " + stringAt(deployment, {"metadata", "name"}) + "." +
                                    stringAt(deployment, {"metadata", "namespace"}) +
                                    " spec.selector.matchLabels must contain one of [" + joined + "]");
}

std::string primaryName(const std::string& targetName) { return targetName + "-primary"; }

Json primaryPodSpec(const Json& target, const PrimaryOptions& options) {
  const Json* spec = findPath(target, {"spec", "template", "spec"});
  Json podSpec = applyPrimaryConfigs(spec == nullptr ? Json::object() : *spec, options.trackedConfigs);
  std::string targetName = stringAt(target, {"metadata", "name"});
  forEachArrayItem(podSpec, "topologySpreadConstraints", [&](Json& constraint) {
    if (constraint.contains("labelSelector")) {
      pointSelectorAtPrimary(constraint["labelSelector"], targetName, options.selectorLabels);
    }
  });
  if (podSpec.contains("affinity") && podSpec["affinity"].is_object() &&
      podSpec["affinity"].contains("podAntiAffinity")) {
    Json& antiAffinity = podSpec["affinity"]["podAntiAffinity"];
    forEachArrayItem(antiAffinity, "preferredDuringSchedulingIgnoredDuringExecution", [&](Json& term) {
      if (term.contains("podAffinityTerm") && term["podAffinityTerm"].contains("labelSelector")) {
        pointSelectorAtPrimary(term["podAffinityTerm"]["labelSelector"], targetName, options.selectorLabels);
      }
    });
    forEachArrayItem(antiAffinity, "requiredDuringSchedulingIgnoredDuringExecution", [&](Json& term) {
      if (term.contains("labelSelector"))
        pointSelectorAtPrimary(term["labelSelector"], targetName, options.selectorLabels);
    });
  }
  return podSpec;
}

StatusOr<Json> buildPrimaryDeployment(const Json& target, const PrimaryOptions& options) {
  PENNANT_ASSIGN_OR_RETURN(SelectorLabel selector, selectorLabel(target, options.selectorLabels));
  std::string targetName = stringAt(target, {"metadata", "name"});
  std::string primaryValue = selector.value + "-primary";
  const Json* targetSpec = findPath(target, {"spec"});
  Json spec = Json::object();
  const Json* replicas = findPath(target, {"spec", "replicas"});
  spec["replicas"] = replicas != nullptr && replicas->is_number_integer() && replicas->get<int64_t>() > 0
                         ? replicas->get<int64_t>()
                         : int64_t{1};
  for (const char* key : {"progressDeadlineSeconds", "minReadySeconds", "revisionHistoryLimit", "strategy"}) {
    if (targetSpec != nullptr && targetSpec->is_object() && targetSpec->contains(key)) spec[key] = (*targetSpec)[key];
  }
  spec["selector"] = {{"matchLabels", {{selector.key, primaryValue}}}};
  spec["template"] = {
      {"metadata", {{"labels", podLabels(target, selector)}, {"annotations", podAnnotations(target, options.podId)}}},
      {"spec", primaryPodSpec(target, options)}};
  return Json{
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata",
       {{"name", primaryName(targetName)},
        {"namespace", stringAt(target, {"metadata", "namespace"})},
        {"labels", withSelectorLabel(includeByPrefix(metadataMap(target, "labels"), options.includeLabelPrefixes),
                                     selector.key, primaryValue)},
        {"annotations", withoutToolkitKeys(metadataMap(target, "annotations"))},
        {"ownerReferences", Json::array({ownerReference(options.owner)})}}},
      {"spec", spec}};
}

StatusOr<Json> promotePrimary(const Json& primary, const Json& target, bool hasAutoscaler,
                              const PrimaryOptions& options) {
  PENNANT_ASSIGN_OR_RETURN(SelectorLabel selector, selectorLabel(target, options.selectorLabels));
  if (!primary.is_object()) return absl::InvalidArgumentError("primary deployment is not an object");
  const Json* targetSpecPtr = findPath(target, {"spec"});
  const Json targetSpec = targetSpecPtr == nullptr ? Json::object() : *targetSpecPtr;
  Json out = primary;
  Json& spec = out["spec"];
  if (!spec.is_object()) spec = Json::object();
  for (const char* key : {"progressDeadlineSeconds", "minReadySeconds", "revisionHistoryLimit", "strategy"}) {
    copySpecField(spec, targetSpec, key);
  }
  if (!hasAutoscaler) copySpecField(spec, targetSpec, "replicas");
  Json& templ = spec["template"];
  if (!templ.is_object()) templ = Json::object();
  templ["spec"] = primaryPodSpec(target, options);
  templ["metadata"]["annotations"] = podAnnotations(target, options.podId);
  templ["metadata"]["labels"] = podLabels(target, selector);
  // Promote filters both maps by prefix (creation keeps every annotation); kept as Flagger does.
  out["metadata"]["annotations"] = includeByPrefix(metadataMap(target, "annotations"), options.includeLabelPrefixes);
  out["metadata"]["labels"] =
      withSelectorLabel(includeByPrefix(metadataMap(target, "labels"), options.includeLabelPrefixes), selector.key,
                        selector.value + "-primary");
  return out;
}

Json replicasPatch(int replicas) { return Json{{"spec", {{"replicas", replicas}}}}; }

int scaleFromZeroReplicas(std::optional<int> targetReplicas, std::optional<int> primaryReplicas, bool hasAutoscaler,
                          std::optional<int> autoscalerMinReplicas) {
  if (targetReplicas && *targetReplicas > 0) return *targetReplicas;
  if (!hasAutoscaler) return primaryReplicas && *primaryReplicas > 0 ? *primaryReplicas : 1;
  return autoscalerMinReplicas && *autoscalerMinReplicas > 1 ? *autoscalerMinReplicas : 1;
}

}  // namespace pennant::workload
