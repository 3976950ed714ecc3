#include "router/gatewayapi/gateway_api_router.h"

#include "kube/errors.h"
#include "router/gatewayapi/route_core.h"
#include "router/gatewayapi/route_writer.h"

namespace pennant::router::gatewayapi {

StatusOr<WriteResult> GatewayApiRouter::setRoutes(const api::Canary& canary, const RouteState& state) {
  return applyRoute(*client_, canary, state, kMaxWriteAttempts, cache_.get());
}

StatusOr<Weights> GatewayApiRouter::getRoutes(const api::Canary& canary) {
  const kube::Resource resource = routeResource(canary);
  // The cache when it holds at least our last write (the Accepted gate below still applies to it).
  std::shared_ptr<const Json> cached = cache_ ? cache_->fresh(resource, canary.namespace_, routeName(canary)) : nullptr;
  if (cached == nullptr) {
    PENNANT_ASSIGN_OR_RETURN(Json read, client_->get(resource, canary.namespace_, routeName(canary)));
    cached = std::make_shared<const Json>(std::move(read));
  }
  const Json& route = *cached;
  Acceptance acceptance = acceptedByParents(canary, route);
  if (!acceptance.accepted) {
    return absl::UnavailableError(stringAt(route, {"kind"}) + " " + canary.namespace_ + "/" + routeName(canary) +
                                  " is not ready: " + acceptance.reason);
  }
  return readWeights(canary, route);
}

Status GatewayApiRouter::checkRoutes(const api::Canary& canary, const RouteState& state) {
  const kube::Resource resource = routeResource(canary);
  std::shared_ptr<const Json> existing =
      cache_ ? cache_->fresh(resource, canary.namespace_, routeName(canary)) : nullptr;
  if (existing == nullptr) {
    auto read = client_->get(resource, canary.namespace_, routeName(canary));
    if (read.ok()) {
      existing = std::make_shared<const Json>(*std::move(read));
    } else if (!kube::isNotFound(read.status())) {
      return read.status();
    } else if (canary.routeRef) {
      return absl::NotFoundError("spec.routeRef: " + canary.routeRef->kind + " " + canary.namespace_ + "/" +
                                 routeName(canary) + " does not exist (Pennant never creates a referenced route)");
    }
  }
  return desiredRoute(canary, existing.get(), state).status();
}

Status GatewayApiRouter::finalize(const api::Canary& canary) {
  // A managed route is garbage-collected through its ownerReference.
  if (!canary.routeRef) return absl::OkStatus();
  auto result = applyRoute(*client_, canary, RouteState{}, kMaxWriteAttempts, cache_.get());
  if (!result.ok() && kube::isNotFound(result.status())) return absl::OkStatus();
  return result.status();
}

}  // namespace pennant::router::gatewayapi
