#pragma once
// The traffic router: moves a Canary's traffic between the primary and canary backends. Four
// operations, like Flagger's router interface; the Gateway API router (router/gatewayapi) is the
// one implementation, for HTTPRoute and GRPCRoute.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "api/canary.h"
#include "common/json.h"
#include "common/status.h"
#include "kube/client.h"
#include "router/route_rejection.h"

namespace pennant::router {
namespace gatewayapi {
class RouteCache;
}

// What the route should express. Weights are percentages: primary 100-canaryWeight. The router
// knows no Canary phases: when A/B rules and the mirror are on is the analysis' decision
// (analysis/route_state.h), handed over as these fields.
struct RouteState {
  int64_t canaryWeight = 0;  // 0..100; for A/B testing, the weight of the A/B rules
  bool abRules = false;      // A/B testing: Pennant's A/B rules are on the route
  bool mirror = false;       // blue/green: mirror the shifted rules' traffic to the canary
  bool operator==(const RouteState&) const = default;
};

// Weights read back from a route (percentages).
struct Weights {
  int64_t primary = 100;
  int64_t canary = 0;
  bool mirrored = false;
  bool operator==(const Weights&) const = default;
};

enum class WriteAction { kCreated, kUpdated, kUnchanged };

struct WriteResult {
  WriteAction action = WriteAction::kUnchanged;
  Json route;        // the route as stored after the write (or as read when unchanged)
  int attempts = 0;  // 1 + conflict retries
};

class Router {
 public:
  virtual ~Router() = default;

  // Creates the route or brings it to `state`: conditional on resourceVersion (a conflict
  // re-reads and retries), no write when nothing changes. Invalid input is kInvalidArgument
  // (one problem per line) and writes nothing; a managed route owned by someone else is
  // kFailedPrecondition and is left alone. Both carry a Rejection (route_rejection.h); an error
  // without one (the API server's, a 422 included) is transient.
  virtual StatusOr<WriteResult> setRoutes(const api::Canary& canary, const RouteState& state) = 0;
  // Weights on the route. kUnavailable while a parent matching a gatewayRef has not Accepted the
  // route's current generation (weights not yet in effect must not be trusted).
  virtual StatusOr<Weights> getRoutes(const api::Canary& canary) = 0;
  // What setRoutes(canary, state) would refuse, found without writing anything: the same
  // rejections, and kNotFound for a referenced route that is missing.
  // The controller asks before initialisation so an unusable route stops the Canary before any
  // workload or Service is touched.
  virtual Status checkRoutes(const api::Canary& canary, const RouteState& state) = 0;
  // Called when the Canary is deleted: removes Pennant's A/B rules from a referenced route and
  // sends its traffic to the primary. A managed route goes with its ownerReference.
  virtual Status finalize(const api::Canary& canary) = 0;
};

using RouterPtr = std::unique_ptr<Router>;

// The router for a provider ("gatewayapi:v1", "gatewayapi:v1beta1"). Any other provider is
// kInvalidArgument: there is no silent fallback. With `routes`, route reads come from the
// controller's cache where it is current (router/gatewayapi/route_cache.h).
StatusOr<RouterPtr> makeRouter(std::string_view provider, kube::ClientPtr client,
                               std::shared_ptr<gatewayapi::RouteCache> routes = nullptr);

}  // namespace pennant::router
