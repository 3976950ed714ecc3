#include "router/gatewayapi/route_writer.h"

#include "kube/errors.h"
#include "router/gatewayapi/route_core.h"
#include "router/gatewayapi/route_write_stats.h"

namespace pennant::router::gatewayapi {

kube::Resource routeResource(const api::Canary& canary) {
  bool grpc = canary.routeKind() == api::kGrpcRouteKind;
  std::string version = "v1";
  if (canary.routeRef) {
    auto slash = canary.routeRef->apiVersion.find('/');
    if (slash != std::string::npos) version = canary.routeRef->apiVersion.substr(slash + 1);
  } else if (!grpc && canary.effectiveProvider() == api::kProviderGatewayV1Beta1) {
    version = "v1beta1";
  }
  return kube::Resource{api::kGatewayGroup, version, grpc ? "grpcroutes" : "httproutes", true};
}

std::string routeName(const api::Canary& canary) { return canary.routeRef ? canary.routeRef->name : canary.apexName(); }

StatusOr<WriteResult> applyRoute(kube::Client& client, const api::Canary& canary, const RouteState& state,
                                 int maxAttempts, RouteCache* cache) {
  const auto started = std::chrono::steady_clock::now();
  const kube::Resource resource = routeResource(canary);
  const std::string name = routeName(canary);
  Status last = absl::AbortedError("no attempt made");
  for (int attempt = 1; attempt <= maxAttempts; ++attempt) {
    std::shared_ptr<const Json> cached =
        attempt == 1 && cache != nullptr ? cache->fresh(resource, canary.namespace_, name) : nullptr;
    StatusOr<Json> current = absl::NotFoundError("");
    if (cached == nullptr) {
      current = client.get(resource, canary.namespace_, name);
      if (!current.ok() && !kube::isNotFound(current.status())) return current.status();
    }
    const Json* existing = cached != nullptr ? cached.get() : current.ok() ? &*current : nullptr;
    if (existing == nullptr && canary.routeRef) {
      return absl::NotFoundError("spec.routeRef: " + canary.routeRef->kind + " " + canary.namespace_ + "/" + name +
                                 " does not exist (Pennant never creates a referenced route)");
    }
    PENNANT_ASSIGN_OR_RETURN(Json desired, desiredRoute(canary, existing, state));
    if (existing != nullptr && !needsWrite(*existing, desired)) {
      return WriteResult{WriteAction::kUnchanged, *existing, attempt};
    }
    StatusOr<Json> written = existing == nullptr ? client.create(resource, canary.namespace_, desired)
                                                 : client.update(resource, canary.namespace_, desired);
    if (written.ok()) {
      observeRouteWrite(std::chrono::steady_clock::now() - started);
      if (cache != nullptr) cache->wrote(resource, canary.namespace_, name, *written);
      return WriteResult{existing == nullptr ? WriteAction::kCreated : WriteAction::kUpdated, *std::move(written),
                         attempt};
    }
    // Someone else wrote in between (update conflict, or a create race): read again and redo.
    if (!kube::isConflict(written.status()) && !kube::isAlreadyExists(written.status())) return written.status();
    last = written.status();
  }
  return absl::AbortedError("route " + canary.namespace_ + "/" + name + ": still conflicting after " +
                            std::to_string(maxAttempts) + " attempts: " + std::string(last.message()));
}

}  // namespace pennant::router::gatewayapi
