#pragma once
// The part of a route that differs between HTTPRoute and GRPCRoute: default rules, how A/B
// conditions merge into a match, the API server's defaults, and kind-only rule checks. Everything
// else (parents, hostnames, backends, weights, mirroring, read-back, diffing) is route_core.
#include <string>
#include <string_view>

#include "api/canary.h"
#include "api/problem.h"
#include "common/json.h"
#include "common/status.h"

namespace pennant::router::gatewayapi {

class RouteKind {
 public:
  virtual ~RouteKind() = default;

  virtual std::string_view kind() const = 0;
  // "gateway.networking.k8s.io/v1" (v1beta1 for HTTPRoute with provider gatewayapi:v1beta1).
  virtual std::string apiVersion(const api::Canary& canary) const = 0;
  // Rules of a managed route before backendRefs are added: service.route.rules verbatim, or the
  // kind's default (GRPCRoute: one rule matching every call; HTTPRoute: Flagger's rule).
  virtual StatusOr<Json> baseRules(const api::Canary& canary) const = 0;
  // One analysis.match entry turned into a match of this kind ({headers, queryParams | method}).
  virtual Json analysisMatch(const Json& entry) const = 0;
  // `ruleMatch` AND `analysis` (built by analysisMatch); nullopt when the two cannot both hold
  // (a gRPC method restriction that contradicts the rule's own method match).
  virtual std::optional<Json> mergeMatch(const Json& ruleMatch, const Json& analysis) const = 0;
  // Fills the API server's defaults into a spec so a stored route compares equal to a rendered one.
  virtual void applyDefaults(Json& spec) const = 0;
  // Checks of one match and of a filter type that only this kind has; problems name `path`.
  virtual void validateMatch(const Json& match, const std::string& path, api::Problems& out) const = 0;
  virtual bool isFilterType(std::string_view type) const = 0;
};

// GRPCRoute or HTTPRoute; nullptr for any other kind.
const RouteKind* routeKindFor(std::string_view kind);

// Escapes a literal for a RegularExpression header match (RE2 syntax, matched against the whole value).
std::string escapeRegex(std::string_view literal);

// {exact|regex|prefix|suffix} -> {type, value} of a Gateway API header/query match.
Json headerCondition(const std::string& name, const Json& condition);

}  // namespace pennant::router::gatewayapi
