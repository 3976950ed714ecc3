#pragma once
// The Canary's status as JSON, the validation condition, and the one status write of a reconcile.
#include <functional>
#include <string>
#include <string_view>

#include "api/canary.h"
#include "common/clock.h"
#include "common/json.h"
#include "common/status.h"
#include "kube/client.h"

namespace pennant::controller {

// Condition type Pennant sets when the spec cannot be acted on (validation problems, a route
// owned by someone else). Status False while invalid; removed once the Canary is valid again.
inline constexpr const char* kValidatedCondition = "Validated";

// status with every field Pennant writes, merged over `existing` (fields others wrote survive).
// Empty strings are left out: the CRD declares lastTransitionTime as date-time.
Json statusToJson(const api::CanaryStatus& status, const Json& existing = Json::object());

// `conditions` with the Validated condition set to False(reason, message); its
// lastTransitionTime is kept when it was already False.
Json withInvalidCondition(const Json& conditions, std::string_view reason, std::string_view message,
                          Clock::TimePoint now);
// `conditions` without the Validated condition.
Json withoutInvalidCondition(const Json& conditions);

// Writes `status` to the Canary's status subresource, conditional on the resourceVersion of
// `canary`; a conflict re-reads the Canary and writes again (at most `attempts` times), keeping
// whatever others changed outside the status.
Status writeStatus(kube::Client& client, const Json& canary, const api::CanaryStatus& status, int attempts = 5);
// The same with the new status computed from the status currently stored (for Canaries that do
// not parse, whose status is kept as JSON).
Status writeStatusJson(kube::Client& client, const Json& canary, const std::function<Json(const Json&)>& makeStatus,
                       int attempts = 5);

}  // namespace pennant::controller
