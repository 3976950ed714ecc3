#pragma once
// Fault knobs of the greeter: a share of calls answered with a chosen error, and added latency.
// Deterministic (every 1/rate-th call fails), so a test asking for 20% errors gets exactly 20%.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace greeter {

struct FaultOptions {
  double rate = 0;       // 0..1: share of calls that fail
  int grpcCode = 14;     // UNAVAILABLE unless set
  int httpStatus = 503;  // what failing HTTP requests get
  std::chrono::milliseconds latency{0};
  std::vector<std::string> methods;  // "helloworld.Greeter/SayHello" or "helloworld.Greeter"; empty: all
};

class Faults {
 public:
  explicit Faults(FaultOptions options) : options_(std::move(options)) {}

  // Whether this call (full method "service/method", or an HTTP path) fails; counts the call.
  bool nextFails(const std::string& method);
  const FaultOptions& options() const { return options_; }

 private:
  bool applies(const std::string& method) const;

  FaultOptions options_;
  std::atomic<uint64_t> calls_{0};
};

// "UNAVAILABLE", "unavailable", "Unavailable" or "14" -> 14; -1 when unknown.
int parseGrpcCode(const std::string& text);
// go-grpc-prometheus' label value for a code: "OK", "Unavailable", "DeadlineExceeded", ...
const char* grpcCodeLabel(int code);

}  // namespace greeter
