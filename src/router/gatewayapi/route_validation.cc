#include "router/gatewayapi/route_validation.h"

#include <algorithm>
#include <regex>
#include <set>

#include "api/canary_validation.h"
#include "router/gatewayapi/flagger_compat.h"
#include "router/gatewayapi/grpc_route.h"
#include "router/gatewayapi/route_core.h"

namespace pennant::router::gatewayapi {
namespace {

std::string at(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

bool isSectionName(const std::string& name) {
  static const std::regex pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  return !name.empty() && name.size() <= 253 && std::regex_match(name, pattern);
}

// The filter's union member (requestHeaderModifier for RequestHeaderModifier, cors for CORS, ...).
std::string memberOf(const std::string& type) {
  if (type == "CORS") return "cors";
  if (type == "URLRewrite") return "urlRewrite";
  std::string member = type;
  if (!member.empty()) member[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(member[0])));
  return member;
}

void validateHeaderModifier(const Json& modifier, const std::string& path, api::Problems& out) {
  for (const char* key : {"set", "add", "remove"}) {
    const Json* list = findPath(modifier, {key});
    if (list != nullptr && list->is_array() && list->size() > 16) {
      out.push_back(
          {path + "." + key, "has " + std::to_string(list->size()) + " entries; Gateway API allows at most 16"});
    }
  }
}

void validateFilters(const RouteKind& kind, const Json* filters, const std::string& path, api::Problems& out) {
  if (filters == nullptr) return;
  if (!filters->is_array()) {
    out.push_back({path, "must be a list"});
    return;
  }
  if (filters->size() > kMaxFilters) {
    out.push_back({path, "has " + std::to_string(filters->size()) + " filters; Gateway API allows at most 16"});
  }
  std::map<std::string, int> counts;
  for (size_t i = 0; i < filters->size(); ++i) {
    const Json& f = (*filters)[i];
    std::string fp = at(path, i);
    std::string type = stringAt(f, {"type"});
    if (!kind.isFilterType(type)) {
      out.push_back({fp + ".type", "\"" + type + "\" is not a " + std::string(kind.kind()) + " filter type"});
      continue;
    }
    ++counts[type];
    std::string member = memberOf(type);
    const Json* body = findPath(f, {member});
    if (body == nullptr || !body->is_object()) {
      out.push_back({fp + "." + member, "must be specified for a " + type + " filter"});
      continue;
    }
    if (type == "RequestHeaderModifier" || type == "ResponseHeaderModifier")
      validateHeaderModifier(*body, fp + "." + member, out);
    if (type == "RequestMirror") {
      if (body->contains("percent") && body->contains("fraction")) {
        out.push_back({fp + ".requestMirror", "only one of percent or fraction may be specified"});
      }
      const Json* pct = findPath(*body, {"percent"});
      if (pct != nullptr && (!pct->is_number_integer() || pct->get<int64_t>() < 0 || pct->get<int64_t>() > 100)) {
        out.push_back({fp + ".requestMirror.percent", "must be between 0 and 100"});
      }
    }
  }
  for (const char* once :
       {"RequestHeaderModifier", "ResponseHeaderModifier", "URLRewrite", "RequestRedirect", "CORS"}) {
    if (counts[once] > 1) out.push_back({path, std::string(once) + " filter cannot be repeated"});
  }
}

void validateBackendRefs(const RouteKind& kind, const Json* refs, const std::string& path, api::Problems& out) {
  if (refs == nullptr) return;
  if (!refs->is_array()) {
    out.push_back({path, "must be a list"});
    return;
  }
  if (refs->size() > kMaxBackendRefs) {
    out.push_back({path, "has " + std::to_string(refs->size()) + " backendRefs; Gateway API allows at most 16"});
  }
  for (size_t i = 0; i < refs->size(); ++i) {
    const Json& ref = (*refs)[i];
    if (const Json* w = findPath(ref, {"weight"})) {
      if (!w->is_number_integer() || w->get<int64_t>() < 0 || w->get<int64_t>() > 1000000) {
        out.push_back({at(path, i) + ".weight", "must be between 0 and 1000000"});
      }
    }
    validateFilters(kind, findPath(ref, {"filters"}), at(path, i) + ".filters", out);
  }
}

// Checks only a user's service.route.rules need: Pennant owns backendRefs and the A/B names.
void validateUserRules(const api::Canary& canary, const Json& rules, const std::string& path, api::Problems& out) {
  std::set<std::string> names;
  for (size_t i = 0; i < rules.size(); ++i) {
    const Json& rule = rules[i];
    std::string name = stringAt(rule, {"name"});
    if (name.starts_with(kAbRulePrefix)) {
      out.push_back({at(path, i) + ".name", "names starting with \"" + std::string(kAbRulePrefix) +
                                                "\" are reserved for Pennant's A/B testing rules"});
    }
    if (!name.empty() && !names.insert(name).second)
      out.push_back({at(path, i) + ".name", "\"" + name + "\" is used by another rule"});
    const Json* refs = findPath(rule, {"backendRefs"});
    if (refs == nullptr || !refs->is_array()) continue;
    for (size_t j = 0; j < refs->size(); ++j) {
      std::string ref = stringAt((*refs)[j], {"name"});
      if (ref != canary.primaryName() && ref != canary.canaryName()) {
        out.push_back({at(path, i) + ".backendRefs[" + std::to_string(j) + "].name",
                       "Pennant sets the backends; only " + canary.primaryName() + " and " + canary.canaryName() +
                           " may be listed (for per-backend filters)"});
      }
    }
  }
}

bool hasPrefixRewrite(const Json& rule) {
  const Json* filters = findPath(rule, {"filters"});
  if (filters == nullptr || !filters->is_array()) return false;
  return std::any_of(filters->begin(), filters->end(), [](const Json& f) {
    return stringAt(f, {"type"}) == "URLRewrite" && stringAt(f, {"urlRewrite", "path", "type"}) == "ReplacePrefixMatch";
  });
}

// HTTPRoute CEL rule: a URLRewrite with path.replacePrefixMatch needs exactly one PathPrefix match.
void validatePrefixRewrite(const Json& rule, const std::string& path, api::Problems& out) {
  if (!hasPrefixRewrite(rule)) return;
  const Json* matches = findPath(rule, {"matches"});
  bool ok = matches != nullptr && matches->is_array() && matches->size() == 1 &&
            stringAt((*matches)[0], {"path", "type"}) == "PathPrefix";
  if (!ok) {
    out.push_back({path, "a URLRewrite filter with path.replacePrefixMatch needs exactly one PathPrefix match "
                         "in its rule (Gateway API)"});
  }
}

// The same rule seen from Flagger's fields: each A/B rule ORs the analysis.match entries, and the
// shifted rule ORs the service.match entries, so a prefix rewrite allows only one of each.
void validateFlaggerPrefixRewrite(const api::Canary& canary, api::Problems& out) {
  if (stringAt(canary.service.rewrite, {"type"}) != "ReplacePrefixMatch" ||
      stringAt(canary.service.rewrite, {"uri"}).empty()) {
    return;
  }
  if (canary.service.match.is_array() && canary.service.match.size() > 1) {
    out.push_back({"spec.service.match", "with spec.service.rewrite type ReplacePrefixMatch, Gateway API allows "
                                         "exactly one PathPrefix match per rule; give one entry"});
  }
  if (canary.strategy() == api::Strategy::kAbTesting && canary.analysis.match.size() > 1) {
    out.push_back({"spec.analysis.match", "with spec.service.rewrite type ReplacePrefixMatch, each A/B rule may hold "
                                          "only one match (Gateway API); give one entry"});
  }
}

}  // namespace

void validateRules(const RouteKind& kind, const Json& rules, const std::string& path, api::Problems& out) {
  if (!rules.is_array()) {
    out.push_back({path, "must be a list"});
    return;
  }
  if (rules.size() > kMaxRules) {
    out.push_back({path, "has " + std::to_string(rules.size()) + " rules; Gateway API allows at most 16"});
  }
  size_t total = 0;
  for (size_t i = 0; i < rules.size(); ++i) {
    const Json& rule = rules[i];
    std::string rp = at(path, i);
    if (!rule.is_object()) {
      out.push_back({rp, "must be an object"});
      continue;
    }
    if (const Json* name = findPath(rule, {"name"})) {
      if (!name->is_string() || !isSectionName(name->get<std::string>())) {
        out.push_back({rp + ".name", "must be a lower-case DNS name (Gateway API SectionName)"});
      }
    }
    if (const Json* matches = findPath(rule, {"matches"})) {
      if (!matches->is_array()) {
        out.push_back({rp + ".matches", "must be a list"});
      } else {
        total += matches->size();
        if (matches->size() > kMaxMatchesPerRule) {
          out.push_back({rp + ".matches", "has " + std::to_string(matches->size()) +
                                              " matches; Gateway API allows at most 64 per rule"});
        }
        for (size_t j = 0; j < matches->size(); ++j) kind.validateMatch((*matches)[j], at(rp + ".matches", j), out);
      }
    }
    validateFilters(kind, findPath(rule, {"filters"}), rp + ".filters", out);
    validatePrefixRewrite(rule, rp, out);
    validateBackendRefs(kind, findPath(rule, {"backendRefs"}), rp + ".backendRefs", out);
  }
  if (total > kMaxMatchesPerRoute) {
    out.push_back({path, "has " + std::to_string(total) + " matches in all; Gateway API allows at most 128 per route"});
  }
}

api::Problems validateRouteSpec(const RouteKind& kind, const Json& spec, const std::string& prefix) {
  api::Problems out;
  if (const Json* parents = findPath(spec, {"parentRefs"});
      parents != nullptr && parents->is_array() && parents->size() > kMaxParentRefs) {
    out.push_back(
        {prefix + ".parentRefs", "has " + std::to_string(parents->size()) + " entries; Gateway API allows at most 32"});
  }
  if (const Json* hosts = findPath(spec, {"hostnames"});
      hosts != nullptr && hosts->is_array() && hosts->size() > kMaxHostnames) {
    out.push_back(
        {prefix + ".hostnames", "has " + std::to_string(hosts->size()) + " entries; Gateway API allows at most 16"});
  }
  if (const Json* rules = findPath(spec, {"rules"})) validateRules(kind, *rules, prefix + ".rules", out);
  return out;
}

api::Problems validateCanaryForRouting(const api::Canary& canary) {
  api::Problems out = api::validateCanary(canary);
  const RouteKind* kind = routeKindFor(canary.routeKind());
  if (kind == nullptr) return out;  // reported by validateCanary
  const Json& rules = canary.service.routeRules;
  if (rules.is_array() && !canary.routeRef) {
    validateRules(*kind, rules, "spec.service.route.rules", out);
    validateUserRules(canary, rules, "spec.service.route.rules", out);
  }
  if (kind->kind() == api::kHttpRouteKind && rules.is_null()) {
    mapRouteMatches(canary.service.match, "spec.service.match", out);
    validateFlaggerPrefixRewrite(canary, out);
  }
  for (size_t i = 0; i < canary.analysis.match.size(); ++i) {
    const Json* method = findPath(canary.analysis.match[i], {"grpcMethod"});
    if (method != nullptr && method->is_object() && kind->kind() == api::kGrpcRouteKind) {
      validateGrpcMethod(*method, "spec.analysis.match[" + std::to_string(i) + "].grpcMethod", out);
    }
  }
  return out;
}

}  // namespace pennant::router::gatewayapi
