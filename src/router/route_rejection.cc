#include "router/route_rejection.h"

#include <string>

namespace pennant::router {
namespace {

constexpr char kPayloadUrl[] = "type.pennant.dev/RouteRejection";

}  // namespace

std::string_view reasonOf(Rejection why) {
  switch (why) {
    case Rejection::kInvalidRoute:
      return "InvalidRoute";
    case Rejection::kRouteNotOwned:
      return "RouteNotOwned";
  }
  return "InvalidRoute";
}

Status rejected(Rejection why, Status status) {
  if (!status.ok()) status.SetPayload(kPayloadUrl, absl::Cord(std::string(reasonOf(why))));
  return status;
}

std::optional<Rejection> rejectionOf(const Status& status) {
  auto mark = status.GetPayload(kPayloadUrl);  // absl::optional: not std::optional in Debian's abseil
  if (!mark) return std::nullopt;
  return std::string(*mark) == reasonOf(Rejection::kRouteNotOwned) ? Rejection::kRouteNotOwned
                                                                   : Rejection::kInvalidRoute;
}

}  // namespace pennant::router
