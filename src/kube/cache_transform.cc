#include "kube/cache_transform.h"

#include <utility>
#include <vector>

namespace pennant::kube {

void dropManagedFields(Json& object) {
  auto metadata = object.find("metadata");
  if (metadata != object.end() && metadata->is_object()) metadata->erase("managedFields");
}

void dropBookkeeping(Json& object) {
  dropManagedFields(object);
  auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return;
  auto annotations = metadata->find("annotations");
  if (annotations == metadata->end() || !annotations->is_object()) return;
  annotations->erase("kubectl.kubernetes.io/last-applied-configuration");
  if (annotations->empty()) metadata->erase(annotations);
}

CacheTransform chain(std::vector<CacheTransform> transforms) {
  return [transforms = std::move(transforms)](Json& object) {
    for (const auto& t : transforms) {
      if (t) t(object);
    }
  };
}

}  // namespace pennant::kube
