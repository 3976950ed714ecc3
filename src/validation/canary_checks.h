#pragma once
// The one validation façade: what the controller (the Validated condition) and `pennant validate`
// check before any traffic moves. The route checks (router/gatewayapi/route_validation.h) plus
// analysis.webhooks, analysis.metrics and analysis.alerts read the way the analysis will read
// them, so a webhook without a URL or a metric that is neither builtin nor has a query is refused
// up front instead of failing the first check at run time and rolling the canary back.
#include "api/canary.h"
#include "api/problem.h"

namespace pennant::validation {

// Every problem found, each naming its field under spec.; empty when the Canary is valid.
api::Problems checkCanary(const api::Canary& canary);

// The analysis part alone (webhooks, metrics, alerts).
api::Problems checkAnalysisHooks(const api::Analysis& analysis);

}  // namespace pennant::validation
