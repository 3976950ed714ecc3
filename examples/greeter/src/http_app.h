#pragma once
// The greeter's HTTP side: `GET /` answers "hello from <version>" (with X-Version and X-Pod
// headers, and the HTTP fault status at the fault rate), `/healthz`; and, on the metrics listener,
// `/metrics` in Prometheus' text format.
#include <memory>
#include <string>
#include <thread>

#include "greeter_service.h"

namespace httplib {
class Server;
}

namespace greeter {

class HttpListener {
 public:
  HttpListener();
  ~HttpListener();
  // Serves the app (`metricsOnly` false) or only /metrics on host:port; false if it cannot bind.
  bool start(const std::string& address, Backend& backend, bool metricsOnly);
  void stop();

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace greeter
