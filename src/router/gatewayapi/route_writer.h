#pragma once
// The I/O around route_core: read the route, compute the desired route, write it only when it
// changes, conditional on resourceVersion, re-reading and retrying on a conflict.
#include "api/canary.h"
#include "kube/client.h"
#include "kube/resource.h"
#include "router/gatewayapi/route_cache.h"
#include "router/router.h"

namespace pennant::router::gatewayapi {

inline constexpr int kMaxWriteAttempts = 5;

// The API resource of the Canary's route (httproutes or grpcroutes, at the route's version).
kube::Resource routeResource(const api::Canary& canary);
// The route's name: routeRef.name, else the apex name.
std::string routeName(const api::Canary& canary);

// Creates or updates the route to `state`. Managed: created when missing, never written when
// owned by someone else (kFailedPrecondition). routeRef: kNotFound when the route is missing.
// A conflict (kAborted) re-reads and retries up to `maxAttempts` times, then returns kAborted.
// With a cache, the first attempt starts from the cached route when it is fresh (no read); a
// retry always reads the API server.
StatusOr<WriteResult> applyRoute(kube::Client& client, const api::Canary& canary, const RouteState& state,
                                 int maxAttempts = kMaxWriteAttempts, RouteCache* cache = nullptr);

}  // namespace pennant::router::gatewayapi
