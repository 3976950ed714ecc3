#pragma once
// The e2e tests' traffic simulator ("follow mode"): every tick it reads the route from the API
// server through Pennant's kube client, sends each CallClass through it (route_traffic.h), lets
// each backend answer by its profile (error rate, latency), adds a load tester's calls straight to
// the canary (like Flagger's loadtester, so a canary at weight 0 still has traffic to judge), and
// publishes every backend's cumulative counts to the shared pennant-test-exporter over
// POST /backends, which Prometheus scrapes. Profiles can change at any time (setProfile).
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "e2e/route_traffic.h"
#include "http/http_client.h"
#include "kube/client.h"
#include "kube/resource.h"

namespace pennant::e2e {

// How one backend answers.
struct BackendProfile {
  double errorRate = 0;  // share of calls failing: gRPC UNAVAILABLE (14) / HTTP 503
  double latencySeconds = 0.02;
};

struct FollowerOptions {
  std::string ns;
  const kube::Resource* route = nullptr;  // kube::resources::grpcRoutes() or httpRoutes()
  std::string routeName;
  std::string apex;    // backends <apex>-primary / <apex>-canary
  std::string target;  // their workloads: <target>-primary / <target>
  bool grpc = true;    // publish gRPC codes (else HTTP statuses)
  std::vector<CallClass> calls;
  int loadTesterCalls = 10;  // per tick, straight to <apex>-canary, one CallClass's shape
  std::string exporterUrl;   // http://127.0.0.1:PORT
  std::chrono::milliseconds tick{1000};
};

class TrafficFollower {
 public:
  TrafficFollower(kube::ClientPtr client, FollowerOptions options);
  ~TrafficFollower();  // stops
  void start();
  void stop();

  void setProfile(const std::string& service, const BackendProfile& profile);
  // Calls of CallClass `index` the route sent to `service` so far (the load tester not included).
  int64_t routed(const std::string& service, size_t index) const;
  int64_t ticks() const;
  // The last error reading the route or publishing, "" if none.
  std::string lastError() const;

 private:
  struct Counts {
    int64_t ok = 0;
    int64_t failed = 0;
    double errorCarry = 0;  // fractional failures carried to the next batch
    std::map<double, int64_t> latencies;
  };
  void loop();
  void tickOnce();
  void serve(const std::string& service, int64_t calls);  // under mutex_
  void publish(const std::string& service, const Counts& counts);
  std::string workloadOf(const std::string& service) const;

  kube::ClientPtr client_;
  FollowerOptions options_;
  http::ClientPtr http_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<std::string, BackendProfile> profiles_;
  std::map<std::string, Counts> counts_;
  std::map<std::string, std::map<size_t, int64_t>> routed_;
  int64_t ticks_ = 0;
  std::string lastError_;
  std::thread thread_;
};

}  // namespace pennant::e2e
