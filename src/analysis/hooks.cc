#include "analysis/hooks.h"

namespace pennant::analysis {

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
