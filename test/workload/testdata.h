#pragma once
// Loads test fixtures from test/workload/testdata (and the repository's deploy/ tree).
#include <gtest/gtest.h>

#include <string>

#include "common/json.h"

namespace pennant::workload::testing {

inline std::string sourcePath(const std::string& relative) { return std::string(PENNANT_SOURCE_DIR) + "/" + relative; }

// Parses a YAML/JSON fixture under test/workload/testdata; fails the test when it cannot.
inline Json fixture(const std::string& name) {
  auto text = readFile(sourcePath("test/workload/testdata/" + name));
  EXPECT_TRUE(text.ok()) << text.status();
  if (!text.ok()) return Json();
  auto json = parseYaml(*text, name);
  EXPECT_TRUE(json.ok()) << json.status();
  return json.ok() ? *json : Json();
}

}  // namespace pennant::workload::testing
