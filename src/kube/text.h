#pragma once
// String concatenation for kube messages. Debian's Abseil has its own string_view type, so
// absl::StrCat does not accept std::string_view; this small helper does.
#include <string>
#include <string_view>
#include <type_traits>

namespace pennant::kube {

template <typename... Args>
std::string concat(const Args&... args) {
  std::string out;
  auto append = [&out](const auto& piece) {
    using T = std::decay_t<decltype(piece)>;
    if constexpr (std::is_arithmetic_v<T>) {
      out += std::to_string(piece);
    } else {
      out += std::string_view(piece);
    }
  };
  (append(args), ...);
  return out;
}

}  // namespace pennant::kube
