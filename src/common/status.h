#pragma once
// Pennant's one error type: absl::Status / absl::StatusOr<T>. No exceptions cross a module
// boundary; a function that can fail returns one of these with the most precise code
// (kNotFound, kAlreadyExists, kAborted for conflicts, kInvalidArgument, ...).
#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <string_view>

namespace pennant {

using absl::Status;
using absl::StatusCode;
using absl::StatusOr;

// Prefixes a status message with context, keeping its code and payloads.
Status annotate(const Status& status, std::string_view context);

}  // namespace pennant

// Returns early from the enclosing function when `expr` (an absl::Status) is not OK.
#define PENNANT_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::absl::Status pennant_status_ = (expr);           \
    if (!pennant_status_.ok()) return pennant_status_; \
  } while (0)

#define PENNANT_CONCAT_INNER_(a, b) a##b
#define PENNANT_CONCAT_(a, b) PENNANT_CONCAT_INNER_(a, b)
// `PENNANT_ASSIGN_OR_RETURN(auto x, f());` assigns the value of a StatusOr or returns its error.
#define PENNANT_ASSIGN_OR_RETURN(lhs, expr) \
  PENNANT_ASSIGN_OR_RETURN_IMPL_(PENNANT_CONCAT_(pennant_statusor_, __LINE__), lhs, expr)
#define PENNANT_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return std::move(tmp).status();       \
  lhs = std::move(tmp).value()
