#include "controller/health_server.h"

#include <httplib.h>

#include <charconv>

namespace pennant::controller {

StatusOr<std::pair<std::string, int>> parseListenAddress(const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos)
    return absl::InvalidArgumentError("listen address \"" + address + "\": want host:port");
  std::string host = address.substr(0, colon);
  if (host.empty()) host = "0.0.0.0";
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = -1;
  const std::string portText = address.substr(colon + 1);
  auto [ptr, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
  if (ec != std::errc() || ptr != portText.data() + portText.size() || port < 0 || port > 65535) {
    return absl::InvalidArgumentError("listen address \"" + address + "\": bad port");
  }
  return std::make_pair(host, port);
}

HealthServer::HealthServer(std::string address, std::function<bool()> ready, std::shared_ptr<ControllerMetrics> metrics)
    : address_(std::move(address)),
      ready_(std::move(ready)),
      metrics_(std::move(metrics)),
      server_(std::make_unique<httplib::Server>()) {
  // Probes and a scrape now and then: 3 threads, not httplib's default of max(8, cores - 1),
  // each with a stack and heap of its own (docs/benchmarks.md, "Scale run").
  server_->new_task_queue = [] { return new httplib::ThreadPool(3); };
}

HealthServer::~HealthServer() { stop(); }

Status HealthServer::start() {
  PENNANT_ASSIGN_OR_RETURN(auto hostPort, parseListenAddress(address_));
  server_->Get("/healthz",
               [](const httplib::Request&, httplib::Response& res) { res.set_content("ok", "text/plain"); });
  server_->Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    bool ready = !ready_ || ready_();
    res.status = ready ? 200 : 503;
    res.set_content(ready ? "ok" : "caches not synced", "text/plain");
  });
  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics_ ? metrics_->scrape() : "", "text/plain; version=0.0.4");
  });
  if (hostPort.second == 0) {
    port_ = server_->bind_to_any_port(hostPort.first);
  } else {
    port_ = server_->bind_to_port(hostPort.first, hostPort.second) ? hostPort.second : -1;
  }
  if (port_ <= 0) return absl::UnavailableError("cannot listen on " + address_);
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return absl::OkStatus();
}

void HealthServer::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace pennant::controller
