#include "api/field_reader.h"

#include <cmath>

namespace pennant::api {

FieldReader::FieldReader(const Json* object, std::string path, Problems& problems)
    : object_(object), path_(std::move(path)), problems_(&problems) {
  if (object_ != nullptr && !object_->is_object() && !object_->is_null()) {
    problems_->push_back({path_, "must be an object"});
  }
  if (object_ != nullptr && !object_->is_object()) object_ = nullptr;
}

const Json* FieldReader::field(std::string_view key) const {
  if (object_ == nullptr) return nullptr;
  auto it = object_->find(key);
  if (it == object_->end() || it->is_null()) return nullptr;
  return &*it;
}

void FieldReader::wrongType(std::string_view key, std::string_view expected) {
  problems_->push_back({fieldPath(key), "must be " + std::string(expected)});
}

std::optional<std::string> FieldReader::string(std::string_view key) {
  const Json* v = field(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    wrongType(key, "a string");
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<int64_t> FieldReader::integer(std::string_view key) {
  const Json* v = field(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_number_integer()) return v->get<int64_t>();
  if (v->is_number_float()) {
    double d = v->get<double>();
    if (std::floor(d) == d) return static_cast<int64_t>(d);
  }
  wrongType(key, "an integer");
  return std::nullopt;
}

std::optional<bool> FieldReader::boolean(std::string_view key) {
  const Json* v = field(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) {
    wrongType(key, "true or false");
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<Json> FieldReader::object(std::string_view key) {
  const Json* v = field(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_object()) {
    wrongType(key, "an object");
    return std::nullopt;
  }
  return *v;
}

std::optional<Json> FieldReader::array(std::string_view key) {
  const Json* v = field(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_array()) {
    wrongType(key, "a list");
    return std::nullopt;
  }
  return *v;
}

std::vector<std::string> FieldReader::stringList(std::string_view key) {
  std::vector<std::string> out;
  auto list = array(key);
  if (!list) return out;
  for (size_t i = 0; i < list->size(); ++i) {
    const Json& item = (*list)[i];
    if (!item.is_string()) {
      problems_->push_back({fieldPath(key) + "[" + std::to_string(i) + "]", "must be a string"});
      continue;
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::vector<int64_t> FieldReader::integerList(std::string_view key) {
  std::vector<int64_t> out;
  auto list = array(key);
  if (!list) return out;
  for (size_t i = 0; i < list->size(); ++i) {
    const Json& item = (*list)[i];
    if (!item.is_number_integer()) {
      problems_->push_back({fieldPath(key) + "[" + std::to_string(i) + "]", "must be an integer"});
      continue;
    }
    out.push_back(item.get<int64_t>());
  }
  return out;
}

FieldReader FieldReader::child(std::string_view key) { return FieldReader(field(key), fieldPath(key), *problems_); }

}  // namespace pennant::api
