#pragma once
// GET /healthz (the process is alive), /readyz (caches synced; 503 before) and /metrics
// (Prometheus text format) on one loopback or pod address, served by cpp-httplib.
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "common/status.h"
#include "controller/controller_metrics.h"

namespace httplib {
class Server;
}

namespace pennant::controller {

class HealthServer {
 public:
  // `address` is "host:port" (":8080" = all interfaces, port 0 = any free port).
  HealthServer(std::string address, std::function<bool()> ready, std::shared_ptr<ControllerMetrics> metrics);
  ~HealthServer();
  HealthServer(const HealthServer&) = delete;
  HealthServer& operator=(const HealthServer&) = delete;

  // Binds (an error when the address is malformed or taken) and serves on a thread.
  Status start();
  void stop();
  int port() const { return port_; }

 private:
  std::string address_;
  std::function<bool()> ready_;
  std::shared_ptr<ControllerMetrics> metrics_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

// "host:port" -> {host, port}; ":8080" -> {"0.0.0.0", 8080}.
StatusOr<std::pair<std::string, int>> parseListenAddress(const std::string& address);

}  // namespace pennant::controller
