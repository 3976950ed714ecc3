#include "common/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <string>

namespace pennant {

void configureLogging(LogFormat format, std::string_view level) {
  auto logger = spdlog::stderr_color_mt("pennant");
  if (format == LogFormat::kJson) {
    // Messages are escaped by the caller-independent pattern below only for quotes-free text;
    // callers pass plain text, structured fields go in the message as key=value.
    logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":"%v"})", spdlog::pattern_time_type::utc);
  } else {
    logger->set_pattern("%H:%M:%S.%e %^%-5l%$ %v");
  }
  logger->set_level(spdlog::level::from_str(std::string(level)));
  spdlog::set_default_logger(logger);
}

}  // namespace pennant
