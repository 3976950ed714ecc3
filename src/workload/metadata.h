#pragma once
// Metadata rules shared by every object Pennant generates for a Canary (primary Deployment,
// ConfigMap/Secret copies, Services, HPA), following Flagger so migrated objects compare equal.
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"

namespace pennant::workload {

// Label keys searched, in order, in the target's spec.selector.matchLabels (Flagger's
// -selector-labels default).
const std::vector<std::string>& defaultSelectorLabels();

// Boolean field of an object, or `fallback` when missing or not a boolean (never throws).
bool boolField(const Json& object, std::string_view key, bool fallback = false);

// The Canary that owns a generated object.
struct CanaryOwner {
  std::string name;
  std::string uid;
};

// A controller ownerReference to the Canary (controller and blockOwnerDeletion true), as
// metav1.NewControllerRef writes it.
Json ownerReference(const CanaryOwner& owner);

// Whether `object`'s controller ownerReference is the Canary named `canaryName`.
bool isControlledByCanary(const Json& object, std::string_view canaryName);

// A string map without keys containing "toolkit.fluxcd.io" (Flux's markers must not be copied,
// or Flux would adopt the generated objects). Null or non-object input gives {}.
Json withoutToolkitKeys(const Json& map);

// `annotations` with Flux's reconcile and Helm drift detection turned off (Flagger's router
// filterMetadata): Flux must not revert what the controller writes on a Service it took over.
Json withFluxDisabled(Json annotations);

// Only the keys that start with one of `prefixes` ("*" = every key; "" matches nothing), toolkit
// keys never. Flagger's -include-label-prefix filter.
Json includeByPrefix(const Json& map, const std::vector<std::string>& prefixes);

// `labels` without toolkit keys and with `label` set to `value` (Flagger's makePrimaryLabels).
Json withSelectorLabel(const Json& labels, const std::string& label, const std::string& value);

}  // namespace pennant::workload
