#include "e2e/traffic.h"

#include <fmt/format.h>

#include <ctime>

#include "http/http_client.h"
#include "load/grpc_load.h"
#include "load/http_load.h"
#include "load/payload.h"

namespace pennant::e2e {

Backend backendOf(const load::CallRecord& call, const std::string& target) {
  auto it = call.headers.find("x-pod");
  if (it == call.headers.end()) return Backend::kNone;
  const std::string& pod = it->second;
  if (pod.rfind(target + "-primary-", 0) == 0) return Backend::kPrimary;
  if (pod.rfind(target + "-", 0) == 0) return Backend::kCanary;
  return Backend::kNone;
}

std::string Split::text() const {
  std::string versions;
  for (const auto& [v, n] : byVersion) versions += fmt::format("{}{} {}", versions.empty() ? "" : ", ", v, n);
  std::string out = fmt::format("primary {} canary {} failed {} ({})", primary, canary, failed, versions);
  for (const auto& f : failures) out += "\n    failed: " + f;
  return out;
}

Split splitOf(const std::vector<load::CallRecord>& calls, Clock::time_point from, Clock::time_point to,
              const std::string& target) {
  Split s;
  for (const auto& c : calls) {
    if (c.start < from || c.start >= to) continue;
    ++s.calls;
    const bool ok = c.http ? c.code >= 200 && c.code < 400 : c.code == 0;
    if (!ok && ++s.failed <= 10) {
      // Wall-clock time, to find the call in the controller's and the pod runner's logs.
      auto wall = std::chrono::system_clock::now() -
                  std::chrono::duration_cast<std::chrono::system_clock::duration>(Clock::now() - c.start);
      auto t = std::chrono::system_clock::to_time_t(wall);
      char buf[16];
      std::strftime(buf, sizeof buf, "%H:%M:%S", std::gmtime(&t));
      s.failures.push_back(fmt::format(
          "{}.{:03d} {} {} {}", buf,
          static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(wall.time_since_epoch()).count() %
                           1000),
          c.http ? std::to_string(c.code) : load::grpcCodeName(c.code),
          c.version.empty() ? load::kNoVersion : c.version, c.headers.count("x-pod") ? c.headers.at("x-pod") : ""));
    }
    ++s.byCode[c.http ? std::to_string(c.code) : load::grpcCodeName(c.code)];
    switch (backendOf(c, target)) {
      case Backend::kPrimary:
        ++s.primary;
        break;
      case Backend::kCanary:
        ++s.canary;
        break;
      case Backend::kNone:
        break;
    }
    ++s.byVersion[c.version.empty() ? load::kNoVersion : c.version];
  }
  return s;
}

Traffic::Traffic(std::string gateway, std::vector<CallClass> classes)
    : gateway_(std::move(gateway)), classes_(std::move(classes)) {}

Traffic::~Traffic() { stop(); }

namespace {

load::LoadOptions optionsFor(const std::string& gateway, const CallClass& c) {
  load::LoadOptions o;
  o.target = gateway;
  o.authority = c.authority;
  o.method = c.method;
  o.httpPath = c.httpPath;
  o.metadata = c.metadata;
  o.payload = c.payload;
  o.stream = c.stream;
  return o;
}

}  // namespace

Status Traffic::start() {
  for (const CallClass& c : classes_) {
    load::LoadOptions o = optionsFor(gateway_, c);
    o.rps = c.rps;
    o.concurrency = c.concurrency;
    o.duration = std::chrono::hours(1);  // until stop()
    o.timeout = std::chrono::seconds(30);
    o.tallyHeaders = {"x-pod"};
    o.keepCalls = true;
    if (c.method.empty()) {
      o.versionHeader = "x-version";
      auto load = std::make_unique<load::HttpLoad>(o, http::makeCurlClient());
      PENNANT_RETURN_IF_ERROR(load->start());
      http_.push_back(std::move(load));
      grpc_.push_back(nullptr);
    } else {
      auto load = std::make_unique<load::GrpcLoad>(o);
      PENNANT_RETURN_IF_ERROR(load->start());
      grpc_.push_back(std::move(load));
      http_.push_back(nullptr);
    }
  }
  return absl::OkStatus();
}

void Traffic::stop() {
  for (auto& g : grpc_) {
    if (g) g->stop();
  }
  for (auto& h : http_) {
    if (h) h->stop();
  }
}

std::vector<load::CallRecord> Traffic::calls(size_t index) const {
  if (index >= grpc_.size()) return {};
  return grpc_[index] ? grpc_[index]->snapshot().records : http_[index]->snapshot().records;
}

bool probe(const std::string& gateway, const CallClass& c) {
  load::LoadOptions o = optionsFor(gateway, c);
  if (c.stream) o.payload = streamRequest("probe", 1, 0);
  o.calls = 1;
  o.timeout = std::chrono::seconds(5);
  auto report = c.method.empty() ? load::runHttpLoad(o) : load::runGrpcLoad(o);
  if (!report.ok() || report->calls != 1) return false;
  return c.method.empty() ? report->byCode.count("200") == 1 : report->ok() == 1;
}

std::string helloRequest(const std::string& name) { return load::encodeFields({"1=" + name}).value_or(""); }

std::string streamRequest(const std::string& name, int count, int intervalMs) {
  return load::encodeFields({"1=" + name, "2:int=" + std::to_string(count), "3:int=" + std::to_string(intervalMs)})
      .value_or("");
}

}  // namespace pennant::e2e
