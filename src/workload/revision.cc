#include "workload/revision.h"

namespace pennant::workload {

uint32_t fnv32a(std::string_view bytes) {
  uint32_t hash = 2166136261u;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash;
}

std::string safeEncodeString(std::string_view text) {
  static constexpr std::string_view kAlphanums = "bcdfghjklmnpqrstvwxz2456789";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) out += kAlphanums[c % kAlphanums.size()];
  return out;
}

std::string computeHash(const Json& value) {
  std::string bytes = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  return safeEncodeString(std::to_string(fnv32a(bytes)));
}

std::string podTemplateHash(const Json& deployment) {
  const Json* templ = findPath(deployment, {"spec", "template"});
  return computeHash(templ == nullptr ? Json(nullptr) : *templ);
}

bool hasSpecChanged(const std::string& currentHash, const std::string& lastAppliedSpec,
                    const std::string& lastPromotedSpec) {
  if (lastAppliedSpec.empty()) return true;
  if (currentHash == lastPromotedSpec) return false;
  return currentHash != lastAppliedSpec;
}

std::string statusChecksum(const Json& trackedConfigs, const std::string& lastAppliedSpec) {
  return computeHash(Json{{"lastAppliedSpec", lastAppliedSpec},
                          {"trackedConfigs", trackedConfigs.is_null() ? Json::object() : trackedConfigs}});
}

}  // namespace pennant::workload
