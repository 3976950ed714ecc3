#include "common/status.h"

#include <string>

namespace pennant {

Status annotate(const Status& status, std::string_view context) {
  if (status.ok()) return status;
  Status out(status.code(), std::string(context) + ": " + std::string(status.message()));
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) { out.SetPayload(url, payload); });
  return out;
}

}  // namespace pennant
