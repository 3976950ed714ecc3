#pragma once
// Real calls through the data plane's gateway during a scenario (pennant load's engine), every
// call kept, so a scenario can count what each version answered in any stretch of time and
// compare it with the weights the route carried then.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "load/load_report.h"

namespace pennant::load {
class GrpcLoad;
class HttpLoad;
}  // namespace pennant::load

namespace pennant::e2e {

using Clock = std::chrono::steady_clock;

// One kind of call the scenario keeps sending.
struct CallClass {
  std::string name;       // for reports
  std::string method;     // gRPC full method; empty for HTTP
  std::string httpPath;   // HTTP GET path when method is empty
  std::string authority;  // :authority / Host: the route's hostname
  std::vector<std::pair<std::string, std::string>> metadata;
  double rps = 20;
  bool stream = false;
  std::string payload;  // serialized request
  int concurrency = 2;
};

// Which version of the workload answered: from the x-pod header (<target>-primary-* or <target>-*).
enum class Backend { kPrimary, kCanary, kNone };
Backend backendOf(const load::CallRecord& call, const std::string& target);

// Calls of one class in [from, to), split by backend and version.
struct Split {
  int64_t calls = 0, primary = 0, canary = 0, failed = 0;
  std::map<std::string, int64_t> byVersion;
  std::map<std::string, int64_t> byCode;
  std::vector<std::string> failures;  // the first few failed calls: "05:25:11.123 UNAVAILABLE (none)"
  std::string text() const;           // "primary 150 canary 50 failed 0 (v1 150, v2 50)"
};
Split splitOf(const std::vector<load::CallRecord>& calls, Clock::time_point from, Clock::time_point to,
              const std::string& target);

class Traffic {
 public:
  Traffic(std::string gateway, std::vector<CallClass> classes);
  ~Traffic();
  Status start();
  void stop();
  // Every finished call of class `index` so far, in no particular order.
  std::vector<load::CallRecord> calls(size_t index) const;
  const std::vector<CallClass>& classes() const { return classes_; }

 private:
  std::string gateway_;
  std::vector<CallClass> classes_;
  std::vector<std::unique_ptr<load::GrpcLoad>> grpc_;
  std::vector<std::unique_ptr<load::HttpLoad>> http_;
};

// One call of class `c` through `gateway` is answered successfully.
bool probe(const std::string& gateway, const CallClass& c);

// A gRPC HelloRequest {name}.
std::string helloRequest(const std::string& name);
// A StreamRequest {name, count, interval_ms}.
std::string streamRequest(const std::string& name, int count, int intervalMs);

}  // namespace pennant::e2e
