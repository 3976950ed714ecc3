#pragma once
// Where the reconciler sends Kubernetes Events about a Canary. The manager uses the asynchronous
// kube::EventRecorder; unit tests capture them.
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "kube/event_recorder.h"

namespace pennant::controller {

class EventSink {
 public:
  virtual ~EventSink() = default;
  // `regarding` is the Canary as read (apiVersion, kind, metadata).
  virtual void record(const Json& regarding, kube::EventType type, std::string_view reason,
                      std::string_view message) = 0;
};

class RecorderEventSink final : public EventSink {
 public:
  explicit RecorderEventSink(kube::EventRecorder& recorder) : recorder_(recorder) {}
  void record(const Json& regarding, kube::EventType type, std::string_view reason, std::string_view message) override {
    recorder_.record(regarding, type, reason, "Reconcile", message);
  }

 private:
  kube::EventRecorder& recorder_;
};

// Keeps every event in memory, for tests and dry runs.
class MemoryEventSink final : public EventSink {
 public:
  struct Entry {
    std::string name;  // metadata.name of the object
    kube::EventType type = kube::EventType::kNormal;
    std::string reason;
    std::string message;
  };
  void record(const Json& regarding, kube::EventType type, std::string_view reason, std::string_view message) override {
    std::lock_guard lock(mu_);
    entries_.push_back({stringAt(regarding, {"metadata", "name"}), type, std::string(reason), std::string(message)});
  }
  std::vector<Entry> entries() const {
    std::lock_guard lock(mu_);
    return entries_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<Entry> entries_;
};

}  // namespace pennant::controller
