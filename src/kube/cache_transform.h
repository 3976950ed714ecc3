#pragma once
// What an informer keeps of each object it caches (client-go's SharedInformer.SetTransform): the
// cache is most of a controller's memory, and much of a stored object is bookkeeping no
// controller decision reads. A transform runs once per object as it enters the cache.
#include <functional>
#include <vector>

#include "common/json.h"

namespace pennant::kube {

using CacheTransform = std::function<void(Json& object)>;

// metadata.managedFields: server-side-apply bookkeeping, often larger than the object itself.
void dropManagedFields(Json& object);

// managedFields and the kubectl.kubernetes.io/last-applied-configuration annotation (a second copy
// of the object as last applied). Only for kinds the controller never writes back from its cache
// (an update built from the cached copy would delete the annotation on the server).
void dropBookkeeping(Json& object);

// Several transforms in order.
CacheTransform chain(std::vector<CacheTransform> transforms);

}  // namespace pennant::kube
