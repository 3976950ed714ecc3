#pragma once
// Records events.k8s.io/v1 Events about objects (Canaries, Deployments) without blocking the
// caller: record() queues and a writer thread talks to the API server. The same event (same
// object, type, reason, action and note) repeated within the aggregation window updates the
// existing Event's series {count, lastObservedTime} instead of creating another one, as
// client-go's EventCorrelator does (10-minute window there too).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "common/clock.h"
#include "kube/client.h"
#include "kube/event_type.h"

namespace pennant::kube {

struct EventRecorderOptions {
  std::string reportingController = "pennant.dev/pennant";
  std::string reportingInstance;  // this replica, e.g. the pod name
  std::chrono::milliseconds aggregationWindow{std::chrono::minutes(10)};
  size_t queueCapacity = 1000;  // beyond this, record() drops (and counts) events
  std::shared_ptr<const Clock> clock;
};

class EventRecorder {
 public:
  EventRecorder(ClientPtr client, EventRecorderOptions options);
  ~EventRecorder();
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // Queues an Event about `regarding` (any object with apiVersion/kind/metadata) and returns.
  void record(const Json& regarding, EventType type, std::string_view reason, std::string_view action,
              std::string_view note);
  // Waits until every event queued so far has been written (or failed); false on timeout.
  bool flush(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Writes what is queued, then stops the writer. Idempotent; record() afterwards drops.
  void stop();

  size_t dropped() const { return dropped_.load(); }
  size_t failed() const { return failed_.load(); }
  // Events remembered for series aggregation: those seen within the last window (plus up to a
  // minute until the next sweep).
  size_t trackedSeries() const { return seriesCount_.load(); }

 private:
  struct Pending {
    Json regarding;
    EventType type;
    std::string reason;
    std::string action;
    std::string note;
    Clock::TimePoint at;
  };
  struct Series {
    std::string ns;
    std::string name;
    int count = 0;
    Clock::TimePoint last;
  };
  void writeLoop();
  Status write(const Pending& event);
  StatusOr<std::string> createEvent(const Pending& event, const std::string& ns);
  void forgetExpired(Clock::TimePoint now);

  ClientPtr client_;
  EventRecorderOptions options_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Pending> queue_;
  bool writing_ = false;
  bool stopping_ = false;
  std::unordered_map<std::uint64_t, Series> series_;  // by seriesKey(); writer thread only
  Clock::TimePoint lastSweep_{};                      // writer thread only
  std::atomic<size_t> seriesCount_{0};
  std::atomic<size_t> dropped_{0};
  std::atomic<size_t> failed_{0};
  std::thread writer_;
};

}  // namespace pennant::kube
