#pragma once
// Label and field selectors as the API server evaluates them, for the in-memory fake.
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace pennant::fakes {

// One parsed requirement of a label selector ("a=b", "c!=d", "e in (x,y)", "!f", "f").
struct LabelRequirement {
  enum class Op { kEquals, kNotEquals, kIn, kNotIn, kExists, kNotExists };
  std::string key;
  Op op = Op::kExists;
  std::vector<std::string> values;
};

// Parses a Kubernetes label selector string; malformed text is kInvalidArgument.
StatusOr<std::vector<LabelRequirement>> parseLabelSelector(std::string_view selector);
// True when `labels` (a JSON object of strings, or null) satisfies every requirement.
bool matchesLabels(const std::vector<LabelRequirement>& requirements, const Json& labels);

// One requirement of a field selector: "metadata.name=x", "spec.type!=y" (any dotted path).
struct FieldRequirement {
  std::vector<std::string> path;
  bool equals = true;
  std::string value;
};

StatusOr<std::vector<FieldRequirement>> parseFieldSelector(std::string_view selector);
bool matchesFields(const std::vector<FieldRequirement>& requirements, const Json& object);

// A label selector and a field selector together, as list and watch take them.
struct Selectors {
  std::vector<LabelRequirement> labels;
  std::vector<FieldRequirement> fields;
  bool matches(const Json& object) const;
};

StatusOr<Selectors> parseSelectors(std::string_view labelSelector, std::string_view fieldSelector);

}  // namespace pennant::fakes
