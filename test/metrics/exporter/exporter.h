#pragma once
// A test exporter: publishes the traffic of primary and canary backends as Prometheus metrics in
// every query flavour Pennant knows (application, Istio, Envoy incl. grpc_stats), with counts the
// test controls. There is no data plane in the test bed; this stands in for the gateway and pods.
// Embed it in a test (start() on a free loopback port) or run exporter_main over HTTP:
//   GET /metrics            the exposition text
//   POST /backends          a JSON BackendTraffic (see fromJson); replaces that backend
//   DELETE /backends        forget all backends
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace httplib {
class Server;
}

namespace pennant::testing {

// Everything one backend (the canary or the primary) served since start. Counters are absolute
// values, as a scrape sees them; to make Prometheus see an increase, publish zeros first.
struct BackendTraffic {
  std::string ns = "default";
  std::string workload;  // Deployment: "podinfo" (canary) or "podinfo-primary"
  std::string service;   // Service the route sends to: "podinfo-canary" / "podinfo-primary"
  std::string grpcService = "helloworld.Greeter";
  std::string grpcMethod = "SayHello";
  std::map<int, uint64_t> grpcCodes;     // gRPC status number -> calls
  std::map<int, uint64_t> httpStatuses;  // HTTP status -> requests
  std::vector<std::pair<double, uint64_t>> latencies;  // (seconds, how many) observations

  std::string pod() const;           // "<workload>-7d9c8b6f5-x2x4z"
  std::string envoyCluster() const;  // Contour-style "<ns>_<service>_9898"
  std::string key() const { return ns + "/" + workload; }

  static StatusOr<BackendTraffic> fromJson(const Json& json);
};

// Bucket bounds in seconds (the Istio/Envoy series use the same bounds in ms).
const std::vector<double>& latencyBuckets();

// The exposition text for `backends` (pure).
std::string renderExposition(const std::vector<BackendTraffic>& backends);

class TestExporter {
 public:
  TestExporter();
  ~TestExporter();
  TestExporter(const TestExporter&) = delete;
  TestExporter& operator=(const TestExporter&) = delete;

  // Listens on host:port (port 0 = a free one) in a background thread; returns the port.
  StatusOr<int> start(const std::string& host = "127.0.0.1", int port = 0);
  void stop();

  // Replaces the backend with the same key, atomically with respect to scrapes.
  void setBackend(const BackendTraffic& backend);
  void clear();
  std::string render() const;
  // Number of /metrics requests served so far (lets tests wait for a scrape after a change).
  uint64_t scrapes() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, BackendTraffic> backends_;
  uint64_t scrapes_ = 0;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace pennant::testing
