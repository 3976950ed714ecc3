#pragma once
// Canary checks that need no route: product.md section 4 for the Canary's own fields (weights,
// interval, provider, gatewayRefs, kind-only fields). Route-shape checks (rule/match/filter
// limits, gRPC method names) are in router/gatewayapi/route_validation.h.
#include "api/canary.h"
#include "api/problem.h"

namespace pennant::api {

inline constexpr int kMaxParentRefs = 32;
inline constexpr int kMaxHostnames = 16;
inline constexpr int64_t kMinIntervalSeconds = 10;

// Every problem found, each naming its field; empty when the Canary is valid.
Problems validateCanary(const Canary& canary);

// True for the providers Pennant routes with (gatewayapi:v1, gatewayapi:v1beta1).
bool isSupportedProvider(std::string_view provider);

// Gateway API Hostname: lower-case DNS name with an optional leading "*." wildcard label.
bool isValidHostname(std::string_view host);

}  // namespace pennant::api
