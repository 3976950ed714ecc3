#include "router/gatewayapi/route_json.h"

namespace pennant::router::gatewayapi {

void pruneEmpty(Json& value) {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end();) {
      pruneEmpty(*it);
      if (it->is_null() || ((it->is_array() || it->is_object()) && it->empty()))
        it = value.erase(it);
      else
        ++it;
    }
  } else if (value.is_array()) {
    for (auto& item : value) pruneEmpty(item);
  }
}

void setDefault(Json& object, const char* key, const Json& value) {
  if (!object.is_object()) return;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) object[key] = value;
}

}  // namespace pennant::router::gatewayapi
