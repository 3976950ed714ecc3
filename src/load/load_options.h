#pragma once
// What `pennant load` sends: the same options drive the CLI, the data-plane tests and (later) the
// loadtester webhook.
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace pennant::load {

struct LoadOptions {
  std::string target;     // host:port of the gateway (or a server)
  std::string authority;  // :authority, e.g. a route's hostname; empty: the target
  std::string method;     // gRPC: full method, "helloworld.Greeter/SayHello" (a leading '/' is fine)
  std::string httpPath;   // HTTP load instead (GET of this path) when set
  std::vector<std::pair<std::string, std::string>> metadata;  // request headers
  std::string payload;                                        // the serialized request message (see payload.h)
  bool stream = false;                       // server-streaming: read every message until the server ends the call
  double rps = 0;                            // calls started per second in all; 0: as fast as `concurrency` allows
  int concurrency = 1;                       // calls in flight at most
  int connections = 1;                       // HTTP/2 connections the calls share
  std::chrono::milliseconds duration{0};     // 0: until `calls` are sent
  int64_t calls = 0;                         // 0: until `duration` is over
  std::chrono::milliseconds timeout{20000};  // per-call deadline
  std::string versionHeader = "x-version";   // response header that names the answering version
  std::vector<std::string> tallyHeaders;     // more response headers to count by value
  bool keepCalls = false;                    // keep one CallRecord per call in the report
};

// The checks every load makes of concurrency, connections, rate, duration and count.
Status checkSchedule(const LoadOptions& options);

}  // namespace pennant::load
