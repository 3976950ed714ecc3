#include "router/gatewayapi/kind_common.h"

#include <absl/strings/match.h>

#include "api/canary.h"
#include "router/gatewayapi/route_json.h"

namespace pennant::router::gatewayapi {
namespace {

void defaultBackendObject(Json& ref) {
  setDefault(ref, "group", "");
  setDefault(ref, "kind", "Service");
}

void defaultFilters(Json& owner) {
  forEachIn(owner, "filters", [](Json& filter) {
    if (Json* mirror = filter.contains("requestMirror") ? &filter["requestMirror"] : nullptr;
        mirror && mirror->is_object()) {
      if (mirror->contains("backendRef")) defaultBackendObject((*mirror)["backendRef"]);
      if (mirror->contains("fraction")) setDefault((*mirror)["fraction"], "denominator", 100);
    }
  });
}

}  // namespace

void applyCommonDefaults(Json& spec) {
  forEachIn(spec, "parentRefs", [](Json& ref) {
    setDefault(ref, "group", api::kGatewayGroup);
    setDefault(ref, "kind", "Gateway");
  });
  forEachIn(spec, "rules", [](Json& rule) {
    defaultFilters(rule);
    forEachIn(rule, "backendRefs", [](Json& ref) {
      defaultBackendObject(ref);
      setDefault(ref, "weight", 1);
      defaultFilters(ref);
    });
    forEachIn(rule, "matches",
              [](Json& match) { forEachIn(match, "headers", [](Json& h) { setDefault(h, "type", "Exact"); }); });
  });
}

Json mergeByName(const Json* base, const Json& extra, bool caseInsensitive) {
  Json out = Json::array();
  auto sameName = [&](const Json& a, const Json& b) {
    std::string x = stringAt(a, {"name"});
    std::string y = stringAt(b, {"name"});
    return caseInsensitive ? absl::EqualsIgnoreCase(x, y) : x == y;
  };
  if (base != nullptr && base->is_array()) {
    for (const auto& item : *base) {
      bool replaced = false;
      for (const auto& e : extra) replaced = replaced || sameName(item, e);
      if (!replaced) out.push_back(item);
    }
  }
  for (const auto& e : extra) out.push_back(e);
  return out;
}

}  // namespace pennant::router::gatewayapi
