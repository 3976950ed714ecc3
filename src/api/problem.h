#pragma once
// A validation problem: the field it concerns and what is wrong with it. Validators return every
// problem they find (not just the first) so a user fixes a manifest in one pass.
#include <string>
#include <vector>

#include "common/status.h"

namespace pennant::api {

struct Problem {
  std::string field;    // "spec.analysis.stepWeight", "spec.service.route.rules[0].matches[1]"
  std::string message;  // "must be greater than 0"

  std::string toString() const { return field + ": " + message; }
  bool operator==(const Problem&) const = default;
};

using Problems = std::vector<Problem>;

// kInvalidArgument whose message lists one problem per line; OK when there are none.
Status toStatus(const Problems& problems);

// Splits a status built by toStatus() back into its lines (one per problem).
std::vector<std::string> problemLines(const Status& status);

}  // namespace pennant::api
