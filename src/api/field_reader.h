#pragma once
// Typed reads of optional fields of a JSON object that record a Problem (instead of throwing) when
// a field has the wrong type, so a parser reports every bad field at once.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/problem.h"
#include "common/json.h"

namespace pennant::api {

class FieldReader {
 public:
  // `object` may be null or a non-object: then every field reads as absent (and a non-object,
  // non-null value is itself reported).
  FieldReader(const Json* object, std::string path, Problems& problems);

  const std::string& path() const { return path_; }
  std::string fieldPath(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  bool has(std::string_view key) const { return field(key) != nullptr; }
  const Json* field(std::string_view key) const;

  std::optional<std::string> string(std::string_view key);
  std::optional<int64_t> integer(std::string_view key);
  std::optional<bool> boolean(std::string_view key);
  // Object or array kept as JSON; nullopt when absent, problem when of the other kind.
  std::optional<Json> object(std::string_view key);
  std::optional<Json> array(std::string_view key);
  std::vector<std::string> stringList(std::string_view key);
  std::vector<int64_t> integerList(std::string_view key);
  // A nested reader for an object field.
  FieldReader child(std::string_view key);

 private:
  void wrongType(std::string_view key, std::string_view expected);

  const Json* object_;
  std::string path_;
  Problems* problems_;
};

}  // namespace pennant::api
