#pragma once
// JSON is nlohmann::json throughout. Kubernetes objects stay JSON documents so fields Pennant
// does not know survive a round trip. nlohmann's default object type is a sorted std::map, which
// makes every dump deterministic (same input, same bytes).
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace pennant {

using Json = nlohmann::json;

// Parses JSON text; malformed input is kInvalidArgument naming `what`, never an exception.
StatusOr<Json> parseJson(std::string_view text, std::string_view what = "JSON");

// Parses a YAML or JSON document into JSON (YAML is a superset of JSON).
StatusOr<Json> parseYaml(std::string_view text, std::string_view what = "YAML");

// Parses a YAML stream ("---"-separated documents) into one JSON value per non-empty document.
StatusOr<std::vector<Json>> parseYamlStream(std::string_view text, std::string_view what = "YAML");

// Renders JSON as YAML (block style, keys in order).
std::string toYaml(const Json& value);

// Reads a whole file; kNotFound when it does not exist.
StatusOr<std::string> readFile(const std::string& path);

// Null-safe lookup of a nested field: value at path or nullptr when any step is missing.
const Json* findPath(const Json& root, std::initializer_list<std::string_view> path);

// String field or `fallback` when missing / not a string.
std::string stringAt(const Json& root, std::initializer_list<std::string_view> path, std::string_view fallback = "");

}  // namespace pennant
