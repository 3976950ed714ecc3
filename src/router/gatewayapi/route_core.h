#pragma once
// Shared, pure route logic for HTTPRoute and GRPCRoute: the route the controller should write,
// weight read-back, the Accepted gate, ownership and the no-op check. No I/O: route_writer does
// the API calls around these functions.
#include <string>
#include <string_view>

#include "api/canary.h"
#include "common/json.h"
#include "common/status.h"
#include "router/gatewayapi/route_kind.h"
#include "router/router.h"

namespace pennant::router::gatewayapi {

// Name prefix of the rules Pennant adds for A/B testing; such rules are found by name only.
inline constexpr std::string_view kAbRulePrefix = "pennant-ab-";
// Annotations Flagger puts on generated routes so Flux does not fight the controller.
inline constexpr const char* kKustomizeReconcile = "kustomize.toolkit.fluxcd.io/reconcile";
inline constexpr const char* kHelmDriftDetection = "helm.toolkit.fluxcd.io/driftDetection";

// The complete route object (apiVersion, kind, metadata, spec) the controller writes.
// `existing`: the route as stored (nullptr if none). Managed mode: spec is rebuilt from the
// Canary with `state`'s weights; foreign labels, annotations and ownerReferences survive; a route
// not owned by the Canary is kFailedPrecondition. routeRef mode (`existing` required): only the
// shifted weights, Pennant's A/B rules and its mirror filter change. Invalid input is
// kInvalidArgument with one problem per line.
StatusOr<Json> desiredRoute(const api::Canary& canary, const Json* existing, const RouteState& state);

// Weights of the shifted rules (A/B rules when present); kFailedPrecondition when the route has
// no rule listing both the primary and the canary service.
StatusOr<Weights> readWeights(const api::Canary& canary, const Json& route);

struct Acceptance {
  bool accepted = true;
  std::string reason;  // why not, naming the parent
};
// Every status.parents[] entry whose parentRef matches a gatewayRef (the route's parentRefs for
// a routeRef without gatewayRefs) must report Accepted=True at metadata.generation; a missing
// observedGeneration counts as current, a parent with no status entry is not counted.
Acceptance acceptedByParents(const api::Canary& canary, const Json& route);

// kFailedPrecondition unless the route carries an ownerReference to this Canary.
Status checkOwnership(const api::Canary& canary, const Json& route);

// False when `desired` would change nothing in `current`: specs equal after the API server's
// defaults (and empty lists/objects equated), same labels, annotations and ownerReferences.
bool needsWrite(const Json& current, const Json& desired);

// spec with the kind's defaults applied and empty values removed (what needsWrite compares).
Json normalizedSpec(const Json& route);

}  // namespace pennant::router::gatewayapi
