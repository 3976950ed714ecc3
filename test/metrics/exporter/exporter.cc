#include "metrics/exporter/exporter.h"

#include <fmt/format.h>
#include <httplib.h>

#include <chrono>
#include <functional>

namespace pennant::testing {
namespace {

constexpr int kGrpcCodes = 17;
constexpr const char* kCamelCodes[kGrpcCodes] = {
    "OK",       "Canceled",           "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound",
    "AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted",
    "OutOfRange", "Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated"};

using Labels = std::vector<std::pair<std::string, std::string>>;

std::string escapeLabel(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

void line(std::string& out, const std::string& name, const Labels& labels, double value) {
  out += name;
  out += '{';
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += fmt::format("{}=\"{}\"", k, escapeLabel(v));
  }
  out += fmt::format("}} {}\n", value);
}

Labels plus(Labels labels, const std::string& k, const std::string& v) {
  labels.emplace_back(k, v);
  return labels;
}

uint64_t total(const std::map<int, uint64_t>& counts) {
  uint64_t sum = 0;
  for (const auto& [k, n] : counts) sum += n;
  return sum;
}

uint64_t observations(const BackendTraffic& b) {
  uint64_t n = 0;
  for (const auto& [s, c] : b.latencies) n += c;
  return n;
}

double latencySum(const BackendTraffic& b) {
  double sum = 0;
  for (const auto& [s, c] : b.latencies) sum += s * static_cast<double>(c);
  return sum;
}

// Cumulative buckets (le scaled by `scale`: 1 for seconds, 1000 for ms), then _sum and _count.
void histogram(std::string& out, const std::string& name, const Labels& labels, const BackendTraffic& b, double scale) {
  for (double bound : latencyBuckets()) {
    uint64_t cumulative = 0;
    for (const auto& [s, c] : b.latencies) {
      if (s <= bound) cumulative += c;
    }
    line(out, name + "_bucket", plus(labels, "le", fmt::format("{}", bound * scale)), static_cast<double>(cumulative));
  }
  line(out, name + "_bucket", plus(labels, "le", "+Inf"), static_cast<double>(observations(b)));
  line(out, name + "_sum", labels, latencySum(b) * scale);
  line(out, name + "_count", labels, static_cast<double>(observations(b)));
}

// "helloworld.Greeter": Envoy's tag extractor takes the first segment as the service tag and
// leaves the rest (dots as _) in the metric name.
std::pair<std::string, std::string> envoyServiceSplit(const std::string& grpcService) {
  size_t dot = grpcService.find('.');
  if (dot == std::string::npos) return {grpcService, ""};
  std::string rest = grpcService.substr(dot + 1);
  for (char& c : rest) {
    if (c == '.') c = '_';
  }
  return {grpcService.substr(0, dot), rest};
}

using Family = std::function<void(std::string&, const BackendTraffic&)>;

}  // namespace

std::string BackendTraffic::pod() const { return workload + "-7d9c8b6f5-x2x4z"; }
std::string BackendTraffic::envoyCluster() const { return ns + "_" + service + "_9898"; }

StatusOr<BackendTraffic> BackendTraffic::fromJson(const Json& json) {
  try {
    BackendTraffic b;
    b.ns = json.value("namespace", b.ns);
    b.workload = json.at("workload").get<std::string>();
    b.service = json.at("service").get<std::string>();
    b.grpcService = json.value("grpcService", b.grpcService);
    b.grpcMethod = json.value("grpcMethod", b.grpcMethod);
    const Json grpcCodes = json.value("grpcCodes", Json::object());
    const Json httpStatuses = json.value("httpStatuses", Json::object());
    const Json latencies = json.value("latencies", Json::array());
    for (const auto& [code, n] : grpcCodes.items()) b.grpcCodes[std::stoi(code)] = n.get<uint64_t>();
    for (const auto& [status, n] : httpStatuses.items()) b.httpStatuses[std::stoi(status)] = n.get<uint64_t>();
    for (const auto& pair : latencies) {
      b.latencies.emplace_back(pair.at(0).get<double>(), pair.at(1).get<uint64_t>());
    }
    return b;
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(std::string("backend JSON: ") + e.what());
  }
}

const std::vector<double>& latencyBuckets() {
  static const std::vector<double> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return kBuckets;
}

std::string renderExposition(const std::vector<BackendTraffic>& backends) {
  const std::vector<Family> families = {
      // Application (go-grpc-prometheus): every code pre-initialised, grpc_code in CamelCase.
      [](std::string& out, const BackendTraffic& b) {
        if (b.grpcCodes.empty()) return;
        Labels base = {{"kubernetes_namespace", b.ns}, {"kubernetes_pod_name", b.pod()}, {"grpc_service", b.grpcService},
                       {"grpc_method", b.grpcMethod}, {"grpc_type", "unary"}};
        for (int code = 0; code < kGrpcCodes; ++code) {
          auto it = b.grpcCodes.find(code);
          line(out, "grpc_server_handled_total", plus(base, "grpc_code", kCamelCodes[code]),
               it == b.grpcCodes.end() ? 0.0 : static_cast<double>(it->second));
        }
      },
      [](std::string& out, const BackendTraffic& b) {
        if (b.grpcCodes.empty()) return;
        histogram(out, "grpc_server_handling_seconds",
                  {{"kubernetes_namespace", b.ns}, {"kubernetes_pod_name", b.pod()}, {"grpc_service", b.grpcService},
                   {"grpc_method", b.grpcMethod}, {"grpc_type", "unary"}},
                  b, 1);
      },
      // Application HTTP (Flagger's http_request_duration_seconds).
      [](std::string& out, const BackendTraffic& b) {
        for (const auto& [status, n] : b.httpStatuses) {
          line(out, "http_request_duration_seconds_count",
               {{"kubernetes_namespace", b.ns}, {"kubernetes_pod_name", b.pod()}, {"status", std::to_string(status)}},
               static_cast<double>(n));
        }
      },
      [](std::string& out, const BackendTraffic& b) {
        if (b.httpStatuses.empty()) return;
        Labels labels = {{"kubernetes_namespace", b.ns}, {"kubernetes_pod_name", b.pod()}};
        for (double bound : latencyBuckets()) {
          uint64_t cumulative = 0;
          for (const auto& [s, c] : b.latencies) {
            if (s <= bound) cumulative += c;
          }
          line(out, "http_request_duration_seconds_bucket", plus(labels, "le", fmt::format("{}", bound)),
               static_cast<double>(cumulative));
        }
        line(out, "http_request_duration_seconds_bucket", plus(labels, "le", "+Inf"), static_cast<double>(observations(b)));
      },
      // Istio standard metrics, as reported by the gateway (reporter="source").
      [](std::string& out, const BackendTraffic& b) {
        Labels base = {{"reporter", "source"},
                       {"destination_service_namespace", b.ns},
                       {"destination_service_name", b.service},
                       {"destination_workload_namespace", b.ns},
                       {"destination_workload", b.workload}};
        for (const auto& [code, n] : b.grpcCodes) {
          Labels l = plus(plus(plus(base, "request_protocol", "grpc"), "response_code", "200"), "grpc_response_status",
                          std::to_string(code));
          line(out, "istio_requests_total", l, static_cast<double>(n));
        }
        for (const auto& [status, n] : b.httpStatuses) {
          line(out, "istio_requests_total",
               plus(plus(base, "request_protocol", "http"), "response_code", std::to_string(status)), static_cast<double>(n));
        }
      },
      [](std::string& out, const BackendTraffic& b) {
        Labels base = {{"reporter", "source"}, {"destination_service_namespace", b.ns}, {"destination_service_name", b.service}};
        if (!b.grpcCodes.empty()) histogram(out, "istio_request_duration_milliseconds", plus(base, "request_protocol", "grpc"), b, 1000);
        if (!b.httpStatuses.empty()) histogram(out, "istio_request_duration_milliseconds", plus(base, "request_protocol", "http"), b, 1000);
      },
      // Envoy grpc_stats: the status code is part of the metric name.
      [](std::string& out, const BackendTraffic& b) {
        if (b.grpcCodes.empty()) return;
        auto [serviceTag, rest] = envoyServiceSplit(b.grpcService);
        std::string prefix = rest.empty() ? "envoy_cluster_grpc_" : "envoy_cluster_grpc_" + rest + "_";
        Labels labels = {{"envoy_cluster_name", b.envoyCluster()},
                         {"envoy_grpc_bridge_service", serviceTag},
                         {"envoy_grpc_bridge_method", b.grpcMethod}};
        for (int code = 0; code < kGrpcCodes; ++code) {
          auto it = b.grpcCodes.find(code);
          line(out, prefix + std::to_string(code), labels, it == b.grpcCodes.end() ? 0.0 : static_cast<double>(it->second));
        }
        uint64_t ok = b.grpcCodes.count(0) ? b.grpcCodes.at(0) : 0;
        line(out, prefix + "success", labels, static_cast<double>(ok));
        line(out, prefix + "failure", labels, static_cast<double>(total(b.grpcCodes) - ok));
        line(out, prefix + "total", labels, static_cast<double>(total(b.grpcCodes)));
      },
      // Envoy router stats: gRPC calls are HTTP 200 whatever their grpc-status.
      [](std::string& out, const BackendTraffic& b) {
        std::map<int, uint64_t> codes = b.httpStatuses;
        if (!b.grpcCodes.empty()) codes[200] += total(b.grpcCodes);
        for (const auto& [status, n] : codes) {
          line(out, "envoy_cluster_upstream_rq",
               {{"envoy_cluster_name", b.envoyCluster()}, {"envoy_response_code", std::to_string(status)}},
               static_cast<double>(n));
        }
      },
      [](std::string& out, const BackendTraffic& b) {
        if (b.grpcCodes.empty() && b.httpStatuses.empty()) return;
        histogram(out, "envoy_cluster_upstream_rq_time", {{"envoy_cluster_name", b.envoyCluster()}}, b, 1000);
      },
  };
  std::string out;
  // Family by family, so each metric name's lines stay together as the text format asks.
  for (const auto& family : families) {
    for (const auto& backend : backends) family(out, backend);
  }
  return out;
}

TestExporter::TestExporter() = default;

TestExporter::~TestExporter() { stop(); }

StatusOr<int> TestExporter::start(const std::string& host, int port) {
  server_ = std::make_unique<httplib::Server>();
  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    std::string body;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      std::vector<BackendTraffic> all;
      for (const auto& [k, b] : backends_) all.push_back(b);
      body = renderExposition(all);
      ++scrapes_;
    }
    res.set_content(body, "text/plain; version=0.0.4");
  });
  server_->Post("/backends", [this](const httplib::Request& req, httplib::Response& res) {
    auto json = parseJson(req.body, "backend");
    auto backend = json.ok() ? BackendTraffic::fromJson(*json) : StatusOr<BackendTraffic>(json.status());
    if (!backend.ok()) {
      res.status = 400;
      res.set_content(std::string(backend.status().message()), "text/plain");
      return;
    }
    setBackend(*backend);
    res.set_content("ok\n", "text/plain");
  });
  server_->Delete("/backends", [this](const httplib::Request&, httplib::Response& res) {
    clear();
    res.set_content("ok\n", "text/plain");
  });
  int bound = port == 0 ? server_->bind_to_any_port(host) : (server_->bind_to_port(host, port) ? port : -1);
  if (bound <= 0) return absl::UnavailableError("test exporter: cannot bind " + host + ":" + std::to_string(port));
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return bound;
}

void TestExporter::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

void TestExporter::setBackend(const BackendTraffic& backend) {
  std::lock_guard<std::mutex> lock(mutex_);
  backends_[backend.key()] = backend;
}

void TestExporter::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  backends_.clear();
}

std::string TestExporter::render() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<BackendTraffic> all;
  for (const auto& [k, b] : backends_) all.push_back(b);
  return renderExposition(all);
}

uint64_t TestExporter::scrapes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return scrapes_;
}

}  // namespace pennant::testing
