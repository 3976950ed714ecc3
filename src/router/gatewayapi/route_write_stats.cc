#include "router/gatewayapi/route_write_stats.h"

#include <array>
#include <atomic>
#include <cstdint>

namespace pennant::router::gatewayapi {
namespace {

// Hand-written rather than prometheus-cpp: the router library does not link it, and the
// histogram is eleven atomics.
constexpr std::array<double, 12> kBounds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
std::array<std::atomic<uint64_t>, kBounds.size() + 1> gBuckets{};  // last: +Inf
std::atomic<uint64_t> gSumMicros{0};

std::string number(double v) {
  std::string s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

void observeRouteWrite(std::chrono::duration<double> elapsed) {
  const double seconds = elapsed.count();
  size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) ++i;
  gBuckets[i].fetch_add(1, std::memory_order_relaxed);
  gSumMicros.fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

std::string routeWriteExposition() {
  std::string out =
      "# HELP pennant_route_write_seconds From a route change being requested to the API server acknowledging the "
      "write\n# TYPE pennant_route_write_seconds histogram\n";
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= kBounds.size(); ++i) {
    cumulative += gBuckets[i].load(std::memory_order_relaxed);
    const std::string le = i < kBounds.size() ? number(kBounds[i]) : "+Inf";
    out += "pennant_route_write_seconds_bucket{le=\"" + le + "\"} " + std::to_string(cumulative) + "\n";
  }
  out += "pennant_route_write_seconds_sum " + number(static_cast<double>(gSumMicros.load()) / 1e6) + "\n";
  out += "pennant_route_write_seconds_count " + std::to_string(cumulative) + "\n";
  return out;
}

}  // namespace pennant::router::gatewayapi
