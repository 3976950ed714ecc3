#pragma once
// Structured logging on spdlog: JSON lines by default (for log collectors), a human format for
// terminals. Use the spdlog free functions (spdlog::info(...)) after configureLogging().
#include <spdlog/spdlog.h>

#include <string_view>

namespace pennant {

enum class LogFormat { kJson, kText };

// level: trace|debug|info|warn|error. Unknown levels fall back to info.
void configureLogging(LogFormat format, std::string_view level);

}  // namespace pennant
