#include "kube/leader_election.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <ctime>
#include <random>

#include "kube/errors.h"
#include "kube/resource.h"

namespace pennant::kube {

std::string formatMicroTime(Clock::TimePoint t) {
  using namespace std::chrono;
  const auto micros = duration_cast<microseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(micros / 1000000);
  int64_t fraction = micros % 1000000;
  if (fraction < 0) {
    fraction += 1000000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:06d}Z", buf, fraction);
}

LeaderElectionRecord LeaderElectionRecord::fromLease(const Json& lease) {
  LeaderElectionRecord r;
  const Json* spec = findPath(lease, {"spec"});
  if (spec == nullptr || !spec->is_object()) return r;
  r.holderIdentity = stringAt(*spec, {"holderIdentity"});
  r.acquireTime = stringAt(*spec, {"acquireTime"});
  r.renewTime = stringAt(*spec, {"renewTime"});
  if (const Json* d = findPath(*spec, {"leaseDurationSeconds"}); d != nullptr && d->is_number_integer()) {
    r.leaseDurationSeconds = d->get<int>();
  }
  if (const Json* t = findPath(*spec, {"leaseTransitions"}); t != nullptr && t->is_number_integer()) {
    r.leaseTransitions = t->get<int>();
  }
  return r;
}

Json LeaderElectionRecord::toSpec() const {
  Json spec = {{"leaseDurationSeconds", leaseDurationSeconds}, {"leaseTransitions", leaseTransitions}};
  if (!holderIdentity.empty()) spec["holderIdentity"] = holderIdentity;
  if (!acquireTime.empty()) spec["acquireTime"] = acquireTime;
  if (!renewTime.empty()) spec["renewTime"] = renewTime;
  return spec;
}

Status validateLeaderElectionConfig(const LeaderElectionConfig& c) {
  if (c.identity.empty()) return absl::InvalidArgumentError("leader election: identity is empty");
  if (c.leaseName.empty() || c.leaseNamespace.empty()) {
    return absl::InvalidArgumentError("leader election: lease namespace and name are required");
  }
  if (c.leaseDuration < std::chrono::seconds(1)) {
    return absl::InvalidArgumentError("leader election: leaseDuration must be at least 1s");
  }
  if (c.leaseDuration <= c.renewDeadline) {
    return absl::InvalidArgumentError("leader election: leaseDuration must be greater than renewDeadline");
  }
  if (c.renewDeadline.count() <= 1.2 * static_cast<double>(c.retryPeriod.count())) {
    return absl::InvalidArgumentError("leader election: renewDeadline must be greater than 1.2 * retryPeriod");
  }
  return absl::OkStatus();
}

LeaderElector::LeaderElector(ClientPtr client, LeaderElectionConfig config)
    : client_(std::move(client)), config_(std::move(config)) {
  if (!config_.clock) config_.clock = systemClock();
}

std::string LeaderElector::observedLeader() const {
  std::lock_guard lock(mu_);
  return observed_ ? observed_->holderIdentity : "";
}

void LeaderElector::stop() {
  {
    std::lock_guard lock(mu_);
    stopped_.store(true);
  }
  wake_.notify_all();
}

void LeaderElector::sleepFor(std::chrono::milliseconds delay) {
  std::unique_lock lock(mu_);
  wake_.wait_for(lock, delay, [&] { return stopped(); });
}

// client-go waits retryPeriod stretched by up to 20% (JitterFactor 1.2) between campaign attempts.
std::chrono::milliseconds LeaderElector::jittered(std::chrono::milliseconds d) {
  thread_local std::mt19937 engine{std::random_device{}()};
  std::uniform_real_distribution<double> dist(0.0, 0.2);
  return std::chrono::milliseconds(static_cast<int64_t>(static_cast<double>(d.count()) * (1.0 + dist(engine))));
}

void LeaderElector::observe(const LeaderElectionRecord& record) {
  std::string newLeader;
  {
    std::lock_guard lock(mu_);
    if (observed_ && *observed_ == record) return;
    if (!observed_ || observed_->holderIdentity != record.holderIdentity) newLeader = record.holderIdentity;
    observed_ = record;
    observedTime_ = config_.clock->monotonic();
  }
  if (!newLeader.empty() && config_.onNewLeader) config_.onNewLeader(newLeader);
}

bool LeaderElector::tryAcquireOrRenew() {
  const Resource& leases = resources::leases();
  const std::string now = formatMicroTime(config_.clock->now());
  const int durationSeconds = static_cast<int>(std::ceil(std::chrono::duration<double>(config_.leaseDuration).count()));
  LeaderElectionRecord mine{config_.identity, durationSeconds, now, now, 0};

  StatusOr<Json> lease = client_->get(leases, config_.leaseNamespace, config_.leaseName);
  if (!lease.ok() && isNotFound(lease.status())) {
    Json fresh = {{"apiVersion", "coordination.k8s.io/v1"},
                  {"kind", "Lease"},
                  {"metadata", {{"name", config_.leaseName}, {"namespace", config_.leaseNamespace}}},
                  {"spec", mine.toSpec()}};
    StatusOr<Json> created = client_->create(leases, config_.leaseNamespace, fresh);
    if (!created.ok()) {
      spdlog::debug("leader election: creating lease {}/{} failed: {}", config_.leaseNamespace, config_.leaseName,
                    std::string(created.status().message()));
      return false;
    }
    observe(mine);
    return true;
  }
  if (!lease.ok()) {
    spdlog::warn("leader election: reading lease {}/{} failed: {}", config_.leaseNamespace, config_.leaseName,
                 std::string(lease.status().message()));
    return false;
  }

  LeaderElectionRecord old = LeaderElectionRecord::fromLease(*lease);
  observe(old);
  const bool heldByMe = old.holderIdentity == config_.identity;
  if (!old.holderIdentity.empty() && !heldByMe) {
    std::lock_guard lock(mu_);
    if (observedTime_ + std::chrono::seconds(old.leaseDurationSeconds) > config_.clock->monotonic()) {
      return false;  // another replica holds an unexpired lease
    }
  }
  if (heldByMe) {
    mine.acquireTime = old.acquireTime;
    mine.leaseTransitions = old.leaseTransitions;
  } else {
    mine.leaseTransitions = old.leaseTransitions + 1;
  }
  Json updated = *lease;
  updated["spec"] = mine.toSpec();  // metadata.resourceVersion makes the write conditional
  StatusOr<Json> written = client_->update(leases, config_.leaseNamespace, updated);
  if (!written.ok()) {
    spdlog::debug("leader election: writing lease {}/{} failed: {}", config_.leaseNamespace, config_.leaseName,
                  std::string(written.status().message()));
    return false;
  }
  observe(mine);
  return true;
}

Status LeaderElector::release() {
  const Resource& leases = resources::leases();
  PENNANT_ASSIGN_OR_RETURN(Json lease, client_->get(leases, config_.leaseNamespace, config_.leaseName));
  LeaderElectionRecord old = LeaderElectionRecord::fromLease(lease);
  if (old.holderIdentity != config_.identity) return absl::OkStatus();
  const std::string now = formatMicroTime(config_.clock->now());
  // As client-go: no holder, a 1s duration, transitions kept.
  LeaderElectionRecord released{"", 1, now, now, old.leaseTransitions};
  lease["spec"] = released.toSpec();
  StatusOr<Json> written = client_->update(leases, config_.leaseNamespace, lease);
  if (!written.ok()) return annotate(written.status(), "leader election: releasing lease");
  observe(released);
  return absl::OkStatus();
}

Status LeaderElector::run() {
  PENNANT_RETURN_IF_ERROR(validateLeaderElectionConfig(config_));
  while (!stopped() && !tryAcquireOrRenew()) sleepFor(jittered(config_.retryPeriod));
  if (stopped()) return absl::OkStatus();

  spdlog::info("leader election: {} acquired lease {}/{}", config_.identity, config_.leaseNamespace, config_.leaseName);
  leading_.store(true);
  if (config_.onStartedLeading) config_.onStartedLeading();
  auto lastRenew = std::chrono::steady_clock::now();
  while (!stopped()) {
    sleepFor(config_.retryPeriod);
    if (stopped()) break;
    if (tryAcquireOrRenew()) {
      lastRenew = std::chrono::steady_clock::now();
    } else if (std::chrono::steady_clock::now() - lastRenew >= config_.renewDeadline) {
      spdlog::warn("leader election: {} could not renew lease {}/{} within {} ms, stepping down", config_.identity,
                   config_.leaseNamespace, config_.leaseName, config_.renewDeadline.count());
      break;
    }
  }
  leading_.store(false);
  if (stopped() && config_.releaseOnCancel) {
    Status released = release();
    if (!released.ok()) spdlog::warn("{}", std::string(released.message()));
  }
  if (config_.onStoppedLeading) config_.onStoppedLeading();
  return absl::OkStatus();
}

}  // namespace pennant::kube
