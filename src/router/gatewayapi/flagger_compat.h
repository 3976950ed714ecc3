#pragma once
// Flagger's HTTPRoute fields (Istio-shaped service.match, service.headers, rewrite, mirror, CORS,
// timeouts) mapped to Gateway API, producing the rule Flagger's gatewayapi:v1 router writes.
#include "api/canary.h"
#include "api/problem.h"
#include "common/json.h"

namespace pennant::router::gatewayapi {

// Istio HTTPMatchRequests -> HTTPRouteMatches (uri, method, headers, queryParams; others are
// ignored as Flagger does). Unsupported selectors are problems under `path`. Headers and query
// params are sorted by name so the output is deterministic (Flagger's Go map order is not).
Json mapRouteMatches(const Json& istioMatches, const std::string& path, api::Problems& out);

// service.headers request/response modifiers (add/set sorted by name then value) and
// service.mirror: the filters valid on both route kinds, in Flagger's order.
Json commonFilters(const api::Canary& canary);

// Flagger's makeFilters: header modifiers, URLRewrite, mirrors, CORS.
Json httpFilters(const api::Canary& canary);

// Flagger's single HTTPRoute rule (without backendRefs): matches (default PathPrefix /),
// filters, timeouts.
Json flaggerHttpRule(const api::Canary& canary);

}  // namespace pennant::router::gatewayapi
