#pragma once
// Small JSON helpers for route documents.
#include "common/json.h"

namespace pennant::router::gatewayapi {

// Removes nulls and empty arrays/objects recursively (Go's omitempty and cmpopts.EquateEmpty).
void pruneEmpty(Json& value);

// Sets `key` to `value` when absent or null.
void setDefault(Json& object, const char* key, const Json& value);

// Applies `fn` to every element of object[key] when it is an array of objects.
template <typename Fn>
void forEachIn(Json& object, const char* key, Fn&& fn) {
  if (!object.is_object()) return;
  auto it = object.find(key);
  if (it == object.end() || !it->is_array()) return;
  for (auto& item : *it) {
    if (item.is_object()) fn(item);
  }
}

}  // namespace pennant::router::gatewayapi
