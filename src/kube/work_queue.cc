#include "kube/work_queue.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace pennant::kube {

std::chrono::milliseconds failureBackoff(int failures, std::chrono::milliseconds base, std::chrono::milliseconds max) {
  if (failures < 1) return std::chrono::milliseconds(0);
  std::chrono::milliseconds delay = base;
  for (int i = 1; i < failures && delay < max; ++i) delay *= 2;
  return std::min(delay, max);
}

WorkQueue::WorkQueue(WorkQueueOptions options) : options_(std::move(options)) {
  if (!options_.clock) options_.clock = systemClock();
}

void WorkQueue::add(const std::string& key) {
  std::lock_guard lock(mu_);
  addLocked(key);
}

void WorkQueue::addLocked(const std::string& key) {
  if (shuttingDown_ || dirty_.contains(key)) return;
  dirty_.insert(key);
  if (processing_.contains(key)) return;  // done() queues it again
  queue_.push_back(key);
  ready_.notify_one();
}

void WorkQueue::addAfter(const std::string& key, std::chrono::nanoseconds delay) {
  std::lock_guard lock(mu_);
  if (shuttingDown_) return;
  if (delay <= std::chrono::nanoseconds::zero()) {
    addLocked(key);
    return;
  }
  const TimePoint due = options_.clock->monotonic() + delay;
  auto it = waitingByKey_.find(key);
  if (it != waitingByKey_.end()) {
    if (it->second <= due) return;
    waiting_.erase({it->second, key});
    it->second = due;
  } else {
    waitingByKey_.emplace(key, due);
  }
  waiting_.emplace(due, key);
  ready_.notify_all();  // a waiting get() may need an earlier wake-up
}

void WorkQueue::addRateLimited(const std::string& key) {
  std::chrono::milliseconds delay;
  {
    std::lock_guard lock(mu_);
    delay = failureBackoff(++failures_[key], options_.baseDelay, options_.maxDelay);
  }
  addAfter(key, delay);
}

void WorkQueue::forget(const std::string& key) {
  std::lock_guard lock(mu_);
  failures_.erase(key);
}

int WorkQueue::numRequeues(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

void WorkQueue::promoteDueLocked() {
  const TimePoint now = options_.clock->monotonic();
  while (!waiting_.empty() && waiting_.begin()->first <= now) {
    std::string key = waiting_.begin()->second;
    waiting_.erase(waiting_.begin());
    waitingByKey_.erase(key);
    addLocked(key);
  }
}

std::optional<std::string> WorkQueue::get() {
  std::unique_lock lock(mu_);
  while (true) {
    promoteDueLocked();
    if (!queue_.empty()) {
      std::string key = std::move(queue_.front());
      queue_.pop_front();
      processing_.insert(key);
      dirty_.erase(key);
      return key;
    }
    if (shuttingDown_) return std::nullopt;
    if (waiting_.empty()) {
      ready_.wait(lock);
    } else {
      auto untilDue =
          std::chrono::duration_cast<std::chrono::nanoseconds>(waiting_.begin()->first - options_.clock->monotonic());
      ready_.wait_for(lock, std::clamp(untilDue, std::chrono::nanoseconds(0),
                                       std::chrono::nanoseconds(options_.clockPollInterval)));
    }
  }
}

void WorkQueue::done(const std::string& key) {
  std::lock_guard lock(mu_);
  processing_.erase(key);
  if (dirty_.contains(key)) {
    queue_.push_back(key);
    ready_.notify_one();
  }
  if (processing_.empty() && queue_.empty()) drained_.notify_all();
}

void WorkQueue::shutDown() {
  std::lock_guard lock(mu_);
  shuttingDown_ = true;
  waiting_.clear();
  waitingByKey_.clear();
  ready_.notify_all();
}

bool WorkQueue::shutDownWithDrain(std::chrono::milliseconds timeout) {
  shutDown();
  std::unique_lock lock(mu_);
  return drained_.wait_for(lock, timeout, [&] { return processing_.empty() && queue_.empty(); });
}

bool WorkQueue::shuttingDown() const {
  std::lock_guard lock(mu_);
  return shuttingDown_;
}

size_t WorkQueue::len() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

size_t WorkQueue::waitingCount() const {
  std::lock_guard lock(mu_);
  return waiting_.size();
}

WorkerPool::WorkerPool(WorkQueue& queue, int workers, Process process) : queue_(queue), process_(std::move(process)) {
  for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::stop() {
  queue_.shutDown();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void WorkerPool::work() {
  while (std::optional<std::string> key = queue_.get()) {
    Status status = process_(*key);
    if (status.ok()) {
      queue_.forget(*key);
    } else {
      spdlog::warn("work queue: {} failed (attempt {}), backing off: {}", *key, queue_.numRequeues(*key) + 1,
                   std::string(status.message()));
      queue_.addRateLimited(*key);
    }
    queue_.done(*key);
  }
}

}  // namespace pennant::kube
