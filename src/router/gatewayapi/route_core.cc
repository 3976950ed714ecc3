#include "router/gatewayapi/route_core.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "api/canary_validation.h"
#include "router/gatewayapi/route_json.h"
#include "router/gatewayapi/route_validation.h"
#include "router/gatewayapi/session_affinity.h"
#include "router/route_rejection.h"

namespace pennant::router::gatewayapi {
namespace {

using api::Canary;

struct Split {
  int64_t primary;
  int64_t canary;
};

Json serviceBackend(const Canary& c, const std::string& name, int64_t weight, const Json* template_) {
  // Keep what the user wrote on the backend (per-backend filters); Pennant owns the rest.
  Json ref = template_ != nullptr ? *template_ : Json::object();
  ref["group"] = "";
  ref["kind"] = "Service";
  ref["name"] = name;
  ref["port"] = c.service.port;
  ref["weight"] = weight;
  return ref;
}

const Json* findBackend(const Json& rule, const std::string& name) {
  const Json* refs = findPath(rule, {"backendRefs"});
  if (refs == nullptr || !refs->is_array()) return nullptr;
  for (const auto& ref : *refs) {
    if (ref.is_object() && stringAt(ref, {"name"}) == name) return &ref;
  }
  return nullptr;
}

Json managedBackends(const Canary& c, const Json& rule, Split split) {
  return Json::array({serviceBackend(c, c.primaryName(), split.primary, findBackend(rule, c.primaryName())),
                      serviceBackend(c, c.canaryName(), split.canary, findBackend(rule, c.canaryName()))});
}

Json mirrorFilter(const Canary& c) {
  Json mirror = {
      {"backendRef", {{"group", ""}, {"kind", "Service"}, {"name", c.canaryName()}, {"port", c.service.port}}}};
  if (c.analysis.mirrorWeight) mirror["percent"] = *c.analysis.mirrorWeight;
  return {{"type", "RequestMirror"}, {"requestMirror", std::move(mirror)}};
}

bool isPennantMirror(const Canary& c, const Json& filter) {
  return stringAt(filter, {"type"}) == "RequestMirror" &&
         stringAt(filter, {"requestMirror", "backendRef", "name"}) == c.canaryName() &&
         stringAt(filter, {"requestMirror", "backendRef", "namespace"}, c.namespace_) == c.namespace_;
}

// Replaces Pennant's mirror filter on a shifted rule: removed, then added back when mirroring.
void setMirror(const Canary& c, Json& rule, bool mirror) {
  Json filters = Json::array();
  if (const Json* existing = findPath(rule, {"filters"}); existing != nullptr && existing->is_array()) {
    for (const auto& f : *existing) {
      if (!isPennantMirror(c, f)) filters.push_back(f);
    }
  }
  if (mirror) filters.push_back(mirrorFilter(c));
  if (filters.empty())
    rule.erase("filters");
  else
    rule["filters"] = std::move(filters);
}

bool isAbRule(const Json& rule) { return stringAt(rule, {"name"}).starts_with(kAbRulePrefix); }

std::string abRuleName(const Json& rule, size_t index) {
  std::string name = stringAt(rule, {"name"});
  return std::string(kAbRulePrefix) + (name.empty() ? std::to_string(index) : name);
}

// The A/B rule for `rule`: its matches AND each analysis.match entry, routed by `split`.
std::optional<Json> abRule(const Canary& c, const RouteKind& kind, const Json& rule, size_t index,
                           const std::function<Json(const Json&)>& backends) {
  Json ruleMatches = Json::array({Json::object()});
  if (const Json* m = findPath(rule, {"matches"}); m != nullptr && m->is_array() && !m->empty()) ruleMatches = *m;
  Json merged = Json::array();
  for (const auto& entry : c.analysis.match) {
    Json analysis = kind.analysisMatch(entry);
    for (const auto& m : ruleMatches) {
      if (auto both = kind.mergeMatch(m, analysis)) merged.push_back(std::move(*both));
    }
  }
  // A rule without matches would take every request: no A/B rule rather than that.
  if (merged.empty()) return std::nullopt;
  Json out = rule;
  out["name"] = abRuleName(rule, index);
  out["matches"] = std::move(merged);
  out["backendRefs"] = backends(rule);
  return out;
}

Split clampSplit(int64_t canaryWeight) {
  int64_t w = std::clamp<int64_t>(canaryWeight, 0, 100);
  return {100 - w, w};
}

Json managedMetadata(const Canary& c, const Json* existing) {
  Json meta = existing != nullptr ? existing->value("metadata", Json::object()) : Json::object();
  meta["name"] = c.apexName();
  meta["namespace"] = c.namespace_;
  Json labels = meta.value("labels", Json::object());
  for (const auto& [k, v] : c.service.apexLabels.items()) labels[k] = v;
  if (labels.empty())
    meta.erase("labels");
  else
    meta["labels"] = std::move(labels);
  Json annotations = meta.value("annotations", Json::object());
  for (const auto& [k, v] : c.service.apexAnnotations.items()) annotations[k] = v;
  annotations[kKustomizeReconcile] = "disabled";
  annotations[kHelmDriftDetection] = "disabled";
  meta["annotations"] = std::move(annotations);
  if (!c.uid.empty()) {
    Json owner = {{"apiVersion", api::kCanaryApiVersion},
                  {"kind", "Canary"},
                  {"name", c.name},
                  {"uid", c.uid},
                  {"controller", true},
                  {"blockOwnerDeletion", true}};
    Json refs = Json::array();
    for (const auto& ref : meta.value("ownerReferences", Json::array())) {
      if (stringAt(ref, {"uid"}) != c.uid) refs.push_back(ref);
    }
    refs.push_back(std::move(owner));
    meta["ownerReferences"] = std::move(refs);
  }
  return meta;
}

StatusOr<Json> managedSpec(const Canary& c, const RouteKind& kind, const RouteState& state) {
  PENNANT_ASSIGN_OR_RETURN(Json base, kind.baseRules(c));
  const bool ab = state.abRules && c.strategy() == api::Strategy::kAbTesting;
  const Split abSplit = clampSplit(state.canaryWeight);
  // A/B testing keeps the user's rules on the primary; only the A/B rules carry the weight.
  const Split shifted = c.strategy() == api::Strategy::kAbTesting ? Split{100, 0} : abSplit;
  Json rules = Json::array();
  for (size_t i = 0; i < base.size(); ++i) {
    const Json& rule = base[i];
    if (ab) {
      auto backends = [&](const Json& r) { return managedBackends(c, r, abSplit); };
      if (auto extra = abRule(c, kind, rule, i, backends)) rules.push_back(std::move(*extra));
    }
    Json out = rule;
    out["backendRefs"] = managedBackends(c, rule, shifted);
    setMirror(c, out, state.mirror);
    if (c.analysis.sessionAffinity && kind.kind() == api::kHttpRouteKind) {
      for (auto& r : sessionAffinityRules(c, kind, out, shifted.canary)) rules.push_back(std::move(r));
    } else {
      rules.push_back(std::move(out));
    }
  }
  Json spec = {{"parentRefs", c.service.gatewayRefs}, {"rules", std::move(rules)}};
  if (!c.service.hosts.empty()) spec["hostnames"] = c.service.hosts;
  return spec;
}

void setWeight(Json& rule, const std::string& name, int64_t weight) {
  for (auto& ref : rule["backendRefs"]) {
    if (ref.is_object() && stringAt(ref, {"name"}) == name) ref["weight"] = weight;
  }
}

StatusOr<Json> referencedSpec(const Canary& c, const RouteKind& kind, const Json& route, const RouteState& state) {
  const Json* stored = findPath(route, {"spec", "rules"});
  if (stored == nullptr || !stored->is_array()) stored = nullptr;
  std::string what = std::string(kind.kind()) + " " + c.namespace_ + "/" + c.routeRef->name;
  api::Problems problems;
  Json userRules = Json::array();
  std::vector<bool> shifted;
  for (size_t i = 0; stored != nullptr && i < stored->size(); ++i) {
    const Json& rule = (*stored)[i];
    if (isAbRule(rule)) continue;  // Pennant's own; rebuilt below when A/B testing runs
    bool p = findBackend(rule, c.primaryName()) != nullptr;
    bool k = findBackend(rule, c.canaryName()) != nullptr;
    if (p != k) {
      problems.push_back({"spec.routeRef", what + " rules[" + std::to_string(i) + "] lists " +
                                               (p ? c.primaryName() : c.canaryName()) + " but not " +
                                               (p ? c.canaryName() : c.primaryName()) +
                                               "; a rule Pennant shifts must list both"});
    }
    userRules.push_back(rule);
    shifted.push_back(p && k);
  }
  if (problems.empty() && std::find(shifted.begin(), shifted.end(), true) == shifted.end()) {
    problems.push_back(
        {"spec.routeRef", what + " has no rule listing both " + c.primaryName() + " and " + c.canaryName()});
  }
  if (!problems.empty()) return api::toStatus(problems);

  const bool ab = state.abRules && c.strategy() == api::Strategy::kAbTesting;
  const Split abSplit = clampSplit(state.canaryWeight);
  const Split split = c.strategy() == api::Strategy::kAbTesting ? Split{100, 0} : abSplit;
  Json rules = Json::array();
  for (size_t i = 0; i < userRules.size(); ++i) {
    Json rule = userRules[i];
    if (shifted[i]) {
      if (ab) {
        auto backends = [&](const Json& r) { return managedBackends(c, r, abSplit); };
        if (auto extra = abRule(c, kind, rule, i, backends)) rules.push_back(std::move(*extra));
      }
      setWeight(rule, c.primaryName(), split.primary);
      setWeight(rule, c.canaryName(), split.canary);
      setMirror(c, rule, state.mirror);
    }
    rules.push_back(std::move(rule));
  }
  Json spec = route.value("spec", Json::object());
  spec["rules"] = std::move(rules);
  return spec;
}

int64_t backendWeight(const Json& ref) {
  const Json* w = findPath(ref, {"weight"});
  return w != nullptr && w->is_number_integer() ? w->get<int64_t>() : 1;  // Gateway API default
}

bool sameParent(const Json& a, const Json& b, const std::string& routeNamespace) {
  auto field = [&](const Json& ref, std::string_view key, std::string_view fallback) {
    const Json* v = findPath(ref, {key});
    if (v == nullptr || v->is_null()) return Json(std::string(fallback));
    return *v;
  };
  return field(a, "group", api::kGatewayGroup) == field(b, "group", api::kGatewayGroup) &&
         field(a, "kind", "Gateway") == field(b, "kind", "Gateway") && field(a, "name", "") == field(b, "name", "") &&
         field(a, "namespace", routeNamespace) == field(b, "namespace", routeNamespace) &&
         field(a, "sectionName", "") == field(b, "sectionName", "") && field(a, "port", "") == field(b, "port", "");
}

}  // namespace

namespace {

StatusOr<Json> buildRoute(const Canary& canary, const Json* existing, const RouteState& state) {
  api::Problems problems = validateCanaryForRouting(canary);
  if (state.canaryWeight < 0 || state.canaryWeight > 100) {
    problems.push_back({"canaryWeight", "must be between 0 and 100, got " + std::to_string(state.canaryWeight)});
  }
  if (!problems.empty()) return api::toStatus(problems);
  const RouteKind& kind = *routeKindFor(canary.routeKind());

  Json route;
  if (canary.routeRef) {
    if (existing == nullptr) {
      return absl::InvalidArgumentError("spec.routeRef: the referenced " + canary.routeRef->kind + " " +
                                        canary.routeRef->name + " is required (it is never created by Pennant)");
    }
    if (stringAt(*existing, {"kind"}) != kind.kind()) {
      return absl::InvalidArgumentError("spec.routeRef.kind: is " + std::string(kind.kind()) + " but the route is a " +
                                        stringAt(*existing, {"kind"}, "(missing kind)"));
    }
    PENNANT_ASSIGN_OR_RETURN(Json spec, referencedSpec(canary, kind, *existing, state));
    route = *existing;
    route["spec"] = std::move(spec);
  } else {
    if (existing != nullptr) PENNANT_RETURN_IF_ERROR(checkOwnership(canary, *existing));
    PENNANT_ASSIGN_OR_RETURN(Json spec, managedSpec(canary, kind, state));
    route = {{"apiVersion", kind.apiVersion(canary)},
             {"kind", kind.kind()},
             {"metadata", managedMetadata(canary, existing)},
             {"spec", std::move(spec)}};
  }
  route.erase("status");
  api::Problems limits =
      validateRouteSpec(kind, route["spec"], std::string(kind.kind()) + " " + canary.apexName() + " spec");
  if (!limits.empty()) return api::toStatus(limits);
  return route;
}

}  // namespace

StatusOr<Json> desiredRoute(const Canary& canary, const Json* existing, const RouteState& state) {
  StatusOr<Json> route = buildRoute(canary, existing, state);
  if (route.ok()) return route;
  // buildRoute does no I/O: each of its errors is about the Canary or the route and would recur.
  return rejected(route.status().code() == absl::StatusCode::kFailedPrecondition ? Rejection::kRouteNotOwned
                                                                                 : Rejection::kInvalidRoute,
                  route.status());
}

StatusOr<Weights> readWeights(const Canary& canary, const Json& route) {
  const Json* rules = findPath(route, {"spec", "rules"});
  const Json* weighted = nullptr;
  Weights out;
  for (int pass = 0; pass < 2 && weighted == nullptr; ++pass) {
    // The A/B rules carry the canary weight while they exist; otherwise the shifted rules do,
    // the last one as in Flagger (session affinity puts its sticky rules before it).
    for (size_t i = 0; rules != nullptr && rules->is_array() && i < rules->size(); ++i) {
      const Json& rule = (*rules)[i];
      if ((pass == 0) != isAbRule(rule)) continue;
      if (findBackend(rule, canary.primaryName()) && findBackend(rule, canary.canaryName())) {
        weighted = &rule;
        if (pass == 0) break;
      }
    }
  }
  if (weighted == nullptr) {
    return absl::FailedPreconditionError(stringAt(route, {"kind"}, "route") + " " +
                                         stringAt(route, {"metadata", "name"}) + " has no rule listing both " +
                                         canary.primaryName() + " and " + canary.canaryName());
  }
  int64_t p = backendWeight(*findBackend(*weighted, canary.primaryName()));
  int64_t k = backendWeight(*findBackend(*weighted, canary.canaryName()));
  if (p + k == 0) {
    out.primary = 0;
    out.canary = 0;
  } else {
    // Gateway API weights are proportions (0..1,000,000); Pennant works in percentages.
    out.canary = std::llround(100.0 * static_cast<double>(k) / static_cast<double>(p + k));
    out.primary = 100 - out.canary;
  }
  for (size_t i = 0; rules != nullptr && rules->is_array() && i < rules->size(); ++i) {
    const Json* filters = findPath((*rules)[i], {"filters"});
    if (filters == nullptr || !filters->is_array()) continue;
    for (const auto& f : *filters) out.mirrored = out.mirrored || isPennantMirror(canary, f);
  }
  return out;
}

Acceptance acceptedByParents(const Canary& canary, const Json& route) {
  std::string ns = stringAt(route, {"metadata", "namespace"}, canary.namespace_);
  Json parents = canary.service.gatewayRefs;
  if (parents.empty()) parents = route.value("spec", Json::object()).value("parentRefs", Json::array());
  const Json* generationField = findPath(route, {"metadata", "generation"});
  int64_t generation =
      generationField != nullptr && generationField->is_number_integer() ? generationField->get<int64_t>() : 0;
  const Json* statuses = findPath(route, {"status", "parents"});
  if (statuses == nullptr || !statuses->is_array()) return {};
  for (const auto& st : *statuses) {
    const Json* ref = findPath(st, {"parentRef"});
    if (ref == nullptr) continue;
    bool ours = std::any_of(parents.begin(), parents.end(), [&](const Json& p) { return sameParent(p, *ref, ns); });
    if (!ours) continue;
    const Json* conditions = findPath(st, {"conditions"});
    if (conditions == nullptr || !conditions->is_array()) continue;
    for (const auto& cond : *conditions) {
      if (stringAt(cond, {"type"}) != "Accepted") continue;
      std::string parentName = stringAt(*ref, {"namespace"}, ns) + "/" + stringAt(*ref, {"name"});
      std::string status = stringAt(cond, {"status"});
      if (status != "True") {
        return {false, "parent " + parentName + " has not accepted the route (Accepted=" + status + ", reason " +
                           stringAt(cond, {"reason"}) + ": " + stringAt(cond, {"message"}) + ")"};
      }
      const Json* observed = findPath(cond, {"observedGeneration"});
      if (observed != nullptr && observed->is_number_integer() && observed->get<int64_t>() < generation) {
        return {false, "parent " + parentName + " accepted generation " + std::to_string(observed->get<int64_t>()) +
                           ", the route is at generation " + std::to_string(generation)};
      }
    }
  }
  return {};
}

Status checkOwnership(const Canary& canary, const Json& route) {
  const Json* refs = findPath(route, {"metadata", "ownerReferences"});
  if (refs != nullptr && refs->is_array()) {
    for (const auto& ref : *refs) {
      bool sameCanary = stringAt(ref, {"kind"}) == "Canary" &&
                        stringAt(ref, {"apiVersion"}).starts_with("flagger.app/") &&
                        stringAt(ref, {"name"}) == canary.name;
      std::string uid = stringAt(ref, {"uid"});
      if (sameCanary && (canary.uid.empty() || uid.empty() || uid == canary.uid)) return absl::OkStatus();
    }
  }
  return absl::FailedPreconditionError(stringAt(route, {"kind"}, "route") + " " + canary.namespace_ + "/" +
                                       stringAt(route, {"metadata", "name"}) + " exists and is not owned by Canary " +
                                       canary.name +
                                       "; Pennant does not overwrite it (delete it, or use spec.routeRef)");
}

Json normalizedSpec(const Json& route) {
  Json spec = route.value("spec", Json::object());
  pruneEmpty(spec);
  if (const RouteKind* kind = routeKindFor(stringAt(route, {"kind"}))) kind->applyDefaults(spec);
  return spec;
}

bool needsWrite(const Json& current, const Json& desired) {
  if (normalizedSpec(current) != normalizedSpec(desired)) return true;
  for (const char* key : {"labels", "annotations", "ownerReferences"}) {
    const Json* a = findPath(current, {"metadata", key});
    const Json* b = findPath(desired, {"metadata", key});
    bool aEmpty = a == nullptr || a->empty();
    bool bEmpty = b == nullptr || b->empty();
    if (aEmpty != bEmpty || (!aEmpty && *a != *b)) return true;
  }
  return false;
}

}  // namespace pennant::router::gatewayapi
