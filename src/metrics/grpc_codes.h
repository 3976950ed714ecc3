#pragma once
// gRPC status codes and how the canary checks classify them. gRPC errors travel with HTTP 200, so
// a gRPC check must judge the grpc-status code, never the HTTP status.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pennant::metrics {

// Numbers as on the wire (grpc-status trailer, Istio's grpc_response_status, Envoy grpc_stats).
enum class GrpcCode {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
  kUnauthenticated = 16,
};

inline constexpr int kGrpcCodeCount = 17;

// "UNAVAILABLE" (the canonical upper-case name).
std::string_view grpcCodeName(GrpcCode code);
// "Unavailable": the CamelCase label value go-grpc-prometheus writes into grpc_code.
std::string_view grpcCodeCamelName(GrpcCode code);
// Accepts the number, the canonical name or the CamelCase name.
std::optional<GrpcCode> parseGrpcCode(std::string_view text);

// Which codes count against the canary. Defaults follow the gRPC-to-HTTP mapping: codes that map
// to a 5xx are server failures; everything else is the caller's fault and is not held against it.
struct GrpcClassification {
  // RESOURCE_EXHAUSTED is ambiguous (server overload vs. a client's quota), so it is a choice.
  bool resourceExhaustedIsFailure = false;

  bool isServerFailure(GrpcCode code) const;
  // Server-failure codes in ascending numeric order.
  std::vector<GrpcCode> serverFailures() const;
};

}  // namespace pennant::metrics
