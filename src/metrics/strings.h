#pragma once
// String helpers for src/metrics. Debian's Abseil has its own absl::string_view (not an alias of
// std::string_view), so absl::StrCat & co. do not accept std::string_view; these do.
#include <absl/strings/string_view.h>
#include <fmt/format.h>

#include <string>
#include <string_view>

#include "common/strings.h"

namespace pennant::metrics {

using pennant::strCat;  // common/strings.h

inline std::string_view toStd(absl::string_view s) { return std::string_view(s.data(), s.size()); }
inline absl::string_view toAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

inline bool isAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

inline std::string_view stripWhitespace(std::string_view s) {
  while (!s.empty() && isAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace pennant::metrics
