#include "workload/schema_checks.h"

namespace pennant::workload::testing {
namespace {

bool flag(const Json& schema, const char* key) {
  return schema.is_object() && schema.contains(key) && schema[key].is_boolean() && schema[key].get<bool>();
}

// Value validations (oneOf/anyOf/allOf/not) may not carry type, description, default,
// additionalProperties, nullable or x-kubernetes-* extensions.
void checkValueValidation(const Json& node, const std::string& path, std::vector<std::string>& out) {
  if (!node.is_object()) return;
  for (const auto& [key, value] : node.items()) {
    if (key == "type" || key == "description" || key == "default" || key == "additionalProperties" ||
        key == "nullable" || key.starts_with("x-kubernetes-")) {
      out.push_back(path + ": '" + key + "' inside a value validation");
    }
    if (key == "not") checkValueValidation(value, path + ".not", out);
    if ((key == "oneOf" || key == "anyOf" || key == "allOf") && value.is_array()) {
      for (const Json& branch : value) checkValueValidation(branch, path + "." + key, out);
    }
    if (key == "properties" && value.is_object()) {
      for (const auto& [name, sub] : value.items()) checkValueValidation(sub, path + "." + name, out);
    }
  }
}

void checkNode(const Json& schema, const std::string& path, bool needsType, std::vector<std::string>& out) {
  if (!schema.is_object()) {
    out.push_back(path + ": schema is not an object");
    return;
  }
  bool exempt = flag(schema, "x-kubernetes-int-or-string") || flag(schema, "x-kubernetes-preserve-unknown-fields");
  if (needsType && !exempt && !schema.contains("type")) out.push_back(path + ": no type");
  if (schema.contains("properties") && schema.contains("additionalProperties")) {
    out.push_back(path + ": both properties and additionalProperties");
  }
  for (const char* key : {"oneOf", "anyOf", "allOf"}) {
    if (schema.contains(key)) {
      for (const Json& branch : schema[key]) checkValueValidation(branch, path + "." + key, out);
    }
  }
  if (schema.contains("not")) checkValueValidation(schema["not"], path + ".not", out);
  if (schema.contains("properties")) {
    for (const auto& [name, sub] : schema["properties"].items()) checkNode(sub, path + "." + name, true, out);
  }
  if (schema.contains("additionalProperties") && schema["additionalProperties"].is_object()) {
    checkNode(schema["additionalProperties"], path + ".*", true, out);
  }
  if (schema.contains("items")) checkNode(schema["items"], path + "[]", true, out);
  if (schema.value("type", "") == "array" && !schema.contains("items")) out.push_back(path + ": array without items");
}

bool satisfiesRequired(const Json& value, const Json& branch) {
  if (!branch.contains("required")) return true;
  for (const Json& key : branch["required"]) {
    if (!value.is_object() || !value.contains(key.get<std::string>())) return false;
  }
  return true;
}

void validate(const Json& value, const Json& schema, const std::string& path, std::vector<std::string>& out) {
  if (flag(schema, "x-kubernetes-int-or-string")) {
    if (!value.is_number_integer() && !value.is_string()) out.push_back(path + ": not int-or-string");
    return;
  }
  std::string type = schema.value("type", "");
  bool typeOk = type.empty() || (type == "object" && value.is_object()) || (type == "array" && value.is_array()) ||
                (type == "string" && value.is_string()) || (type == "number" && value.is_number()) ||
                (type == "integer" && value.is_number_integer()) || (type == "boolean" && value.is_boolean());
  if (!typeOk) {
    out.push_back(path + ": expected " + type + ", got " + value.dump());
    return;
  }
  if (schema.contains("enum")) {
    bool found = false;
    for (const Json& allowed : schema["enum"]) found = found || allowed == value;
    if (!found) out.push_back(path + ": " + value.dump() + " not in enum");
  }
  if (!satisfiesRequired(value, schema)) out.push_back(path + ": missing a required field");
  if (schema.contains("oneOf")) {
    int matches = 0;
    for (const Json& branch : schema["oneOf"]) matches += satisfiesRequired(value, branch) ? 1 : 0;
    if (matches != 1) out.push_back(path + ": oneOf matched " + std::to_string(matches) + " branches");
  }
  if (value.is_object()) {
    for (const auto& [key, sub] : value.items()) {
      if (schema.contains("properties") && schema["properties"].contains(key)) {
        validate(sub, schema["properties"][key], path + "." + key, out);
      } else if (schema.contains("additionalProperties") && schema["additionalProperties"].is_object()) {
        validate(sub, schema["additionalProperties"], path + "." + key, out);
      } else if (!flag(schema, "x-kubernetes-preserve-unknown-fields")) {
        out.push_back(path + "." + key + ": unknown field (would be pruned)");
      }
    }
  }
  if (value.is_array() && schema.contains("items")) {
    for (size_t i = 0; i < value.size(); ++i)
      validate(value[i], schema["items"], path + "[" + std::to_string(i) + "]", out);
  }
}

}  // namespace

std::vector<std::string> structuralProblems(const Json& schema) {
  std::vector<std::string> out;
  checkNode(schema, "", true, out);
  if (const Json* metadata = findPath(schema, {"properties", "metadata"})) {
    for (const auto& [key, value] : metadata->items()) {
      if (key != "type") out.push_back(".metadata: only 'type' may be specified, found '" + key + "'");
    }
  }
  return out;
}

std::vector<std::string> validationProblems(const Json& value, const Json& schema, const std::string& path) {
  std::vector<std::string> out;
  // Root metadata is ObjectMeta, validated by the API server itself, never pruned.
  Json withoutMetadata = value;
  if (path.empty() && withoutMetadata.is_object()) withoutMetadata.erase("metadata");
  validate(withoutMetadata, schema, path, out);
  return out;
}

}  // namespace pennant::workload::testing
