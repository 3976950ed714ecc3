#pragma once
// What a route expresses in each phase of the analysis: the one place that turns a Canary phase
// into the router's plain fields (router::RouteState), so the router compares no phases.
#include <cstdint>

#include "api/canary.h"
#include "api/phase.h"
#include "router/router.h"

namespace pennant::analysis {

// True while A/B rules belong on the route: A/B strategy and the analysis (or promotion) running
// (Progressing, WaitingPromotion, Promoting).
bool abRulesActive(const api::Canary& canary, api::Phase phase);

// The route state for `weight` in `phase` (kNone: Progressing when weight > 0, else Initialized).
// Mirroring follows Flagger's blue/green rule: analysis.mirror, weight 0, while the analysis runs.
router::RouteState routeStateFor(const api::Canary& canary, int64_t weight, api::Phase phase);

}  // namespace pennant::analysis
