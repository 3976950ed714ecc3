#pragma once
// A manually advanced clock for tests: wall time and monotonic time move together, only on advance().
#include <chrono>
#include <mutex>

#include "common/clock.h"

namespace pennant::fakes {

class FakeClock final : public Clock {
 public:
  // Starts at 2026-01-01T00:00:00Z so timestamps in tests are readable.
  FakeClock() : wall_(std::chrono::sys_days{std::chrono::year{2026} / 1 / 1}) {}

  TimePoint now() const override {
    std::lock_guard lock(mu_);
    return wall_;
  }
  std::chrono::steady_clock::time_point monotonic() const override {
    std::lock_guard lock(mu_);
    return steady_;
  }
  void advance(std::chrono::nanoseconds d) {
    std::lock_guard lock(mu_);
    wall_ += std::chrono::duration_cast<Clock::TimePoint::duration>(d);
    steady_ += d;
  }

 private:
  mutable std::mutex mu_;
  TimePoint wall_;
  std::chrono::steady_clock::time_point steady_{};
};

}  // namespace pennant::fakes
