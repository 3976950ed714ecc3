#pragma once
// A fixed table of an enum's values and their spellings, and the two lookups every such table
// needs. One helper instead of a hand-written loop pair per enum (phases, webhook types, ...).
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace pennant {

template <typename E, std::size_t N>
using NameTable = std::array<std::pair<E, std::string_view>, N>;

// The spelling of `value`, `fallback` when the table lacks it.
template <typename E, std::size_t N>
constexpr std::string_view nameIn(const NameTable<E, N>& table, E value, std::string_view fallback = "") {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return fallback;
}

// The value spelled `name`; nullopt when none is.
template <typename E, std::size_t N>
constexpr std::optional<E> valueIn(const NameTable<E, N>& table, std::string_view name) {
  for (const auto& [v, n] : table) {
    if (n == name) return v;
  }
  return std::nullopt;
}

}  // namespace pennant
