#pragma once
// GRPCRoute-specific part: method matches, GRPCHeaderMatch, the four GRPCRoute filter types.
#include "router/gatewayapi/route_kind.h"

namespace pennant::router::gatewayapi {

class GrpcRouteKind final : public RouteKind {
 public:
  // RouteKind
  std::string_view kind() const override { return api::kGrpcRouteKind; }
  std::string apiVersion(const api::Canary& canary) const override;
  StatusOr<Json> baseRules(const api::Canary& canary) const override;
  Json analysisMatch(const Json& entry) const override;
  std::optional<Json> mergeMatch(const Json& ruleMatch, const Json& analysis) const override;
  void applyDefaults(Json& spec) const override;
  void validateMatch(const Json& match, const std::string& path, api::Problems& out) const override;
  bool isFilterType(std::string_view type) const override;
};

// GRPCMethodMatch checks (the CRD's CEL rules): type, service/method presence and characters.
void validateGrpcMethod(const Json& method, const std::string& path, api::Problems& out);

}  // namespace pennant::router::gatewayapi
