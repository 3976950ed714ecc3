#include "http/http_client.h"

#include <absl/strings/match.h>
#include <absl/strings/string_view.h>

namespace pennant::http {

std::optional<std::string> Response::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, absl::string_view(name.data(), name.size()))) return value;
  }
  return std::nullopt;
}

}  // namespace pennant::http
