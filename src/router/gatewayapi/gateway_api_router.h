#pragma once
// Router over the Gateway API (HTTPRoute and GRPCRoute, managed or referenced).
#include "kube/client.h"
#include "router/router.h"

namespace pennant::router::gatewayapi {

class GatewayApiRouter final : public Router {
 public:
  explicit GatewayApiRouter(kube::ClientPtr client) : client_(std::move(client)) {}

  // Router
  StatusOr<WriteResult> setRoutes(const api::Canary& canary, const RouteState& state) override;
  StatusOr<Weights> getRoutes(const api::Canary& canary) override;
  Status finalize(const api::Canary& canary) override;

 private:
  kube::ClientPtr client_;
};

}  // namespace pennant::router::gatewayapi
