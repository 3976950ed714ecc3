#include "metrics/grpc_codes.h"

#include <array>
#include <cctype>
#include <charconv>

namespace pennant::metrics {
namespace {

struct CodeNames {
  std::string_view canonical;
  std::string_view camel;
};

constexpr std::array<CodeNames, kGrpcCodeCount> kNames = {{
    {"OK", "OK"},
    {"CANCELLED", "Canceled"},
    {"UNKNOWN", "Unknown"},
    {"INVALID_ARGUMENT", "InvalidArgument"},
    {"DEADLINE_EXCEEDED", "DeadlineExceeded"},
    {"NOT_FOUND", "NotFound"},
    {"ALREADY_EXISTS", "AlreadyExists"},
    {"PERMISSION_DENIED", "PermissionDenied"},
    {"RESOURCE_EXHAUSTED", "ResourceExhausted"},
    {"FAILED_PRECONDITION", "FailedPrecondition"},
    {"ABORTED", "Aborted"},
    {"OUT_OF_RANGE", "OutOfRange"},
    {"UNIMPLEMENTED", "Unimplemented"},
    {"INTERNAL", "Internal"},
    {"UNAVAILABLE", "Unavailable"},
    {"DATA_LOSS", "DataLoss"},
    {"UNAUTHENTICATED", "Unauthenticated"},
}};

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

}  // namespace

std::string_view grpcCodeName(GrpcCode code) { return kNames[static_cast<size_t>(code)].canonical; }

std::string_view grpcCodeCamelName(GrpcCode code) { return kNames[static_cast<size_t>(code)].camel; }

std::optional<GrpcCode> parseGrpcCode(std::string_view text) {
  int number = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec == std::errc() && end == text.data() + text.size()) {
    if (number >= 0 && number < kGrpcCodeCount) return static_cast<GrpcCode>(number);
    return std::nullopt;
  }
  for (int i = 0; i < kGrpcCodeCount; ++i) {
    if (text == kNames[i].canonical || text == kNames[i].camel) return static_cast<GrpcCode>(i);
  }
  // "CANCELED" (US spelling, as Go's codes.Canceled.String() prints) is common in the wild.
  if (equalsIgnoreCase(text, "CANCELED")) return GrpcCode::kCancelled;
  return std::nullopt;
}

bool GrpcClassification::isServerFailure(GrpcCode code) const {
  switch (code) {
    case GrpcCode::kUnknown:
    case GrpcCode::kDeadlineExceeded:
    case GrpcCode::kUnimplemented:
    case GrpcCode::kInternal:
    case GrpcCode::kUnavailable:
    case GrpcCode::kDataLoss:
      return true;
    case GrpcCode::kResourceExhausted:
      return resourceExhaustedIsFailure;
    default:
      return false;
  }
}

std::vector<GrpcCode> GrpcClassification::serverFailures() const {
  std::vector<GrpcCode> codes;
  for (int i = 0; i < kGrpcCodeCount; ++i) {
    if (isServerFailure(static_cast<GrpcCode>(i))) codes.push_back(static_cast<GrpcCode>(i));
  }
  return codes;
}

}  // namespace pennant::metrics
