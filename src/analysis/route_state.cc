#include "analysis/route_state.h"

namespace pennant::analysis {

bool abRulesActive(const api::Canary& canary, api::Phase p) {
  return canary.strategy() == api::Strategy::kAbTesting && (api::isAnalysing(p) || p == api::Phase::kPromoting);
}

router::RouteState routeStateFor(const api::Canary& canary, int64_t weight, api::Phase p) {
  if (p == api::Phase::kNone) p = weight > 0 ? api::Phase::kProgressing : api::Phase::kInitialized;
  router::RouteState state;
  state.canaryWeight = weight;
  state.abRules = abRulesActive(canary, p);
  state.mirror =
      canary.strategy() == api::Strategy::kBlueGreen && canary.analysis.mirror && weight == 0 && api::isAnalysing(p);
  return state;
}

}  // namespace pennant::analysis
