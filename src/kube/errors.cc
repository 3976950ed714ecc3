#include "kube/errors.h"

#include "common/strings.h"

namespace pennant::kube {
namespace {

// Field causes travel as a JSON array payload so causesOf() can hand them back.
constexpr std::string_view kCausesPayload = "pennant.dev/k8s-causes";

StatusCode codeFor(int httpStatus, std::string_view reason, std::string_view verb) {
  switch (httpStatus) {
    case 400:
      return StatusCode::kInvalidArgument;
    case 401:
      return StatusCode::kUnauthenticated;
    case 403:
      return StatusCode::kPermissionDenied;
    case 404:
      return StatusCode::kNotFound;
    case 405:
      return StatusCode::kUnimplemented;
    case 408:
      return StatusCode::kDeadlineExceeded;
    case 409:
      if (reason == "AlreadyExists") return StatusCode::kAlreadyExists;
      if (reason == "Conflict") return StatusCode::kAborted;
      return verb == "create" ? StatusCode::kAlreadyExists : StatusCode::kAborted;
    case 410:
      return StatusCode::kOutOfRange;
    case 412:
      return StatusCode::kFailedPrecondition;
    case 413:
    case 415:
    case 422:
      return StatusCode::kInvalidArgument;
    case 429:
      return StatusCode::kResourceExhausted;
    case 501:
      return StatusCode::kUnimplemented;
    default:
      break;
  }
  if (httpStatus >= 500 && httpStatus < 600) return StatusCode::kUnavailable;
  return StatusCode::kUnknown;
}

// The reason Kubernetes uses for a code when the body does not say (metav1.StatusReason).
std::string_view defaultReason(int httpStatus) {
  switch (httpStatus) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 405:
      return "MethodNotAllowed";
    case 408:
      return "Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 413:
      return "RequestEntityTooLarge";
    case 415:
      return "UnsupportedMediaType";
    case 422:
      return "Invalid";
    case 429:
      return "TooManyRequests";
    case 500:
      return "InternalError";
    case 503:
      return "ServiceUnavailable";
    case 504:
      return "Timeout";
    default:
      return "";
  }
}

std::vector<FieldCause> parseCauses(const Json& status) {
  std::vector<FieldCause> causes;
  const Json* list = findPath(status, {"details", "causes"});
  if (list == nullptr || !list->is_array()) return causes;
  for (const Json& c : *list) {
    if (!c.is_object()) continue;
    causes.push_back({stringAt(c, {"field"}), stringAt(c, {"reason"}), stringAt(c, {"message"})});
  }
  return causes;
}

}  // namespace

Status statusFromResponse(int httpStatus, std::string_view body, std::string_view verb, std::string_view what) {
  Json status = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!status.is_object()) status = Json::object();
  std::string reason = stringAt(status, {"reason"});
  std::string serverMessage = stringAt(status, {"message"});
  if (serverMessage.empty()) {
    // Not a metav1.Status (a proxy's HTML page, plain text): keep a bounded excerpt of it.
    std::string_view excerpt = body.substr(0, 200);
    serverMessage = excerpt.empty() ? strCat("HTTP ", httpStatus) : strCat("HTTP ", httpStatus, ": ", excerpt);
  }
  std::vector<FieldCause> causes = parseCauses(status);
  std::string message = strCat(verb, " ", what, ": ", serverMessage);
  for (const FieldCause& c : causes) {
    std::string line = c.field.empty() ? c.message : strCat(c.field, ": ", c.message);
    if (serverMessage.find(line) == std::string::npos) message += strCat("; ", line);
  }
  const StatusCode code = codeFor(httpStatus, reason, verb);
  Status out(code, message);
  if (reason.empty()) reason = std::string(defaultReason(httpStatus));
  if (!reason.empty())
    out.SetPayload(absl::string_view(kReasonPayload.data(), kReasonPayload.size()), absl::Cord(reason));
  if (!causes.empty()) {
    Json encoded = Json::array();
    for (const FieldCause& c : causes)
      encoded.push_back({{"field", c.field}, {"reason", c.reason}, {"message", c.message}});
    out.SetPayload(absl::string_view(kCausesPayload.data(), kCausesPayload.size()), absl::Cord(encoded.dump()));
  }
  return out;
}

std::optional<std::string> reasonOf(const Status& status) {
  auto payload = status.GetPayload(absl::string_view(kReasonPayload.data(), kReasonPayload.size()));
  if (!payload) return std::nullopt;
  return std::string(*payload);
}

std::vector<FieldCause> causesOf(const Status& status) {
  auto payload = status.GetPayload(absl::string_view(kCausesPayload.data(), kCausesPayload.size()));
  if (!payload) return {};
  Json encoded = Json::parse(std::string(*payload), nullptr, false);
  Json wrapped = {{"details", {{"causes", encoded}}}};
  return parseCauses(wrapped);
}

bool isRetryable(const Status& s) {
  switch (s.code()) {
    case StatusCode::kResourceExhausted:
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
      return true;
    default:
      return false;
  }
}

}  // namespace pennant::kube
