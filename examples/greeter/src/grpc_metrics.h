#pragma once
// Server metrics under go-grpc-prometheus' names and labels, the ones most gRPC services export
// and Pennant's builtin app-flavour checks query:
//   grpc_server_started_total{grpc_type,grpc_service,grpc_method}
//   grpc_server_handled_total{grpc_type,grpc_service,grpc_method,grpc_code}
//   grpc_server_msg_received_total / grpc_server_msg_sent_total{grpc_type,grpc_service,grpc_method}
//   grpc_server_handling_seconds{grpc_type,grpc_service,grpc_method} (histogram)
// and HTTP requests as http_request_duration_seconds{method,path,status} (podinfo's names).
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <chrono>
#include <memory>
#include <string>

namespace greeter {

class Metrics {
 public:
  Metrics();
  prometheus::Registry& registry() { return *registry_; }
  std::string scrape() const;

  void started(const std::string& type, const std::string& service, const std::string& method);
  void handled(const std::string& type, const std::string& service, const std::string& method, int code,
               std::chrono::duration<double> elapsed);
  void received(const std::string& type, const std::string& service, const std::string& method);
  void sent(const std::string& type, const std::string& service, const std::string& method);
  void http(const std::string& method, const std::string& path, int status, std::chrono::duration<double> elapsed);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Counter>& received_;
  prometheus::Family<prometheus::Counter>& sent_;
  prometheus::Family<prometheus::Histogram>& handling_;
  prometheus::Family<prometheus::Histogram>& httpDuration_;
};

// One gRPC call's bookkeeping: started on construction, handled with its code on finish().
class CallObserver {
 public:
  CallObserver(Metrics& metrics, std::string type, std::string service, std::string method);
  void sent() { metrics_.sent(type_, service_, method_); }
  void finish(int code);

 private:
  Metrics& metrics_;
  std::string type_, service_, method_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace greeter
