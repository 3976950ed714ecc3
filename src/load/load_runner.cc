#include "load/load_runner.h"

namespace pennant::load {

using Clock = std::chrono::steady_clock;

LoadRunner::~LoadRunner() { stop(); }

void LoadRunner::start(const LoadOptions& options, CallFn call) {
  options_ = options;
  call_ = std::move(call);
  begin_ = Clock::now();
  end_ = options_.duration.count() > 0 ? begin_ + options_.duration : Clock::time_point::max();
  for (int w = 0; w < options_.concurrency; ++w) workers_.emplace_back([this, w] { work(w); });
}

void LoadRunner::work(int worker) {
  const LoadOptions& o = options_;
  while (!stopping_) {
    const int64_t slot = nextSlot_++;
    if (o.calls > 0 && slot >= o.calls) return;
    if (o.rps > 0) {
      auto due = begin_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(slot / o.rps));
      if (due >= end_) return;
      // Short sleeps, so stop() is prompt.
      while (!stopping_ && Clock::now() < due) {
        std::this_thread::sleep_for(std::min<Clock::duration>(due - Clock::now(), std::chrono::milliseconds(50)));
      }
    }
    if (stopping_ || Clock::now() >= end_) return;
    CallRecord call = call_(worker);
    std::lock_guard lock(mutex_);
    report_.add(call, o.keepCalls);
  }
}

void LoadRunner::wait() {
  for (auto& t : workers_) {
    if (t.joinable()) t.join();
  }
}

void LoadRunner::stop() {
  stopping_ = true;
  wait();
  workers_.clear();
}

Report LoadRunner::snapshot() const {
  std::lock_guard lock(mutex_);
  Report copy = report_;
  copy.finish(std::chrono::duration<double>(Clock::now() - begin_).count());
  return copy;
}

}  // namespace pennant::load

namespace pennant::load {

Status checkSchedule(const LoadOptions& o) {
  if (o.concurrency < 1) return absl::InvalidArgumentError("concurrency: must be at least 1");
  if (o.connections < 1) return absl::InvalidArgumentError("connections: must be at least 1");
  if (o.rps < 0) return absl::InvalidArgumentError("rps: must not be negative");
  if (o.duration.count() <= 0 && o.calls <= 0) return absl::InvalidArgumentError("give a duration or a call count");
  return absl::OkStatus();
}

}  // namespace pennant::load
