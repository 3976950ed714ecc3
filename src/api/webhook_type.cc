#include "api/webhook_type.h"

#include <array>
#include <utility>

namespace pennant::api {
namespace {

constexpr std::array<std::pair<HookType, std::string_view>, 8> kNames{{
    {HookType::kConfirmRollout, "confirm-rollout"},
    {HookType::kPreRollout, "pre-rollout"},
    {HookType::kRollout, "rollout"},
    {HookType::kConfirmTrafficIncrease, "confirm-traffic-increase"},
    {HookType::kConfirmPromotion, "confirm-promotion"},
    {HookType::kPostRollout, "post-rollout"},
    {HookType::kRollback, "rollback"},
    {HookType::kEvent, "event"},
}};

}  // namespace

std::string_view hookTypeName(HookType type) {
  for (const auto& [t, name] : kNames) {
    if (t == type) return name;
  }
  return "rollout";
}

std::optional<HookType> parseHookType(std::string_view name) {
  if (name.empty()) return HookType::kRollout;
  for (const auto& [t, n] : kNames) {
    if (n == name) return t;
  }
  return std::nullopt;
}

}  // namespace pennant::api
