#include "api/canary_validation.h"
#include "router/gatewayapi/gateway_api_router.h"
#include "router/router.h"

namespace pennant::router {

StatusOr<RouterPtr> makeRouter(std::string_view provider, kube::ClientPtr client,
                               std::shared_ptr<gatewayapi::RouteCache> routes) {
  std::string effective = provider.empty() ? api::kProviderGatewayV1 : std::string(provider);
  if (!api::isSupportedProvider(effective)) {
    return absl::InvalidArgumentError("spec.provider: unsupported provider \"" + std::string(provider) +
                                      "\"; Pennant supports gatewayapi:v1 and gatewayapi:v1beta1");
  }
  if (client == nullptr) return absl::InvalidArgumentError("router: a Kubernetes client is required");
  return RouterPtr(std::make_unique<gatewayapi::GatewayApiRouter>(std::move(client), std::move(routes)));
}

}  // namespace pennant::router
