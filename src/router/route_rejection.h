#pragma once
// Why the router refused a route write for good. The Canary or the route must change before the
// same write can succeed, so the controller reports it (a condition and an Event) and stops
// retrying. Every other error, an API server 422 from an admission webhook included, is
// transient to the controller and retried with back-off. The mark travels as a payload on the
// absl::Status, so it survives annotate() and PENNANT_RETURN_IF_ERROR unchanged.
#include <optional>
#include <string_view>

#include "common/status.h"

namespace pennant::router {

enum class Rejection {
  kInvalidRoute,   // the route Pennant would write is invalid (the Canary or the referenced route)
  kRouteNotOwned,  // a managed route exists and belongs to someone else
};

// `status` (not OK) marked as a rejection.
Status rejected(Rejection why, Status status);
// The mark of a status the router rejected; nullopt for every other status.
std::optional<Rejection> rejectionOf(const Status& status);
// The condition and Event reason: "InvalidRoute", "RouteNotOwned".
std::string_view reasonOf(Rejection why);

}  // namespace pennant::router
