#include "faults.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

namespace greeter {
namespace {

// Index = gRPC status code; Go's codes.Code String() names, which go-grpc-prometheus uses.
constexpr std::array<const char*, 17> kCodeLabels = {
    "OK",       "Canceled",       "Unknown",          "InvalidArgument",   "DeadlineExceeded",
    "NotFound", "AlreadyExists",  "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
    "Aborted",  "OutOfRange",     "Unimplemented",    "Internal",          "Unavailable",
    "DataLoss", "Unauthenticated"};
constexpr std::array<const char*, 17> kCodeNames = {
    "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
    "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
    "DATA_LOSS", "UNAUTHENTICATED"};

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

}  // namespace

bool Faults::applies(const std::string& method) const {
  if (options_.methods.empty()) return true;
  return std::any_of(options_.methods.begin(), options_.methods.end(), [&](const std::string& m) {
    return method == m || (method.size() > m.size() && method.compare(0, m.size(), m) == 0 && method[m.size()] == '/');
  });
}

bool Faults::nextFails(const std::string& method) {
  if (options_.rate <= 0 || !applies(method)) return false;
  // Call n (from 1) fails when floor(n * rate) steps up: exactly rate * n failures after n calls.
  uint64_t n = calls_.fetch_add(1) + 1;
  return std::floor(static_cast<double>(n) * options_.rate) > std::floor(static_cast<double>(n - 1) * options_.rate);
}

int parseGrpcCode(const std::string& text) {
  if (!text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    int code = std::stoi(text);
    return code >= 0 && code < static_cast<int>(kCodeNames.size()) ? code : -1;
  }
  const std::string u = upper(text);
  for (size_t i = 0; i < kCodeNames.size(); ++i) {
    if (u == kCodeNames[i] || u == upper(kCodeLabels[i])) return static_cast<int>(i);
  }
  return -1;
}

const char* grpcCodeLabel(int code) {
  return code >= 0 && code < static_cast<int>(kCodeLabels.size()) ? kCodeLabels[code] : "Unknown";
}

}  // namespace greeter
