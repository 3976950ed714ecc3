#pragma once
// Requests a user makes with `pennant promote` / `pennant abort`: annotations on the Canary whose
// value is a request id (the CLI writes an RFC 3339 timestamp; any non-empty string works). The
// controller records the id it handled in status.handledRequests, so each request is acted on
// exactly once (a restart does not re-run it) and the annotation may stay on the object.
#include <string>

#include "api/canary.h"
#include "common/json.h"

namespace pennant::analysis {

inline constexpr const char* kPromoteAnnotation = "pennant.io/promote";
inline constexpr const char* kAbortAnnotation = "pennant.io/abort";

struct UserRequests {
  std::string promote;  // the pennant.io/promote value; "" = none
  std::string abort;    // the pennant.io/abort value; "" = none
  bool operator==(const UserRequests&) const = default;
};

// The request annotations of a Canary's metadata (non-string values are ignored).
UserRequests readUserRequests(const Json& metadata);

// A request whose id is set and differs from the one recorded as handled.
bool promotePending(const UserRequests& requests, const api::CanaryStatus& status);
bool abortPending(const UserRequests& requests, const api::CanaryStatus& status);
inline bool anyPending(const UserRequests& requests, const api::CanaryStatus& status) {
  return promotePending(requests, status) || abortPending(requests, status);
}

}  // namespace pennant::analysis
