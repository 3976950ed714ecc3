#include "router/gatewayapi/route_kind.h"

#include "router/gatewayapi/grpc_route.h"
#include "router/gatewayapi/http_route.h"

namespace pennant::router::gatewayapi {

const RouteKind* routeKindFor(std::string_view kind) {
  static const GrpcRouteKind grpc;
  static const HttpRouteKind http;
  if (kind == grpc.kind()) return &grpc;
  if (kind == http.kind()) return &http;
  return nullptr;
}

std::string escapeRegex(std::string_view literal) {
  std::string out;
  out.reserve(literal.size() + 4);
  for (char ch : literal) {
    if (std::string_view("\\.^$|?*+()[]{}").find(ch) != std::string_view::npos) out.push_back('\\');
    out.push_back(ch);
  }
  return out;
}

Json headerCondition(const std::string& name, const Json& condition) {
  auto value = [&](const char* key) { return condition.value(key, std::string()); };
  if (condition.contains("exact")) return {{"name", name}, {"type", "Exact"}, {"value", value("exact")}};
  if (condition.contains("regex")) return {{"name", name}, {"type", "RegularExpression"}, {"value", value("regex")}};
  // Gateway API has no prefix/suffix header match: an escaped regex over the whole value.
  if (condition.contains("prefix")) {
    return {{"name", name}, {"type", "RegularExpression"}, {"value", escapeRegex(value("prefix")) + ".*"}};
  }
  return {{"name", name}, {"type", "RegularExpression"}, {"value", ".*" + escapeRegex(value("suffix"))}};
}

}  // namespace pennant::router::gatewayapi
