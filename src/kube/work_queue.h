#pragma once
// The controller's work queue of string keys ("namespace/name"), with client-go's workqueue
// semantics: a key queued twice is processed once; a key being processed is never handed to a
// second worker, and if it is re-added meanwhile it is processed again after done(); per-key
// exponential back-off on failure (addRateLimited/forget); addAfter(delay); graceful shutdown.
// Model: client-go util/workqueue (queue.go, delaying_queue.go, default_rate_limiters.go).
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace pennant::kube {

struct WorkQueueOptions {
  // Back-off after the n-th consecutive failure of a key: baseDelay * 2^(n-1), at most maxDelay.
  std::chrono::milliseconds baseDelay{5};
  std::chrono::milliseconds maxDelay{std::chrono::seconds(1000)};
  std::shared_ptr<const Clock> clock;  // default: the system clock
  // Longest real-time sleep before looking at the clock again while delayed keys wait; an
  // injected fake clock wakes nobody when it advances, so tests set this low.
  std::chrono::milliseconds clockPollInterval{std::chrono::seconds(1)};
};

// Pure: the back-off of a key after `failures` consecutive failures (>= 1).
std::chrono::milliseconds failureBackoff(int failures, std::chrono::milliseconds base, std::chrono::milliseconds max);

class WorkQueue {
 public:
  explicit WorkQueue(WorkQueueOptions options = {});

  // Queues `key` unless it is already queued (or shutting down).
  void add(const std::string& key);
  // Queues `key` once `delay` has passed; an earlier pending deadline for the key wins.
  void addAfter(const std::string& key, std::chrono::nanoseconds delay);
  // Queues `key` after its failure back-off, which grows with each call until forget(key).
  void addRateLimited(const std::string& key);
  void forget(const std::string& key);
  int numRequeues(const std::string& key) const;

  // Blocks for the next key; nullopt once shut down and no queued key is left. Every key
  // returned must be passed to done() when its processing ends.
  std::optional<std::string> get();
  void done(const std::string& key);

  // Refuses new keys, drops delayed ones and wakes every get(); keys already queued are still
  // handed out.
  void shutDown();
  // shutDown(), then waits (up to `timeout`) until the queued and in-flight keys are done.
  bool shutDownWithDrain(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  bool shuttingDown() const;

  size_t len() const;           // queued, ready keys
  size_t waitingCount() const;  // keys waiting for a delay

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  void addLocked(const std::string& key);
  void promoteDueLocked();

  WorkQueueOptions options_;
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::condition_variable drained_;
  std::deque<std::string> queue_;
  std::set<std::string> dirty_;       // queued or to be queued again after done()
  std::set<std::string> processing_;
  std::map<std::string, TimePoint> waitingByKey_;
  std::set<std::pair<TimePoint, std::string>> waiting_;  // by due time
  std::map<std::string, int> failures_;
  bool shuttingDown_ = false;
};

// Runs `workers` threads that take keys from a queue and process them: OK -> forget(key), an
// error -> addRateLimited(key). Requeueing after an interval is the process function's job
// (queue.addAfter). stop() shuts the queue down, lets in-flight keys finish and joins.
class WorkerPool {
 public:
  using Process = std::function<Status(const std::string& key)>;
  WorkerPool(WorkQueue& queue, int workers, Process process);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  void stop();

 private:
  void work();
  WorkQueue& queue_;
  Process process_;
  std::vector<std::thread> threads_;
};

}  // namespace pennant::kube
