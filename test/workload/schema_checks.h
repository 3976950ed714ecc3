#pragma once
// Checks on CRD schemas for the manifest test: the structural-schema rules of
// apiextensions.k8s.io/v1 that the API server enforces, and validation of an object against a
// schema (types, enums, required, oneOf-of-required, unknown fields that would be pruned).
#include <string>
#include <vector>

#include "common/json.h"

namespace pennant::workload::testing {

// Problems that would make the API server reject `schema` as non-structural; empty when fine.
std::vector<std::string> structuralProblems(const Json& schema);

// Problems with `value` under `schema`: wrong type, value not in enum, missing required field,
// oneOf not matched exactly once, or a field the schema does not declare (it would be pruned).
// Root metadata (ObjectMeta) is not checked.
std::vector<std::string> validationProblems(const Json& value, const Json& schema, const std::string& path = "");

}  // namespace pennant::workload::testing
