#include "grpc_metrics.h"

#include <prometheus/text_serializer.h>

#include <sstream>

#include "faults.h"

namespace greeter {
namespace {

// prometheus.DefBuckets, go-grpc-prometheus' default for grpc_server_handling_seconds.
const prometheus::Histogram::BucketBoundaries kBuckets = {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10};

prometheus::Labels callLabels(const std::string& type, const std::string& service, const std::string& method) {
  return {{"grpc_type", type}, {"grpc_service", service}, {"grpc_method", method}};
}

}  // namespace

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      started_(prometheus::BuildCounter()
                   .Name("grpc_server_started_total")
                   .Help("Total number of RPCs started on the server.")
                   .Register(*registry_)),
      handled_(prometheus::BuildCounter()
                   .Name("grpc_server_handled_total")
                   .Help("Total number of RPCs completed on the server, regardless of success or failure.")
                   .Register(*registry_)),
      received_(prometheus::BuildCounter()
                    .Name("grpc_server_msg_received_total")
                    .Help("Total number of RPC stream messages received on the server.")
                    .Register(*registry_)),
      sent_(prometheus::BuildCounter()
                .Name("grpc_server_msg_sent_total")
                .Help("Total number of gRPC stream messages sent by the server.")
                .Register(*registry_)),
      handling_(prometheus::BuildHistogram()
                    .Name("grpc_server_handling_seconds")
                    .Help("Histogram of response latency (seconds) of gRPC that had been application-level handled by "
                          "the server.")
                    .Register(*registry_)),
      httpDuration_(prometheus::BuildHistogram()
                        .Name("http_request_duration_seconds")
                        .Help("Duration of HTTP requests in seconds.")
                        .Register(*registry_)) {}

std::string Metrics::scrape() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry_->Collect());
  return out.str();
}

void Metrics::started(const std::string& type, const std::string& service, const std::string& method) {
  started_.Add(callLabels(type, service, method)).Increment();
}

void Metrics::handled(const std::string& type, const std::string& service, const std::string& method, int code,
                      std::chrono::duration<double> elapsed) {
  auto labels = callLabels(type, service, method);
  handling_.Add(labels, kBuckets).Observe(elapsed.count());
  labels.emplace("grpc_code", grpcCodeLabel(code));
  handled_.Add(labels).Increment();
}

void Metrics::received(const std::string& type, const std::string& service, const std::string& method) {
  received_.Add(callLabels(type, service, method)).Increment();
}

void Metrics::sent(const std::string& type, const std::string& service, const std::string& method) {
  sent_.Add(callLabels(type, service, method)).Increment();
}

void Metrics::http(const std::string& method, const std::string& path, int status,
                   std::chrono::duration<double> elapsed) {
  httpDuration_.Add({{"method", method}, {"path", path}, {"status", std::to_string(status)}}, kBuckets)
      .Observe(elapsed.count());
}

CallObserver::CallObserver(Metrics& metrics, std::string type, std::string service, std::string method)
    : metrics_(metrics), type_(std::move(type)), service_(std::move(service)), method_(std::move(method)) {
  metrics_.started(type_, service_, method_);
  metrics_.received(type_, service_, method_);
}

void CallObserver::finish(int code) {
  metrics_.handled(type_, service_, method_, code, std::chrono::steady_clock::now() - start_);
}

}  // namespace greeter
