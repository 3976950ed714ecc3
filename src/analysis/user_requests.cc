#include "analysis/user_requests.h"

namespace pennant::analysis {
namespace {

std::string annotation(const Json& metadata, const char* key) {
  const Json* value = findPath(metadata, {"annotations", key});
  return value && value->is_string() ? value->get<std::string>() : "";
}

}  // namespace

UserRequests readUserRequests(const Json& metadata) {
  return UserRequests{annotation(metadata, kPromoteAnnotation), annotation(metadata, kAbortAnnotation)};
}

bool promotePending(const UserRequests& requests, const api::CanaryStatus& status) {
  return !requests.promote.empty() && requests.promote != status.handledRequests.promote;
}

bool abortPending(const UserRequests& requests, const api::CanaryStatus& status) {
  return !requests.abort.empty() && requests.abort != status.handledRequests.abort;
}

}  // namespace pennant::analysis
