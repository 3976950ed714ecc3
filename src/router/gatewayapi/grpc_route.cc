#include "router/gatewayapi/grpc_route.h"

#include <regex>

#include "router/gatewayapi/flagger_compat.h"
#include "router/gatewayapi/kind_common.h"
#include "router/gatewayapi/route_json.h"

namespace pennant::router::gatewayapi {
namespace {

Json methodWithDefaults(const Json& method) {
  Json m = method;
  setDefault(m, "type", "Exact");
  return m;
}

// The A/B restriction intersected with the rule's own method match: a rule on a whole service
// narrows to one of its methods; a rule bound to another service or method gets nothing (nullopt).
// Regular expressions cannot be intersected, so they combine only when identical.
std::optional<Json> narrowedMethod(const Json& own, const Json& restriction) {
  if (methodWithDefaults(own) == methodWithDefaults(restriction)) return restriction;
  if (methodWithDefaults(own)["type"] != "Exact" || methodWithDefaults(restriction)["type"] != "Exact") {
    return std::nullopt;
  }
  Json out = restriction;
  for (const char* field : {"service", "method"}) {
    const Json* mine = findPath(own, {field});
    if (mine == nullptr) continue;
    if (out.contains(field) && out[field] != *mine) return std::nullopt;
    out[field] = *mine;
  }
  return out;
}

bool isHeaderName(const std::string& name) {
  static const std::regex pattern("^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$");
  return !name.empty() && name.size() <= 256 && std::regex_match(name, pattern);
}

}  // namespace

std::string GrpcRouteKind::apiVersion(const api::Canary&) const { return std::string(api::kGatewayGroup) + "/v1"; }

StatusOr<Json> GrpcRouteKind::baseRules(const api::Canary& canary) const {
  if (!canary.service.routeRules.is_null()) return canary.service.routeRules;
  // No rules: one rule without matches takes every call; Flagger's header and mirror filters
  // exist on GRPCRoute too.
  Json rule = Json::object();
  Json filters = commonFilters(canary);
  if (!filters.empty()) rule["filters"] = std::move(filters);
  return Json::array({std::move(rule)});
}

Json GrpcRouteKind::analysisMatch(const Json& entry) const {
  Json match = Json::object();
  Json headers = Json::array();
  if (const Json* h = findPath(entry, {"headers"}); h != nullptr && h->is_object()) {
    for (const auto& [name, cond] : h->items()) headers.push_back(headerCondition(name, cond));
  }
  if (!headers.empty()) match["headers"] = std::move(headers);
  if (const Json* m = findPath(entry, {"grpcMethod"}); m != nullptr && m->is_object()) match["method"] = *m;
  return match;
}

std::optional<Json> GrpcRouteKind::mergeMatch(const Json& ruleMatch, const Json& analysis) const {
  Json out = ruleMatch;
  if (const Json* method = findPath(analysis, {"method"})) {
    const Json* own = findPath(ruleMatch, {"method"});
    // An A/B method restriction narrows the rule; it cannot widen a rule bound to another method.
    std::optional<Json> narrowed = own != nullptr ? narrowedMethod(*own, *method) : std::optional<Json>(*method);
    if (!narrowed) return std::nullopt;
    out["method"] = *narrowed;
  }
  if (const Json* headers = findPath(analysis, {"headers"})) {
    out["headers"] = mergeByName(findPath(ruleMatch, {"headers"}), *headers, /*caseInsensitive=*/true);
  }
  return out;
}

void GrpcRouteKind::applyDefaults(Json& spec) const {
  applyCommonDefaults(spec);
  forEachIn(spec, "rules", [](Json& rule) {
    forEachIn(rule, "matches", [](Json& match) {
      if (match.contains("method") && match["method"].is_object()) setDefault(match["method"], "type", "Exact");
    });
  });
}

void validateGrpcMethod(const Json& method, const std::string& path, api::Problems& out) {
  if (!method.is_object()) {
    out.push_back({path, "must be an object {type, service, method}"});
    return;
  }
  std::string type = method.value("type", std::string("Exact"));
  if (type != "Exact" && type != "RegularExpression") {
    out.push_back({path + ".type", "must be Exact or RegularExpression, got \"" + type + "\""});
  }
  const Json* service = findPath(method, {"service"});
  const Json* name = findPath(method, {"method"});
  if ((service == nullptr || service->is_null()) && (name == nullptr || name->is_null())) {
    out.push_back({path, "one or both of 'service' or 'method' must be specified"});
    return;
  }
  static const std::regex servicePattern("^\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*$", std::regex::icase);
  static const std::regex methodPattern("^[A-Za-z_][A-Za-z_0-9]*$");
  auto check = [&](const Json* v, const char* field, const std::regex& pattern, const char* patternText) {
    if (v == nullptr || v->is_null()) return;
    if (!v->is_string()) {
      out.push_back({path + "." + field, "must be a string"});
      return;
    }
    const auto& s = v->get_ref<const std::string&>();
    if (s.size() > 1024)
      out.push_back({path + "." + field, "must be at most 1024 characters"});
    else if (type == "Exact" && !std::regex_match(s, pattern)) {
      out.push_back(
          {path + "." + field, "\"" + s + "\" must only contain valid characters (matching " + patternText + ")"});
    }
  };
  check(service, "service", servicePattern, "^(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*$");
  check(name, "method", methodPattern, "^[A-Za-z_][A-Za-z_0-9]*$");
}

void GrpcRouteKind::validateMatch(const Json& match, const std::string& path, api::Problems& out) const {
  if (!match.is_object()) {
    out.push_back({path, "must be an object"});
    return;
  }
  for (const auto& [key, value] : match.items()) {
    if (key != "method" && key != "headers")
      out.push_back({path + "." + key, "is not a GRPCRoute match field (method, headers)"});
  }
  if (const Json* method = findPath(match, {"method"})) validateGrpcMethod(*method, path + ".method", out);
  const Json* headers = findPath(match, {"headers"});
  if (headers == nullptr) return;
  if (!headers->is_array()) {
    out.push_back({path + ".headers", "must be a list"});
    return;
  }
  if (headers->size() > 16) {
    out.push_back({path + ".headers",
                   "has " + std::to_string(headers->size()) + " header matches; Gateway API allows at most 16"});
  }
  std::vector<std::string> seen;
  for (size_t i = 0; i < headers->size(); ++i) {
    const Json& h = (*headers)[i];
    std::string hp = path + ".headers[" + std::to_string(i) + "]";
    std::string name = stringAt(h, {"name"});
    if (!isHeaderName(name)) out.push_back({hp + ".name", "\"" + name + "\" is not a valid header name"});
    std::string value = stringAt(h, {"value"});
    if (value.empty() || value.size() > 4096) out.push_back({hp + ".value", "must be 1 to 4096 characters"});
    std::string type = stringAt(h, {"type"}, "Exact");
    if (type != "Exact" && type != "RegularExpression")
      out.push_back({hp + ".type", "must be Exact or RegularExpression"});
    std::string lower = name;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (std::find(seen.begin(), seen.end(), lower) != seen.end()) {
      out.push_back({hp + ".name", "\"" + name + "\" is listed twice in this match"});
    }
    seen.push_back(lower);
  }
}

bool GrpcRouteKind::isFilterType(std::string_view type) const {
  return type == "RequestHeaderModifier" || type == "ResponseHeaderModifier" || type == "RequestMirror" ||
         type == "ExtensionRef";
}

}  // namespace pennant::router::gatewayapi
