#pragma once
// The outcome of a load run: calls by gRPC code, by responding version (and both), by the values
// of tallied response headers, latency percentiles; optionally every call.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/json.h"

namespace pennant::load {

struct CallRecord {
  std::chrono::steady_clock::time_point start;  // when the call was sent
  std::chrono::microseconds latency{0};
  int code = 0;  // gRPC status code, or the HTTP status of an HTTP call
  bool http = false;
  std::string version;                         // versionHeader's value, "" when the answer named none
  int64_t messages = 0;                        // response messages received
  std::map<std::string, std::string> headers;  // tallied headers present in the answer
};

struct Report {
  int64_t calls = 0;
  int64_t messages = 0;
  double seconds = 0;                        // wall time of the run
  std::map<std::string, int64_t> byCode;     // "OK", "UNAVAILABLE", ... (HTTP: "200", "503"; 0: no answer)
  std::map<std::string, int64_t> byVersion;  // "(none)" for answers without the header
  std::map<std::string, std::map<std::string, int64_t>> byVersionAndCode;
  std::map<std::string, std::map<std::string, int64_t>> byHeader;  // header -> value -> calls
  std::vector<std::chrono::microseconds> latencies;                // sorted by finish()
  std::vector<CallRecord> records;                                 // with keepCalls

  void add(const CallRecord& call, bool keep);
  void finish(double wallSeconds);  // sorts latencies
  // q in 0..1; 0 when there were no calls.
  double latencyMs(double q) const;
  int64_t ok() const { return count(byCode, "OK"); }
  static int64_t count(const std::map<std::string, int64_t>& m, const std::string& key);

  Json toJson() const;
  std::string toText() const;
};

// "OK", "CANCELLED", ..., "UNAUTHENTICATED"; "CODE_<n>" beyond 16.
std::string grpcCodeName(int code);
constexpr const char* kNoVersion = "(none)";

}  // namespace pennant::load
