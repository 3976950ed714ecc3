#pragma once
// The one place where API server answers become statuses. Every non-2xx answer maps to a status
// whose message is the server's Status.message (prefixed with verb and resource), whose code is:
//   404 NotFound            -> kNotFound
//   409 AlreadyExists       -> kAlreadyExists      (create)
//   409 Conflict            -> kAborted            (stale resourceVersion on update/patch)
//   410 Gone / Expired      -> kOutOfRange         (watch/list resourceVersion too old: re-list)
//   422 Invalid             -> kInvalidArgument    (message lists every field cause)
//   400 BadRequest          -> kInvalidArgument
//   401                     -> kUnauthenticated
//   403 Forbidden           -> kPermissionDenied   (message names verb and resource)
//   429 TooManyRequests     -> kResourceExhausted  (retried by the REST client first)
//   500/502/503/504         -> kUnavailable        (retried by the REST client first)
//   timeout                 -> kDeadlineExceeded
// and whose payload kReasonPayload carries the API server's `reason` ("Conflict", "Expired", ...).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace pennant::kube {

inline constexpr std::string_view kReasonPayload = "pennant.dev/k8s-reason";

struct FieldCause {
  std::string field;    // "spec.rules[0].matches[0].method.service"
  std::string reason;   // "FieldValueInvalid"
  std::string message;
};

// Builds the status for an HTTP answer. `verb` ("get", "update", ...) and `what`
// ("grpcroutes.gateway.networking.k8s.io default/greeter") go into the message.
Status statusFromResponse(int httpStatus, std::string_view body, std::string_view verb, std::string_view what);

// The API server's reason of a status built above, if any.
std::optional<std::string> reasonOf(const Status& status);
// Field causes of a 422 Invalid status.
std::vector<FieldCause> causesOf(const Status& status);

inline bool isNotFound(const Status& s) { return s.code() == StatusCode::kNotFound; }
inline bool isAlreadyExists(const Status& s) { return s.code() == StatusCode::kAlreadyExists; }
inline bool isConflict(const Status& s) { return s.code() == StatusCode::kAborted; }
inline bool isGone(const Status& s) { return s.code() == StatusCode::kOutOfRange; }
inline bool isInvalid(const Status& s) { return s.code() == StatusCode::kInvalidArgument; }
inline bool isForbidden(const Status& s) { return s.code() == StatusCode::kPermissionDenied; }
// Worth retrying with back-off (429, 5xx, transport errors, timeouts).
bool isRetryable(const Status& s);

}  // namespace pennant::kube
