#include "api/webhook_type.h"

#include "common/name_table.h"

namespace pennant::api {
namespace {

constexpr NameTable<HookType, 8> kHookTypeNames{{
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

std::string_view hookTypeName(HookType type) { return nameIn(kHookTypeNames, type, "rollout"); }

std::optional<HookType> parseHookType(std::string_view name) {
  if (name.empty()) return HookType::kRollout;
  return valueIn(kHookTypeNames, name);
}

}  // namespace pennant::api
