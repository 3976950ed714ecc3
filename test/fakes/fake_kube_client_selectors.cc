#include "fakes/fake_kube_client_selectors.h"

#include <algorithm>

namespace pennant::fakes {
namespace {

std::string trim(std::string_view s) {
  const size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return "";
  return std::string(s.substr(begin, s.find_last_not_of(" \t") - begin + 1));
}

// Debian's abseil has its own string_view type, so plain splitting is simpler than absl::StrSplit.
std::vector<std::string> split(std::string_view s, char sep, bool skipEmpty) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t end = s.find(sep, start);
    std::string part(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (!skipEmpty || !part.empty()) out.push_back(std::move(part));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

// Splits on commas outside parentheses ("a in (x,y),b" -> "a in (x,y)", "b").
std::vector<std::string> splitRequirements(std::string_view selector) {
  std::vector<std::string> parts;
  std::string current;
  int depth = 0;
  for (char c : selector) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      parts.push_back(trim(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!trim(current).empty() || !parts.empty()) parts.push_back(trim(current));
  return parts;
}

}  // namespace

StatusOr<std::vector<LabelRequirement>> parseLabelSelector(std::string_view selector) {
  std::vector<LabelRequirement> out;
  for (const std::string& part : splitRequirements(selector)) {
    LabelRequirement req;
    if (part.empty()) return absl::InvalidArgumentError("invalid label selector: empty requirement");
    size_t paren = part.find('(');
    size_t pos = 0;
    if (paren != std::string::npos) {
      if (part.back() != ')') return absl::InvalidArgumentError("invalid label selector: " + part);
      std::vector<std::string> head = split(part.substr(0, paren), ' ', true);
      if (head.size() != 2 || (head[1] != "in" && head[1] != "notin")) {
        return absl::InvalidArgumentError("invalid label selector: " + part);
      }
      req.key = head[0];
      req.op = head[1] == "in" ? LabelRequirement::Op::kIn : LabelRequirement::Op::kNotIn;
      for (const std::string& v : split(part.substr(paren + 1, part.size() - paren - 2), ',', false)) {
        req.values.push_back(trim(v));
      }
    } else if (part.front() == '!') {
      req.key = trim(part.substr(1));
      req.op = LabelRequirement::Op::kNotExists;
    } else if ((pos = part.find("!=")) != std::string::npos) {
      req.key = trim(part.substr(0, pos));
      req.op = LabelRequirement::Op::kNotEquals;
      req.values = {trim(part.substr(pos + 2))};
    } else if ((pos = part.find("==")) != std::string::npos) {
      req.key = trim(part.substr(0, pos));
      req.op = LabelRequirement::Op::kEquals;
      req.values = {trim(part.substr(pos + 2))};
    } else if ((pos = part.find('=')) != std::string::npos) {
      req.key = trim(part.substr(0, pos));
      req.op = LabelRequirement::Op::kEquals;
      req.values = {trim(part.substr(pos + 1))};
    } else {
      req.key = part;
      req.op = LabelRequirement::Op::kExists;
    }
    if (req.key.empty() || req.key.find(' ') != std::string::npos) {
      return absl::InvalidArgumentError("invalid label selector: " + part);
    }
    out.push_back(std::move(req));
  }
  return out;
}

bool matchesLabels(const std::vector<LabelRequirement>& requirements, const Json& labels) {
  for (const LabelRequirement& req : requirements) {
    const bool has = labels.is_object() && labels.contains(req.key) && labels[req.key].is_string();
    const std::string value = has ? labels[req.key].get<std::string>() : "";
    const bool listed = std::find(req.values.begin(), req.values.end(), value) != req.values.end();
    switch (req.op) {
      case LabelRequirement::Op::kEquals:
      case LabelRequirement::Op::kIn:
        if (!has || !listed) return false;
        break;
      case LabelRequirement::Op::kNotEquals:
      case LabelRequirement::Op::kNotIn:
        if (has && listed) return false;
        break;
      case LabelRequirement::Op::kExists:
        if (!has) return false;
        break;
      case LabelRequirement::Op::kNotExists:
        if (has) return false;
        break;
    }
  }
  return true;
}

StatusOr<std::vector<FieldRequirement>> parseFieldSelector(std::string_view selector) {
  std::vector<FieldRequirement> out;
  for (const std::string& part : splitRequirements(selector)) {
    FieldRequirement req;
    size_t pos = part.find("!=");
    size_t valueAt = 0;
    if (pos != std::string::npos) {
      req.equals = false;
      valueAt = pos + 2;
    } else if ((pos = part.find("==")) != std::string::npos) {
      valueAt = pos + 2;
    } else if ((pos = part.find('=')) != std::string::npos) {
      valueAt = pos + 1;
    } else {
      return absl::InvalidArgumentError("invalid field selector: " + part);
    }
    req.path = split(trim(part.substr(0, pos)), '.', false);
    req.value = trim(part.substr(valueAt));
    out.push_back(std::move(req));
  }
  return out;
}

bool matchesFields(const std::vector<FieldRequirement>& reqs, const Json& object) {
  for (const FieldRequirement& req : reqs) {
    const Json* at = &object;
    for (const std::string& step : req.path) {
      if (at == nullptr || !at->is_object() || !at->contains(step)) {
        at = nullptr;
        break;
      }
      at = &(*at)[step];
    }
    std::string value = at == nullptr ? "" : (at->is_string() ? at->get<std::string>() : at->dump());
    if ((value == req.value) != req.equals) return false;
  }
  return true;
}

bool Selectors::matches(const Json& object) const {
  const Json* labelsJson = findPath(object, {"metadata", "labels"});
  return matchesLabels(labels, labelsJson == nullptr ? Json() : *labelsJson) && matchesFields(fields, object);
}

StatusOr<Selectors> parseSelectors(std::string_view labelSelector, std::string_view fieldSelector) {
  Selectors s;
  PENNANT_ASSIGN_OR_RETURN(s.labels, parseLabelSelector(labelSelector));
  PENNANT_ASSIGN_OR_RETURN(s.fields, parseFieldSelector(fieldSelector));
  return s;
}

}  // namespace pennant::fakes
