#pragma once
// Time is injected: nothing in analysis or routing reads the wall clock directly.
#include <chrono>
#include <memory>

namespace pennant {

class Clock {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;
  // Wall-clock time (for timestamps written to the API server).
  virtual TimePoint now() const = 0;
  // Monotonic time (for deadlines and back-off).
  virtual std::chrono::steady_clock::time_point monotonic() const = 0;
};

// The process clock.
class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
  std::chrono::steady_clock::time_point monotonic() const override { return std::chrono::steady_clock::now(); }
};

std::shared_ptr<const Clock> systemClock();

// RFC 3339 UTC with seconds precision, as Kubernetes writes metav1.Time ("2026-11-26T09:21:54Z").
std::string formatRfc3339(Clock::TimePoint t);

}  // namespace pennant
