#include "router/route_rejection.h"

#include <string>

#include "common/name_table.h"

namespace pennant::router {
namespace {

constexpr char kPayloadUrl[] = "type.pennant.dev/RouteRejection";

constexpr NameTable<Rejection, 2> kReasons{{
    {Rejection::kInvalidRoute, "InvalidRoute"},
    {Rejection::kRouteNotOwned, "RouteNotOwned"},
}};

}  // namespace

std::string_view reasonOf(Rejection why) { return nameIn(kReasons, why, "InvalidRoute"); }

Status rejected(Rejection why, Status status) {
  if (!status.ok()) status.SetPayload(kPayloadUrl, absl::Cord(std::string(reasonOf(why))));
  return status;
}

std::optional<Rejection> rejectionOf(const Status& status) {
  auto mark = status.GetPayload(kPayloadUrl);  // absl::optional: not std::optional in Debian's abseil
  if (!mark) return std::nullopt;
  return valueIn(kReasons, std::string(*mark)).value_or(Rejection::kInvalidRoute);
}

}  // namespace pennant::router
