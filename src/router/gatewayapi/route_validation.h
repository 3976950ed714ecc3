#pragma once
// product.md section 4 for route shapes: Gateway API limits and CEL rules, checked before any
// write so bad input never reaches the API server and never changes traffic.
#include <string>

#include "api/canary.h"
#include "api/problem.h"
#include "common/json.h"
#include "router/gatewayapi/route_kind.h"

namespace pennant::router::gatewayapi {

inline constexpr size_t kMaxRules = 16;
inline constexpr size_t kMaxMatchesPerRule = 64;
inline constexpr size_t kMaxMatchesPerRoute = 128;
inline constexpr size_t kMaxFilters = 16;
inline constexpr size_t kMaxBackendRefs = 16;
inline constexpr size_t kMaxParentRefs = 32;
inline constexpr size_t kMaxHostnames = 16;

// All Canary checks: api::validateCanary plus the route-shape checks of service.route.rules,
// Flagger's service.match and analysis.match[].grpcMethod. Empty when the Canary can be routed.
api::Problems validateCanaryForRouting(const api::Canary& canary);

// Limits and CEL rules of a route spec (rules, matches, filters, backendRefs, parentRefs,
// hostnames); problems are named `<prefix>.rules[i]...`.
api::Problems validateRouteSpec(const RouteKind& kind, const Json& spec, const std::string& prefix);

// Rule list checks shared by both: `rules` is a list of route rules named `path`.
void validateRules(const RouteKind& kind, const Json& rules, const std::string& path, api::Problems& out);

}  // namespace pennant::router::gatewayapi
