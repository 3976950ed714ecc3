#include "router/gatewayapi/http_route.h"

#include <algorithm>
#include <array>

#include "router/gatewayapi/flagger_compat.h"
#include "router/gatewayapi/kind_common.h"
#include "router/gatewayapi/route_json.h"

namespace pennant::router::gatewayapi {
namespace {

Json defaultPathMatch() { return {{"path", {{"type", "PathPrefix"}, {"value", "/"}}}}; }

void checkNamedList(const Json& match, const char* key, const std::string& path, api::Problems& out) {
  const Json* list = findPath(match, {key});
  if (list == nullptr) return;
  if (!list->is_array()) {
    out.push_back({path + "." + key, "must be a list"});
    return;
  }
  if (list->size() > 16) {
    out.push_back(
        {path + "." + key, "has " + std::to_string(list->size()) + " entries; Gateway API allows at most 16"});
  }
  for (size_t i = 0; i < list->size(); ++i) {
    const Json& item = (*list)[i];
    std::string ip = path + "." + key + "[" + std::to_string(i) + "]";
    if (stringAt(item, {"name"}).empty()) out.push_back({ip + ".name", "is required"});
    std::string type = stringAt(item, {"type"}, "Exact");
    if (type != "Exact" && type != "RegularExpression")
      out.push_back({ip + ".type", "must be Exact or RegularExpression"});
  }
}

}  // namespace

std::string HttpRouteKind::apiVersion(const api::Canary& canary) const {
  bool beta = canary.effectiveProvider() == api::kProviderGatewayV1Beta1;
  return std::string(api::kGatewayGroup) + (beta ? "/v1beta1" : "/v1");
}

StatusOr<Json> HttpRouteKind::baseRules(const api::Canary& canary) const {
  if (!canary.service.routeRules.is_null()) return canary.service.routeRules;
  return Json::array({flaggerHttpRule(canary)});
}

Json HttpRouteKind::analysisMatch(const Json& entry) const {
  Json match = Json::object();
  for (const char* key : {"headers", "queryParams"}) {
    const Json* conds = findPath(entry, {key});
    if (conds == nullptr || !conds->is_object()) continue;
    Json list = Json::array();
    for (const auto& [name, cond] : conds->items()) list.push_back(headerCondition(name, cond));
    if (!list.empty()) match[key] = std::move(list);
  }
  return match;
}

std::optional<Json> HttpRouteKind::mergeMatch(const Json& ruleMatch, const Json& analysis) const {
  Json out = ruleMatch;
  if (const Json* headers = findPath(analysis, {"headers"})) {
    out["headers"] = mergeByName(findPath(ruleMatch, {"headers"}), *headers, /*caseInsensitive=*/true);
  }
  if (const Json* params = findPath(analysis, {"queryParams"})) {
    out["queryParams"] = mergeByName(findPath(ruleMatch, {"queryParams"}), *params, /*caseInsensitive=*/false);
  }
  return out;
}

void HttpRouteKind::applyDefaults(Json& spec) const {
  applyCommonDefaults(spec);
  if (!spec.contains("rules")) spec["rules"] = Json::array({{{"matches", Json::array({defaultPathMatch()})}}});
  forEachIn(spec, "rules", [](Json& rule) {
    if (!rule.contains("matches")) rule["matches"] = Json::array({defaultPathMatch()});
    forEachIn(rule, "matches", [](Json& match) {
      if (!match.contains("path")) match["path"] = defaultPathMatch()["path"];
      setDefault(match["path"], "type", "PathPrefix");
      setDefault(match["path"], "value", "/");
      forEachIn(match, "queryParams", [](Json& q) { setDefault(q, "type", "Exact"); });
    });
  });
}

void HttpRouteKind::validateMatch(const Json& match, const std::string& path, api::Problems& out) const {
  if (!match.is_object()) {
    out.push_back({path, "must be an object"});
    return;
  }
  if (const Json* p = findPath(match, {"path"})) {
    std::string type = stringAt(*p, {"type"}, "PathPrefix");
    std::string value = stringAt(*p, {"value"}, "/");
    if (type != "Exact" && type != "PathPrefix" && type != "RegularExpression") {
      out.push_back({path + ".path.type", "must be Exact, PathPrefix or RegularExpression"});
    } else if (type != "RegularExpression" && !value.starts_with("/")) {
      out.push_back({path + ".path.value", "must be an absolute path starting with /"});
    }
  }
  if (const Json* m = findPath(match, {"method"})) {
    static constexpr std::array<std::string_view, 9> kMethods = {"GET",     "HEAD",    "POST",  "PUT",  "DELETE",
                                                                 "CONNECT", "OPTIONS", "TRACE", "PATCH"};
    if (!m->is_string() || std::find(kMethods.begin(), kMethods.end(), m->get<std::string>()) == kMethods.end()) {
      out.push_back({path + ".method", "must be an HTTP method (GET, POST, ...)"});
    }
  }
  checkNamedList(match, "headers", path, out);
  checkNamedList(match, "queryParams", path, out);
}

bool HttpRouteKind::isFilterType(std::string_view type) const {
  return type == "RequestHeaderModifier" || type == "ResponseHeaderModifier" || type == "RequestMirror" ||
         type == "RequestRedirect" || type == "URLRewrite" || type == "ExtensionRef" || type == "CORS" ||
         type == "ExternalAuth";
}

}  // namespace pennant::router::gatewayapi
