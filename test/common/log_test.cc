#include "common/log.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

#include "common/json.h"

namespace pennant {
namespace {

TEST(ConfigureLogging, JsonLinesStayValidWhateverTheMessage) {
  configureLogging(LogFormat::kJson, "info");
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  auto logger = spdlog::default_logger();
  logger->sinks().clear();
  logger->sinks().push_back(sink);
  configureLogging(LogFormat::kJson, "info");  // re-applies the JSON formatter to the new sink
  spdlog::info("canary \"podinfo\" failed check\n{}", "tab\there");
  spdlog::debug("hidden at info level");
  logger->flush();
  auto line = out.str();
  ASSERT_FALSE(line.empty());
  auto parsed = parseJson(line.substr(0, line.find_last_not_of('\n') + 1));
  ASSERT_TRUE(parsed.ok()) << line;
  EXPECT_EQ((*parsed)["level"], "info");
  EXPECT_EQ((*parsed)["msg"], "canary \"podinfo\" failed check\ntab\there");
}

}  // namespace
}  // namespace pennant
