#pragma once
// Webhook types of analysis.webhooks[] (Flagger's names) and the few fields the state machine
// needs to decide; calling hooks and their payloads belong to notify/.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/canary.h"
#include "api/webhook_type.h"

namespace pennant::analysis {

using api::HookType;
using api::hookTypeName;
using api::parseHookType;

struct HookSpec {
  std::string name;
  HookType type = HookType::kRollout;
  bool muteAlert = false;
};

// The hooks of `type` in spec order. Entries that are not objects or have an unknown type are
// skipped (validation reports them).
std::vector<HookSpec> hooksOfType(const api::Canary& canary, HookType type);

}  // namespace pennant::analysis
