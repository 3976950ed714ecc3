#pragma once
// Leader election on a coordination.k8s.io/v1 Lease with client-go's semantics
// (tools/leaderelection): a candidate takes the Lease when it is free or when its holder has not
// renewed it for leaseDurationSeconds as measured on the candidate's own clock since it last saw
// the record change (no trust in the other replica's clock); the leader renews every retryPeriod
// and gives up when no renewal succeeded for renewDeadline; every write is conditional on the
// Lease's resourceVersion, so two candidates never both win; on stop the leader releases the Lease
// by clearing holderIdentity so a successor need not wait for expiry.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/clock.h"
#include "kube/client.h"

namespace pennant::kube {

struct LeaderElectionConfig {
  std::string leaseNamespace;
  std::string leaseName;
  std::string identity;  // unique per replica, e.g. the pod name
  std::chrono::milliseconds leaseDuration{std::chrono::seconds(15)};  // written in whole seconds (>= 1)
  std::chrono::milliseconds renewDeadline{std::chrono::seconds(10)};
  std::chrono::milliseconds retryPeriod{std::chrono::seconds(2)};
  bool releaseOnCancel = true;
  // Timestamps and expiry; the retry/renew waits themselves are real time.
  std::shared_ptr<const Clock> clock;
  // Called on the elector's thread; must return promptly (start or signal work, do not run it).
  std::function<void()> onStartedLeading;
  // Called once when leadership ends (stop or a failed renewal); unlike client-go, not when this
  // replica never led.
  std::function<void()> onStoppedLeading;
  std::function<void(const std::string& identity)> onNewLeader;  // a different holder was observed
};

// The Lease spec fields leader election reads and writes.
struct LeaderElectionRecord {
  std::string holderIdentity;
  int leaseDurationSeconds = 0;
  std::string acquireTime;  // RFC 3339 with microseconds (metav1.MicroTime)
  std::string renewTime;
  int leaseTransitions = 0;

  static LeaderElectionRecord fromLease(const Json& lease);
  Json toSpec() const;
  bool operator==(const LeaderElectionRecord&) const = default;
};

// "2026-11-26T09:21:54.123456Z"
std::string formatMicroTime(Clock::TimePoint t);
// client-go's checks: leaseDuration > renewDeadline > 1.2 * retryPeriod, identity and lease named.
Status validateLeaderElectionConfig(const LeaderElectionConfig& config);

class LeaderElector {
 public:
  LeaderElector(ClientPtr client, LeaderElectionConfig config);

  // Campaigns until elected, leads until stop() or a failed renewal, then returns (after
  // releasing the Lease on stop when releaseOnCancel). Invalid config: an error at once.
  Status run();
  // Thread-safe; run() returns soon after.
  void stop();

  bool isLeader() const { return leading_.load(); }
  std::string observedLeader() const;

  // One attempt to take or renew the Lease; true when this replica holds it afterwards.
  bool tryAcquireOrRenew();
  // Clears holderIdentity when this replica holds the Lease.
  Status release();

 private:
  bool stopped() const { return stopped_.load(); }
  void sleepFor(std::chrono::milliseconds delay);
  std::chrono::milliseconds jittered(std::chrono::milliseconds d);
  void observe(const LeaderElectionRecord& record);

  ClientPtr client_;
  LeaderElectionConfig config_;
  std::atomic<bool> stopped_{false};
  std::atomic<bool> leading_{false};
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::optional<LeaderElectionRecord> observed_;
  std::chrono::steady_clock::time_point observedTime_{};
};

}  // namespace pennant::kube
