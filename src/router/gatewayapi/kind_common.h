#pragma once
// Helpers both route kinds use: defaults the API server fills in on every route, and merging of
// name-keyed match lists.
#include "common/json.h"

namespace pennant::router::gatewayapi {

// parentRefs group/kind, backendRefs group/kind/weight, mirror backendRef group/kind, header
// match type, mirror fraction denominator.
void applyCommonDefaults(Json& spec);

// `base` with every entry of `extra` added; an entry of `base` with the same name is replaced
// (header names compare case-insensitively: the API server rejects two of the same name).
Json mergeByName(const Json* base, const Json& extra, bool caseInsensitive);

}  // namespace pennant::router::gatewayapi
