#pragma once
// Router over the Gateway API (HTTPRoute and GRPCRoute, managed or referenced).
#include <memory>

#include "kube/client.h"
#include "router/gatewayapi/route_cache.h"
#include "router/router.h"

namespace pennant::router::gatewayapi {

class GatewayApiRouter final : public Router {
 public:
  // Without a cache every read goes to the API server.
  explicit GatewayApiRouter(kube::ClientPtr client, std::shared_ptr<RouteCache> cache = nullptr)
      : client_(std::move(client)), cache_(std::move(cache)) {}

  // Router
  StatusOr<WriteResult> setRoutes(const api::Canary& canary, const RouteState& state) override;
  StatusOr<Weights> getRoutes(const api::Canary& canary) override;
  Status checkRoutes(const api::Canary& canary, const RouteState& state) override;
  Status finalize(const api::Canary& canary) override;

 private:
  kube::ClientPtr client_;
  std::shared_ptr<RouteCache> cache_;
};

}  // namespace pennant::router::gatewayapi
