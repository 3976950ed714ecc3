#include "analysis/hooks.h"

#include <array>
#include <utility>

namespace pennant::analysis {
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

std::vector<HookSpec> hooksOfType(const api::Canary& canary, HookType type) {
  std::vector<HookSpec> out;
  if (!canary.analysis.webhooks.is_array()) return out;
  for (const Json& hook : canary.analysis.webhooks) {
    if (!hook.is_object()) continue;
    std::string typeName = stringAt(hook, {"type"});
    auto parsed = parseHookType(typeName);
    if (!parsed || *parsed != type) continue;
    HookSpec spec;
    spec.name = stringAt(hook, {"name"});
    spec.type = *parsed;
    const Json* mute = findPath(hook, {"muteAlert"});
    spec.muteAlert = mute && mute->is_boolean() && mute->get<bool>();
    out.push_back(std::move(spec));
  }
  return out;
}

}  // namespace pennant::analysis
