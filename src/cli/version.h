#pragma once
namespace pennant {
inline constexpr const char* kVersion = "0.1.0";
}
