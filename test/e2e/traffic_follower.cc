#include "e2e/traffic_follower.h"

#include <cmath>

#include "kube/errors.h"

namespace pennant::e2e {

TrafficFollower::TrafficFollower(kube::ClientPtr client, FollowerOptions options)
    : client_(std::move(client)), options_(std::move(options)), http_(http::makeCurlClient()) {}

TrafficFollower::~TrafficFollower() { stop(); }

void TrafficFollower::start() {
  thread_ = std::thread([this] { loop(); });
}

void TrafficFollower::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TrafficFollower::setProfile(const std::string& service, const BackendProfile& profile) {
  std::lock_guard<std::mutex> lock(mutex_);
  profiles_[service] = profile;
}

int64_t TrafficFollower::routed(const std::string& service, size_t index) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = routed_.find(service);
  if (it == routed_.end()) return 0;
  auto n = it->second.find(index);
  return n == it->second.end() ? 0 : n->second;
}

int64_t TrafficFollower::ticks() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return ticks_;
}

std::string TrafficFollower::lastError() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return lastError_;
}

void TrafficFollower::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    tickOnce();
    lock.lock();
    wake_.wait_for(lock, options_.tick, [this] { return stopping_; });
  }
}

std::string TrafficFollower::workloadOf(const std::string& service) const {
  if (service == options_.apex + "-primary") return options_.target + "-primary";
  if (service == options_.apex + "-canary") return options_.target;
  return service;  // another backend of the user's route: named after its Service
}

void TrafficFollower::serve(const std::string& service, int64_t calls) {
  BackendProfile profile = profiles_.count(service) ? profiles_.at(service) : BackendProfile{};
  Counts& c = counts_[service];
  c.errorCarry += static_cast<double>(calls) * profile.errorRate;
  auto failed = static_cast<int64_t>(std::floor(c.errorCarry));
  c.errorCarry -= static_cast<double>(failed);
  c.failed += failed;
  c.ok += calls - failed;
  c.latencies[profile.latencySeconds] += calls;
}

void TrafficFollower::tickOnce() {
  auto route = client_->get(*options_.route, options_.ns, options_.routeName);
  std::map<std::string, Counts> snapshot;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!route.ok() && !kube::isNotFound(route.status())) lastError_ = std::string(route.status().message());
    // Publish zeros for both backends first, so Prometheus sees every increase from a known base.
    counts_[options_.apex + "-primary"];
    counts_[options_.apex + "-canary"];
    if (route.ok()) {
      for (size_t i = 0; i < options_.calls.size(); ++i) {
        int rule = matchRule(*route, options_.calls[i]);
        if (rule < 0) continue;
        const Json& r = (*route)["spec"]["rules"][static_cast<size_t>(rule)];
        for (const auto& [service, n] : splitByWeight(r, options_.calls[i].count)) {
          serve(service, n);
          routed_[service][i] += n;
        }
      }
    }
    if (options_.loadTesterCalls > 0) serve(options_.apex + "-canary", options_.loadTesterCalls);
    ++ticks_;
    snapshot = counts_;
  }
  for (const auto& [service, counts] : snapshot) publish(service, counts);
}

void TrafficFollower::publish(const std::string& service, const Counts& counts) {
  Json body = {{"namespace", options_.ns}, {"workload", workloadOf(service)}, {"service", service}};
  if (!options_.calls.empty()) {
    body["grpcService"] =
        options_.calls.front().grpcService.empty() ? "helloworld.Greeter" : options_.calls.front().grpcService;
    body["grpcMethod"] = options_.calls.front().grpcMethod.empty() ? "SayHello" : options_.calls.front().grpcMethod;
  }
  if (options_.grpc) {
    body["grpcCodes"] = {{"0", counts.ok}, {"14", counts.failed}};
  } else {
    body["httpStatuses"] = {{"200", counts.ok}, {"503", counts.failed}};
  }
  Json latencies = Json::array();
  for (const auto& [seconds, n] : counts.latencies) latencies.push_back(Json::array({seconds, n}));
  if (latencies.empty()) latencies.push_back(Json::array({0.02, 0}));
  body["latencies"] = latencies;
  http::Request request;
  request.method = "POST";
  request.url = options_.exporterUrl + "/backends";
  request.headers = {{"Content-Type", "application/json"}};
  request.body = body.dump();
  request.timeout = std::chrono::seconds(5);
  auto answer = http_->send(request);
  if (!answer.ok() || answer->status != 200) {
    std::lock_guard<std::mutex> lock(mutex_);
    lastError_ = "publish " + service + ": " +
                 (answer.ok() ? "HTTP " + std::to_string(answer->status) : std::string(answer.status().message()));
  }
}

}  // namespace pennant::e2e
