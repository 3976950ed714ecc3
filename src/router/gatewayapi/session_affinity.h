#pragma once
// Flagger's cookie session affinity for HTTPRoute: while the canary has weight, responses from the
// canary set a cookie and a sticky rule sends requests carrying it to the canary (and, with
// primaryCookieName, likewise for the primary); after the run a rule expires the old cookie.
#include <string>

#include "api/canary.h"
#include "common/json.h"
#include "router/gatewayapi/route_kind.h"

namespace pennant::router::gatewayapi {

// The cookie status fields for a route at `weight` ("name=value" strings, "" = none), following
// Flagger: a run keeps its cookies; at weight 0 the canary cookie becomes the previous one. New
// values are derived from the Canary and its lastAppliedSpec (not random) so rendering is
// deterministic and a new revision gets a new cookie. The controller stores these in the status.
struct SessionCookies {
  std::string canary;    // status.sessionAffinityCookie
  std::string primary;   // status.primarySessionAffinityCookie
  std::string previous;  // status.previousSessionAffinityCookie
};
SessionCookies sessionCookiesFor(const api::Canary& canary, int64_t weight);

// "<name>=<value>; Max-Age=<n>[; Domain=..][; HttpOnly][; Partitioned][; Path=..][; SameSite=..][; Secure]"
std::string buildCookie(const api::SessionAffinity& affinity, const std::string& nameValue, int64_t maxAge);

// The rules replacing weighted rule `weighted` (backendRefs set): [sticky canary, sticky primary?,
// weighted with Set-Cookie backend filters] during a run, [expire previous cookie?, weighted] at 0.
Json sessionAffinityRules(const api::Canary& canary, const RouteKind& kind, const Json& weighted, int64_t weight);

}  // namespace pennant::router::gatewayapi
