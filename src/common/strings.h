#pragma once
// String concatenation, once for the whole code base. Debian's Abseil has its own
// absl::string_view type (not an alias of std::string_view), so absl::StrCat does not accept
// std::string_view; this does, and numbers too (in fmt's shortest form).
#include <fmt/format.h>

#include <string>

namespace pennant {

template <typename... Args>
std::string strCat(const Args&... args) {
  std::string out;
  (out.append(fmt::to_string(args)), ...);
  return out;
}

}  // namespace pennant
