#pragma once
// Objects several kube tests build.
#include <string>

#include "common/json.h"
#include "kube/resource.h"

namespace pennant::kube::test_objects {

inline const Resource kConfigMaps{"", "v1", "configmaps", true};
inline const std::string kPodsPath = "/api/v1/namespaces/default/pods";

inline Json pod(const std::string& name, const std::string& rv) {
  return {{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", name}, {"resourceVersion", rv}}}};
}

}  // namespace pennant::kube::test_objects
