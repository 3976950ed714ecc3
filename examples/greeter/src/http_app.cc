#include "http_app.h"

#include <httplib.h>

#include <chrono>
#include <thread>

namespace greeter {

HttpListener::HttpListener() : server_(std::make_unique<httplib::Server>()) {
  server_->new_task_queue = [] { return new httplib::ThreadPool(4); };
}

HttpListener::~HttpListener() { stop(); }

bool HttpListener::start(const std::string& address, Backend& b, bool metricsOnly) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos) return false;
  const std::string host = address.substr(0, colon);
  const int port = std::stoi(address.substr(colon + 1));
  server_->Get("/metrics", [&b](const httplib::Request&, httplib::Response& res) {
    res.set_content(b.metrics.scrape(), "text/plain; version=0.0.4");
  });
  if (!metricsOnly) {
    server_->Get("/healthz",
                 [](const httplib::Request&, httplib::Response& res) { res.set_content("ok", "text/plain"); });
    server_->Get(R"(/.*)", [&b](const httplib::Request& req, httplib::Response& res) {
      const auto start = std::chrono::steady_clock::now();
      res.set_header("X-Version", b.identity.version);
      res.set_header("X-Pod", b.identity.pod);
      if (b.faults.options().latency.count() > 0) std::this_thread::sleep_for(b.faults.options().latency);
      if (b.faults.nextFails(req.path)) {
        res.status = b.faults.options().httpStatus;
        res.set_content("injected fault from " + b.identity.version + "\n", "text/plain");
      } else {
        res.set_content("hello from " + b.identity.version + " (" + b.identity.pod + ")\n", "text/plain");
      }
      b.metrics.http(req.method, req.path, res.status, std::chrono::steady_clock::now() - start);
    });
  }
  if (!server_->bind_to_port(host, port)) return false;
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return true;
}

void HttpListener::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace greeter
