#pragma once
// Webhook types of analysis.webhooks[] (Flagger's names) and the few fields the state machine
// needs to decide; calling hooks and their payloads belong to notify/.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/canary.h"

namespace pennant::analysis {

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

struct HookSpec {
  std::string name;
  HookType type = HookType::kRollout;
  bool muteAlert = false;
};

// The hooks of `type` in spec order. Entries that are not objects or have an unknown type are
// skipped (validation reports them).
std::vector<HookSpec> hooksOfType(const api::Canary& canary, HookType type);

}  // namespace pennant::analysis
