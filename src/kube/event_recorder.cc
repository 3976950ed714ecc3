#include "kube/event_recorder.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>
#include <functional>

#include "kube/errors.h"
#include "kube/leader_election.h"
#include "kube/resource.h"

namespace pennant::kube {
namespace {

constexpr size_t kMaxNoteBytes = 1024;                 // the API server rejects longer notes
constexpr auto kSweepEvery = std::chrono::minutes(1);  // forget series older than the window this often

// Series are looked up by a 64-bit hash of (object, type, reason, action, note) instead of that
// string itself: at 1,000 Canaries the full keys (notes included) cost ~1.5 MB for events that
// mostly never repeat. Two different events share a hash with probability ~n^2/2^65 (~1e-12 for
// 5,000 live series); the cost would be one count added to the wrong Event's series.
std::uint64_t seriesKey(const Json& regarding, EventType type, std::string_view reason, std::string_view action,
                        std::string_view note) {
  const std::string key =
      fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}", stringAt(regarding, {"apiVersion"}),
                  stringAt(regarding, {"kind"}), stringAt(regarding, {"metadata", "namespace"}),
                  stringAt(regarding, {"metadata", "name"}), stringAt(regarding, {"metadata", "uid"}),
                  type == EventType::kWarning ? "W" : "N", reason, action, note);
  return std::hash<std::string>{}(key);
}

Json objectReference(const Json& regarding) {
  Json ref = Json::object();
  for (const char* field : {"apiVersion", "kind"}) {
    if (regarding.contains(field)) ref[field] = regarding[field];
  }
  for (const char* field : {"name", "namespace", "uid", "resourceVersion"}) {
    std::string value = stringAt(regarding, {"metadata", field});
    if (!value.empty()) ref[field] = value;
  }
  return ref;
}

}  // namespace

EventRecorder::EventRecorder(ClientPtr client, EventRecorderOptions options)
    : client_(std::move(client)), options_(std::move(options)) {
  if (!options_.clock) options_.clock = systemClock();
  writer_ = std::thread([this] { writeLoop(); });
}

EventRecorder::~EventRecorder() { stop(); }

void EventRecorder::record(const Json& regarding, EventType type, std::string_view reason, std::string_view action,
                           std::string_view note) {
  // Cut at a UTF-8 character boundary: a split character would make the Event invalid JSON.
  size_t cut = std::min(note.size(), kMaxNoteBytes);
  while (cut < note.size() && cut > 0 && (static_cast<unsigned char>(note[cut]) & 0xC0) == 0x80) --cut;
  std::string shortNote(note.substr(0, cut));
  std::lock_guard lock(mu_);
  if (stopping_ || queue_.size() >= options_.queueCapacity) {
    ++dropped_;
    return;
  }
  queue_.push_back(
      Pending{regarding, type, std::string(reason), std::string(action), std::move(shortNote), options_.clock->now()});
  changed_.notify_all();
}

bool EventRecorder::flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, timeout, [&] { return queue_.empty() && !writing_; });
}

void EventRecorder::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    changed_.notify_all();
  }
  if (writer_.joinable()) writer_.join();
}

void EventRecorder::writeLoop() {
  std::unique_lock lock(mu_);
  while (true) {
    changed_.wait(lock, [&] { return !queue_.empty() || stopping_; });
    if (queue_.empty()) return;  // stopping and everything written
    Pending event = std::move(queue_.front());
    queue_.pop_front();
    writing_ = true;
    lock.unlock();
    Status written = write(event);
    if (!written.ok()) {
      ++failed_;
      spdlog::warn("event recorder: {} {} on {}/{} not recorded: {}", event.reason, event.action,
                   stringAt(event.regarding, {"metadata", "namespace"}),
                   stringAt(event.regarding, {"metadata", "name"}), std::string(written.message()));
    }
    lock.lock();
    writing_ = false;
    changed_.notify_all();
  }
}

Status EventRecorder::write(const Pending& event) {
  if (event.at - lastSweep_ >= kSweepEvery) {
    forgetExpired(event.at);
    lastSweep_ = event.at;
  }
  std::string ns = stringAt(event.regarding, {"metadata", "namespace"});
  if (ns.empty()) ns = "default";  // Events about cluster-scoped objects live in "default"
  const std::uint64_t key = seriesKey(event.regarding, event.type, event.reason, event.action, event.note);
  auto it = series_.find(key);
  if (it != series_.end() && event.at - it->second.last <= options_.aggregationWindow) {
    Series& s = it->second;
    Json patch = {{"series", {{"count", s.count + 1}, {"lastObservedTime", formatMicroTime(event.at)}}}};
    StatusOr<Json> patched = client_->patch(resources::events(), s.ns, s.name, PatchType::kMerge, patch);
    if (patched.ok()) {
      ++s.count;
      s.last = event.at;
      return absl::OkStatus();
    }
    if (!isNotFound(patched.status())) return patched.status();
    // The Event expired (or was deleted) on the server: start a new one.
  }
  PENNANT_ASSIGN_OR_RETURN(std::string name, createEvent(event, ns));
  series_[key] = Series{ns, name, 1, event.at};
  seriesCount_ = series_.size();
  return absl::OkStatus();
}

StatusOr<std::string> EventRecorder::createEvent(const Pending& event, const std::string& ns) {
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(event.at.time_since_epoch()).count();
  Json body = {{"apiVersion", "events.k8s.io/v1"},
               {"kind", "Event"},
               {"metadata", {{"namespace", ns}}},
               {"eventTime", formatMicroTime(event.at)},
               {"reportingController", options_.reportingController},
               {"reportingInstance", options_.reportingInstance},
               {"action", event.action},
               {"reason", event.reason},
               {"note", event.note},
               {"type", event.type == EventType::kWarning ? "Warning" : "Normal"},
               {"regarding", objectReference(event.regarding)}};
  // client-go names Events "<object>.<hex nanoseconds>"; bump the suffix on a rare collision.
  Status last;
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::string name = fmt::format("{}.{:x}", stringAt(event.regarding, {"metadata", "name"}), nanos + attempt);
    body["metadata"]["name"] = name;
    StatusOr<Json> created = client_->create(resources::events(), ns, body);
    if (created.ok()) return name;
    last = created.status();
    if (!isAlreadyExists(last)) break;
  }
  return last;
}

void EventRecorder::forgetExpired(Clock::TimePoint now) {
  std::erase_if(series_, [&](const auto& entry) { return now - entry.second.last > options_.aggregationWindow; });
  seriesCount_ = series_.size();
}

}  // namespace pennant::kube
