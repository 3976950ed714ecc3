#include "router/gatewayapi/flagger_compat.h"

#include <algorithm>

namespace pennant::router::gatewayapi {
namespace {

// Istio StringMatch -> Gateway API {type, value} for headers and query params (exact | regex).
std::optional<Json> exactOrRegex(const std::string& name, const Json& cond) {
  if (!cond.is_object()) return std::nullopt;
  if (cond.contains("exact") && cond["exact"].is_string() && !cond["exact"].get<std::string>().empty()) {
    return Json{{"name", name}, {"type", "Exact"}, {"value", cond["exact"]}};
  }
  if (cond.contains("regex") && cond["regex"].is_string() && !cond["regex"].get<std::string>().empty()) {
    return Json{{"name", name}, {"type", "RegularExpression"}, {"value", cond["regex"]}};
  }
  return std::nullopt;
}

Json sortedHeaders(const Json* map) {
  Json out = Json::array();
  if (map == nullptr || !map->is_object()) return out;
  for (const auto& [name, value] : map->items()) out.push_back({{"name", name}, {"value", value}});
  // nlohmann objects iterate in key order already; sort again by (name, value) as Flagger does.
  std::sort(out.begin(), out.end(), [](const Json& a, const Json& b) {
    return std::tie(a["name"], a["value"]) < std::tie(b["name"], b["value"]);
  });
  return out;
}

std::optional<Json> headerModifier(const Json& headers, const char* direction, const char* type, const char* field) {
  const Json* block = findPath(headers, {direction});
  if (block == nullptr || !block->is_object()) return std::nullopt;
  Json modifier = Json::object();
  Json add = sortedHeaders(findPath(*block, {"add"}));
  Json set = sortedHeaders(findPath(*block, {"set"}));
  if (!add.empty()) modifier["add"] = std::move(add);
  if (!set.empty()) modifier["set"] = std::move(set);
  if (const Json* remove = findPath(*block, {"remove"}); remove != nullptr && remove->is_array() && !remove->empty()) {
    modifier["remove"] = *remove;
  }
  return Json{{"type", type}, {field, std::move(modifier)}};
}

std::optional<Json> rewriteFilter(const Json& rewrite) {
  if (!rewrite.is_object()) return std::nullopt;
  Json urlRewrite = Json::object();
  if (std::string authority = stringAt(rewrite, {"authority"}); !authority.empty()) urlRewrite["hostname"] = authority;
  if (std::string uri = stringAt(rewrite, {"uri"}); !uri.empty()) {
    bool prefix = stringAt(rewrite, {"type"}) == "ReplacePrefixMatch";
    urlRewrite["path"] = {{"type", prefix ? "ReplacePrefixMatch" : "ReplaceFullPath"},
                          {prefix ? "replacePrefixMatch" : "replaceFullPath", uri}};
  }
  return Json{{"type", "URLRewrite"}, {"urlRewrite", std::move(urlRewrite)}};
}

std::optional<Json> corsFilter(const Json& policy) {
  if (!policy.is_object()) return std::nullopt;
  Json cors = Json::object();
  for (const auto& [from, to] :
       {std::pair{"allowOrigin", "allowOrigins"}, std::pair{"allowMethods", "allowMethods"},
        std::pair{"allowHeaders", "allowHeaders"}, std::pair{"exposeHeaders", "exposeHeaders"}}) {
    if (const Json* v = findPath(policy, {from}); v != nullptr && v->is_array() && !v->empty()) cors[to] = *v;
  }
  if (const Json* v = findPath(policy, {"allowCredentials"}); v != nullptr && v->is_boolean() && v->get<bool>()) {
    cors["allowCredentials"] = true;
  }
  if (auto maxAge = api::parseDurationSeconds(stringAt(policy, {"maxAge"}))) cors["maxAge"] = *maxAge;
  return Json{{"type", "CORS"}, {"cors", std::move(cors)}};
}

void appendMirrors(const api::Canary& canary, Json& filters) {
  for (const auto& mirror : canary.service.mirror) {
    const Json* ref = findPath(mirror, {"backendRef"});
    if (ref == nullptr || !ref->is_object()) continue;
    Json backend = Json::object();
    for (const char* key : {"group", "kind", "namespace", "name", "port"}) {
      if (ref->contains(key)) backend[key] = (*ref)[key];
    }
    filters.push_back({{"type", "RequestMirror"}, {"requestMirror", {{"backendRef", std::move(backend)}}}});
  }
}

void appendHeaderModifiers(const api::Canary& canary, Json& filters) {
  if (!canary.service.headers.is_object()) return;
  if (auto f = headerModifier(canary.service.headers, "request", "RequestHeaderModifier", "requestHeaderModifier"))
    filters.push_back(*f);
  if (auto f = headerModifier(canary.service.headers, "response", "ResponseHeaderModifier", "responseHeaderModifier"))
    filters.push_back(*f);
}

}  // namespace

Json mapRouteMatches(const Json& istioMatches, const std::string& path, api::Problems& out) {
  Json matches = Json::array();
  if (!istioMatches.is_array()) return matches;
  for (size_t i = 0; i < istioMatches.size(); ++i) {
    const Json& req = istioMatches[i];
    std::string mp = path + "[" + std::to_string(i) + "]";
    Json match = Json::object();
    if (const Json* uri = findPath(req, {"uri"})) {
      if (std::string v = stringAt(*uri, {"regex"}); !v.empty())
        match["path"] = {{"type", "RegularExpression"}, {"value", v}};
      else if (std::string v2 = stringAt(*uri, {"exact"}); !v2.empty())
        match["path"] = {{"type", "Exact"}, {"value", v2}};
      else if (std::string v3 = stringAt(*uri, {"prefix"}); !v3.empty())
        match["path"] = {{"type", "PathPrefix"}, {"value", v3}};
      else
        out.push_back({mp + ".uri", "Gateway API supports only exact, prefix and regex path matches"});
    }
    if (const Json* method = findPath(req, {"method"})) {
      if (std::string v = stringAt(*method, {"exact"}); !v.empty())
        match["method"] = v;
      else
        out.push_back({mp + ".method", "Gateway API supports only an exact method match"});
    }
    for (const char* key : {"headers", "queryParams"}) {
      const Json* conds = findPath(req, {key});
      if (conds == nullptr || !conds->is_object()) continue;
      Json list = Json::array();
      for (const auto& [name, cond] : conds->items()) {
        if (auto m = exactOrRegex(name, cond))
          list.push_back(std::move(*m));
        else
          out.push_back({mp + "." + key + "." + name, "Gateway API supports only exact and regex matches here"});
      }
      if (!list.empty()) match[key] = std::move(list);
    }
    if (!match.empty()) matches.push_back(std::move(match));
  }
  return matches;
}

Json commonFilters(const api::Canary& canary) {
  Json filters = Json::array();
  appendHeaderModifiers(canary, filters);
  appendMirrors(canary, filters);
  return filters;
}

Json httpFilters(const api::Canary& canary) {
  Json filters = Json::array();
  appendHeaderModifiers(canary, filters);
  if (auto f = rewriteFilter(canary.service.rewrite)) filters.push_back(*f);
  appendMirrors(canary, filters);
  if (auto f = corsFilter(canary.service.corsPolicy)) filters.push_back(*f);
  return filters;
}

Json flaggerHttpRule(const api::Canary& canary) {
  api::Problems ignored;  // reported by validation before rendering
  Json matches = mapRouteMatches(canary.service.match, "spec.service.match", ignored);
  if (matches.empty()) matches = Json::array({{{"path", {{"type", "PathPrefix"}, {"value", "/"}}}}});
  Json rule = {{"matches", std::move(matches)}};
  Json filters = httpFilters(canary);
  if (!filters.empty()) rule["filters"] = std::move(filters);
  Json timeouts = Json::object();
  if (!canary.service.timeout.empty()) timeouts["request"] = canary.service.timeout;
  if (!canary.service.backendTimeout.empty()) timeouts["backendRequest"] = canary.service.backendTimeout;
  if (!timeouts.empty()) rule["timeouts"] = std::move(timeouts);
  return rule;
}

}  // namespace pennant::router::gatewayapi
