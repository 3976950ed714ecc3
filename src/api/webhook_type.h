#pragma once
// Webhook types of analysis.webhooks[] with Flagger's names: one definition for the state
// machine (analysis/), which decides which run, and notify/, which calls them.
#include <optional>
#include <string_view>

namespace pennant::api {

enum class HookType {
  kConfirmRollout,
  kPreRollout,
  kRollout,  // also the type "" (Flagger's default)
  kConfirmTrafficIncrease,
  kConfirmPromotion,
  kPostRollout,
  kRollback,
  kEvent,
};

// "confirm-rollout", "pre-rollout", ...
std::string_view hookTypeName(HookType type);
// "" -> kRollout; an unknown name -> nullopt.
std::optional<HookType> parseHookType(std::string_view name);

}  // namespace pennant::api
