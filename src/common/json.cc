#include "common/json.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <fstream>
#include <sstream>

namespace pennant {

StatusOr<Json> parseJson(std::string_view text, std::string_view what) {
  Json out = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (out.is_discarded()) {
    // Parse again only to get the position for the message.
    try {
      Json unused = Json::parse(text);
      (void)unused;
    } catch (const Json::parse_error& e) {
      return absl::InvalidArgumentError(std::string(what) + ": malformed JSON: " + e.what());
    }
    return absl::InvalidArgumentError(std::string(what) + ": malformed JSON");
  }
  return out;
}

namespace {

// YAML 1.2 core schema for plain (unquoted) scalars; quoted scalars are always strings.
Json plainScalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  const char* digits = (*b == '-' || *b == '+') ? b + 1 : b;
  if (digits < e && std::isdigit(static_cast<unsigned char>(*digits))) {
    int64_t i = 0;
    auto [p, ec] = std::from_chars(*b == '+' ? b + 1 : b, e, i);
    if (ec == std::errc() && p == e) return i;
    double d = 0;
    auto [p2, ec2] = std::from_chars(*b == '+' ? b + 1 : b, e, d);
    if (ec2 == std::errc() && p2 == e) return d;
  }
  return s;
}

StatusOr<Json> toJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return Json(nullptr);
    case YAML::NodeType::Scalar:
      if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") return Json(node.Scalar());
      return plainScalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      Json arr = Json::array();
      for (const auto& item : node) {
        PENNANT_ASSIGN_OR_RETURN(Json v, toJson(item));
        arr.push_back(std::move(v));
      }
      return arr;
    }
    case YAML::NodeType::Map: {
      Json obj = Json::object();
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) return absl::InvalidArgumentError("non-scalar mapping key");
        PENNANT_ASSIGN_OR_RETURN(Json v, toJson(kv.second));
        obj[kv.first.Scalar()] = std::move(v);
      }
      return obj;
    }
  }
  return Json(nullptr);
}

void emit(YAML::Emitter& out, const Json& v) {
  if (v.is_object()) {
    out << YAML::BeginMap;
    for (const auto& [k, item] : v.items()) {
      out << YAML::Key << k << YAML::Value;
      emit(out, item);
    }
    out << YAML::EndMap;
  } else if (v.is_array()) {
    out << YAML::BeginSeq;
    for (const auto& item : v) emit(out, item);
    out << YAML::EndSeq;
  } else if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    // Quote strings that would otherwise read back as another type.
    Json back = plainScalar(s);
    if (!back.is_string() || s.empty())
      out << YAML::DoubleQuoted << s;
    else
      out << s;
  } else if (v.is_boolean()) {
    out << (v.get<bool>() ? "true" : "false");
  } else if (v.is_null()) {
    out << YAML::Null;
  } else {
    out << v.dump();
  }
}

}  // namespace

StatusOr<Json> parseYaml(std::string_view text, std::string_view what) {
  try {
    YAML::Node node = YAML::Load(std::string(text));
    auto out = toJson(node);
    if (!out.ok()) return absl::InvalidArgumentError(std::string(what) + ": " + std::string(out.status().message()));
    return out;
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(std::string(what) + ": malformed YAML: " + e.what());
  }
}

StatusOr<std::vector<Json>> parseYamlStream(std::string_view text, std::string_view what) {
  try {
    std::vector<Json> out;
    for (const YAML::Node& node : YAML::LoadAll(std::string(text))) {
      if (node.IsNull()) continue;
      auto doc = toJson(node);
      if (!doc.ok()) {
        return absl::InvalidArgumentError(std::string(what) + ": document " + std::to_string(out.size() + 1) + ": " +
                                          std::string(doc.status().message()));
      }
      out.push_back(*std::move(doc));
    }
    return out;
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(std::string(what) + ": malformed YAML: " + e.what());
  }
}

std::string toYaml(const Json& value) {
  YAML::Emitter out;
  emit(out, value);
  return std::string(out.c_str()) + "\n";
}

StatusOr<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const Json* findPath(const Json& root, std::initializer_list<std::string_view> path) {
  const Json* cur = &root;
  for (auto key : path) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(key);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

std::string stringAt(const Json& root, std::initializer_list<std::string_view> path, std::string_view fallback) {
  const Json* v = findPath(root, path);
  if (v == nullptr || !v->is_string()) return std::string(fallback);
  return v->get<std::string>();
}

}  // namespace pennant
