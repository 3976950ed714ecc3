#pragma once
// The operator's process-level wiring: one informer per watched resource, ONE work queue of
// Canary keys fed by their event handlers, worker threads running Reconciler::reconcile, the
// requeue after each Canary's interval, optional leader election (only the leader runs workers;
// caches warm on every replica), the Event recorder and the health/metrics server.
// Model: sample-controller's controller.go (informers -> rate-limited queue -> workers).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "controller/controller_metrics.h"
#include "controller/health_server.h"
#include "controller/object_store.h"
#include "controller/reconciler.h"
#include "kube/client.h"
#include "kube/event_recorder.h"
#include "kube/informer.h"
#include "kube/leader_election.h"
#include "kube/work_queue.h"

namespace pennant::controller {

struct ManagerOptions {
  std::string ns;  // "" = every namespace
  int workers = 2;
  bool leaderElect = false;
  std::string leaseNamespace = "pennant-system";
  std::string leaseName = "pennant";
  std::string identity;    // this replica; default hostname + pid
  std::string healthAddr;  // "" = no health/metrics server
  std::string version = "dev";
  AnalysisOptions analysis;
  std::shared_ptr<const Clock> clock;
  std::chrono::milliseconds syncTimeout{std::chrono::minutes(2)};
};

class Manager {
 public:
  Manager(kube::ClientPtr client, ManagerOptions options);
  ~Manager();
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // Starts everything and blocks until stop() (or lost leadership); then shuts down gracefully:
  // in-flight reconciles finish, the Lease is released, queued Events are written.
  Status run();
  // Thread-safe; run() returns soon after.
  void stop();

  bool ready() const { return ready_.load(); }
  int healthPort() const { return health_ ? health_->port() : 0; }
  bool isLeader() const { return leading_.load(); }
  std::shared_ptr<ControllerMetrics> metrics() const { return metrics_; }

 private:
  void buildInformers();
  void watch(const kube::Resource& r, std::function<void(const Json&)> onChange, bool canaries = false);
  // Canaries (keys) of `ns` for which `matches(canary)` holds.
  void enqueueCanaries(const std::string& ns, const std::function<bool(const Json&)>& matches);
  // Canaries filed under the object's "namespace/name" in one of the Canary cache's indices.
  void enqueueIndexed(const std::string& index, const Json& object);
  void enqueueForDeployment(const Json& deployment);
  void enqueueForConfig(const Json& config, bool secret);
  void enqueueForService(const Json& service);
  void enqueueForRoute(const Json& route);
  void enqueueForAutoscaler(const Json& hpa);
  Status process(const std::string& key);
  void lead();  // runs the workers until stop
  void updateTotals();

  kube::ClientPtr client_;
  ManagerOptions options_;
  std::shared_ptr<ControllerMetrics> metrics_;
  std::shared_ptr<InformerObjectStore> store_;
  std::map<std::string, std::shared_ptr<kube::Informer>> informers_;
  std::shared_ptr<kube::Informer> canaries_;
  std::unique_ptr<kube::EventRecorder> recorder_;
  std::unique_ptr<Reconciler> reconciler_;
  std::unique_ptr<kube::WorkQueue> queue_;
  std::unique_ptr<kube::LeaderElector> elector_;
  std::unique_ptr<HealthServer> health_;
  std::atomic<bool> ready_{false};
  std::atomic<bool> leading_{false};
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable stopped_;
};

}  // namespace pennant::controller
