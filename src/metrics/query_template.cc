#include "metrics/query_template.h"

#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>
#include <absl/strings/strip.h>

#include <cctype>
#include <optional>
#include <vector>

#include "metrics/strings.h"

namespace pennant::metrics {
namespace {

// Hand-written: only Flagger's tiny subset of Go templates is needed, and an unknown name must be
// an error, which general-purpose template libraries render as empty.

constexpr std::string_view kKnownNames = "name, namespace, target, service, ingress, route, interval, variables.<key>";

bool isIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool isIdentifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!isIdentChar(c)) return false;
  }
  return true;
}

const std::string* modelField(const TemplateModel& model, std::string_view name) {
  if (name == "name") return &model.name;
  if (name == "namespace") return &model.ns;
  if (name == "target") return &model.target;
  if (name == "service") return &model.service;
  if (name == "ingress") return &model.ingress;
  if (name == "route") return &model.route;
  if (name == "interval") return &model.interval;
  return nullptr;
}

Status expressionError(std::string_view expr, std::string_view why) {
  return absl::InvalidArgumentError(strCat("query template: {{ ", expr, " }}: ", why));
}

StatusOr<std::string> lookupVariable(const TemplateModel& model, std::string_view expr, std::string_view key) {
  auto it = model.variables.find(std::string(key));
  if (it == model.variables.end()) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : model.variables) keys.push_back(k);
    return expressionError(expr, strCat("variable \"", key, "\" is not set in the metric's templateVariables",
                                              keys.empty() ? " (none are set)" : strCat(" (set: ", absl::StrJoin(keys, ", "), ")")));
  }
  return it->second;
}

// `"key"` -> key (Go string literal without escapes, which is all a variable name needs).
std::optional<std::string_view> parseStringLiteral(std::string_view s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '`') && s.back() == s.front()) {
    std::string_view inner = s.substr(1, s.size() - 2);
    if (inner.find('\\') == std::string_view::npos && inner.find(s.front()) == std::string_view::npos) return inner;
  }
  return std::nullopt;
}

StatusOr<std::string> evaluate(std::string_view expr, const TemplateModel& model) {
  if (expr.empty()) return expressionError(expr, "empty expression");
  if (expr.front() == '.') {
    std::string_view bare = expr.substr(1);
    if (modelField(model, bare) != nullptr) {
      return expressionError(expr, strCat("Flagger templates call functions, write {{ ", bare, " }}"));
    }
    return expressionError(expr, strCat("unknown variable; known: ", kKnownNames));
  }
  if (const std::string* value = modelField(model, expr)) return *value;

  if (expr.starts_with("variables.")) {
    std::string_view key = expr.substr(std::string_view("variables.").size());
    if (!isIdentifier(key)) return expressionError(expr, "variables.<key> needs a key of letters, digits and _");
    return lookupVariable(model, expr, key);
  }
  // index variables "key"
  std::vector<std::string_view> words;
  for (std::string_view rest = expr; !rest.empty();) {
    size_t end = rest.find_first_of(" \t\n\r");
    words.push_back(rest.substr(0, end));
    if (end == std::string_view::npos) break;
    rest = stripWhitespace(rest.substr(end));
  }
  if (words.size() == 3 && words[0] == "index" && words[1] == "variables") {
    if (auto key = parseStringLiteral(words[2])) return lookupVariable(model, expr, *key);
    return expressionError(expr, "index variables needs a quoted key");
  }
  if (words.size() == 1 && isIdentifier(expr)) {
    return expressionError(expr, strCat("unknown variable; known: ", kKnownNames));
  }
  return expressionError(expr, strCat("unsupported expression; use one of: ", kKnownNames));
}

}  // namespace

StatusOr<std::string> renderQuery(std::string_view query, const TemplateModel& model) {
  std::string out;
  out.reserve(query.size());
  size_t pos = 0;
  while (pos < query.size()) {
    size_t open = query.find("{{", pos);
    if (open == std::string_view::npos) {
      out.append(query.substr(pos));
      break;
    }
    size_t close = query.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return absl::InvalidArgumentError(strCat("query template: unclosed \"{{\" at offset ", open));
    }
    std::string_view inner = query.substr(open + 2, close - open - 2);
    // Go's trim markers: "{{- " eats whitespace before, " -}}" eats whitespace after.
    bool trimLeft = inner.size() >= 2 && inner[0] == '-' && std::isspace(static_cast<unsigned char>(inner[1]));
    bool trimRight = inner.size() >= 2 && inner.back() == '-' && std::isspace(static_cast<unsigned char>(inner[inner.size() - 2]));
    if (trimLeft) inner.remove_prefix(1);
    if (trimRight) inner.remove_suffix(1);
    out.append(query.substr(pos, open - pos));
    if (trimLeft) {
      while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
    }
    pos = close + 2;
    if (trimRight) {
      while (pos < query.size() && std::isspace(static_cast<unsigned char>(query[pos]))) ++pos;
    }
    std::string_view expr = stripWhitespace(inner);
    if (expr.starts_with("/*") && expr.ends_with("*/")) continue;  // {{/* comment */}}
    PENNANT_ASSIGN_OR_RETURN(std::string value, evaluate(expr, model));
    out.append(value);
  }
  return out;
}

}  // namespace pennant::metrics
