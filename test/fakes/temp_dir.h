#pragma once
// A temporary directory for one test, removed with everything in it when the test is done.
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/json.h"

namespace pennant::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "pennant-test") {
    std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Writes (replaces) `name` in the directory and returns its path.
  std::string write(const std::string& name, const std::string& text, bool executable = false) const {
    std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
    if (executable) ::chmod(p.c_str(), 0755);
    return p;
  }
  std::string read(const std::string& name) const { return readFile(path_ + "/" + name).value_or(""); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace pennant::testing
