#pragma once
// HTTPRoute-specific part: Flagger's default rule, path/query/method matches, HTTP-only filters.
#include "router/gatewayapi/route_kind.h"

namespace pennant::router::gatewayapi {

class HttpRouteKind final : public RouteKind {
 public:
  // RouteKind
  std::string_view kind() const override { return api::kHttpRouteKind; }
  std::string apiVersion(const api::Canary& canary) const override;
  StatusOr<Json> baseRules(const api::Canary& canary) const override;
  Json analysisMatch(const Json& entry) const override;
  std::optional<Json> mergeMatch(const Json& ruleMatch, const Json& analysis) const override;
  void applyDefaults(Json& spec) const override;
  void validateMatch(const Json& match, const std::string& path, api::Problems& out) const override;
  bool isFilterType(std::string_view type) const override;
};

}  // namespace pennant::router::gatewayapi
