#pragma once
// Jittered exponential back-off for reconnects: initial * factor^n, capped at max, each delay
// stretched by a random fraction up to `jitter` (client-go's wait.Backoff with Jitter) so that
// many clients that lost the same API server do not all come back in the same instant.
#include <algorithm>
#include <chrono>
#include <functional>
#include <random>

namespace pennant::kube {

struct BackoffPolicy {
  std::chrono::milliseconds initial{800};
  std::chrono::milliseconds max{std::chrono::seconds(30)};
  double factor = 2.0;
  double jitter = 1.0;  // delay * (1 + jitter * random[0,1))
};

class Backoff {
 public:
  // `random` returns a value in [0,1); injectable so tests get exact delays.
  explicit Backoff(BackoffPolicy policy, std::function<double()> random = {})
      : policy_(policy), random_(std::move(random)) {
    if (!random_) {
      random_ = [engine = std::mt19937_64(std::random_device{}()),
                 dist = std::uniform_real_distribution<double>(0.0, 1.0)]() mutable { return dist(engine); };
    }
  }

  // The delay before the next attempt; grows with every call until reset().
  std::chrono::milliseconds next() {
    double base = static_cast<double>(policy_.initial.count());
    for (int i = 0; i < attempts_ && base < static_cast<double>(policy_.max.count()); ++i) base *= policy_.factor;
    base = std::min(base, static_cast<double>(policy_.max.count()));
    ++attempts_;
    return std::chrono::milliseconds(static_cast<int64_t>(base * (1.0 + policy_.jitter * random_())));
  }
  void reset() { attempts_ = 0; }
  int attempts() const { return attempts_; }

 private:
  BackoffPolicy policy_;
  std::function<double()> random_;
  int attempts_ = 0;
};

}  // namespace pennant::kube
