#pragma once
// The schedule every load shares: `concurrency` workers take call slots in turn, slot i due at
// i / rps after the start (as fast as they can with rps 0), until the duration is over or the
// call count is reached. Calls are made by a function of the protocol's own (gRPC, HTTP).
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "load/load_options.h"
#include "load/load_report.h"

namespace pennant::load {

class LoadRunner {
 public:
  // Makes one call on behalf of `worker` (0..concurrency-1) and says how it went.
  using CallFn = std::function<CallRecord(int worker)>;

  LoadRunner() = default;
  ~LoadRunner();  // stops and joins

  void start(const LoadOptions& options, CallFn call);
  void wait();  // until the run is over
  void stop();  // no new calls; waits for those in flight
  Report snapshot() const;

 private:
  void work(int worker);

  LoadOptions options_;
  CallFn call_;
  std::vector<std::thread> workers_;
  std::atomic<int64_t> nextSlot_{0};
  std::atomic<bool> stopping_{false};
  std::chrono::steady_clock::time_point begin_, end_;
  mutable std::mutex mutex_;
  Report report_;
};

}  // namespace pennant::load
