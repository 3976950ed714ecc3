// Rendering and diffing a GRPCRoute at the Gateway API maxima: up to 16 rules x 64 matches, 16
// headers per match and 16 filters per rule. Reports time per operation and heap allocations per
// operation (counted by the global operator new below).
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "analysis/route_state.h"
#include "api/canary.h"
#include "router/gatewayapi/grpc_route.h"
#include "router/gatewayapi/route_core.h"
#include "router/gatewayapi/route_validation.h"

namespace {
std::atomic<int64_t> g_allocations{0};
}  // namespace

// Counts every allocation; the benchmark reports the count per iteration.
void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

using pennant::Json;
namespace gw = pennant::router::gatewayapi;

Json maximalRules(int rules, int matchesPerRule) {
  Json out = Json::array();
  for (int r = 0; r < rules; ++r) {
    Json matches = Json::array();
    for (int m = 0; m < matchesPerRule; ++m) {
      Json headers = Json::array();
      for (int h = 0; h < 16; ++h)
        headers.push_back({{"name", "x-h" + std::to_string(h)}, {"value", "v" + std::to_string(m)}});
      matches.push_back(
          {{"method", {{"service", "com.example.Svc" + std::to_string(r)}, {"method", "M" + std::to_string(m)}}},
           {"headers", std::move(headers)}});
    }
    Json filters = Json::array();
    filters.push_back(
        {{"type", "RequestHeaderModifier"}, {"requestHeaderModifier", {{"set", {{{"name", "a"}, {"value", "b"}}}}}}});
    filters.push_back({{"type", "ResponseHeaderModifier"}, {"responseHeaderModifier", {{"remove", {"server"}}}}});
    for (int f = 0; f < 14; ++f) {
      filters.push_back({{"type", "ExtensionRef"},
                         {"extensionRef", {{"group", "g.io"}, {"kind", "K"}, {"name", "f" + std::to_string(f)}}}});
    }
    out.push_back(
        {{"name", "rule-" + std::to_string(r)}, {"matches", std::move(matches)}, {"filters", std::move(filters)}});
  }
  return out;
}

pennant::api::Canary maximalCanary(int rules, int matchesPerRule) {
  Json manifest = {{"apiVersion", "flagger.app/v1beta1"},
                   {"kind", "Canary"},
                   {"metadata", {{"name", "greeter"}, {"namespace", "demo"}, {"uid", "u"}}},
                   {"spec",
                    {{"provider", "gatewayapi:v1"},
                     {"targetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "greeter"}}},
                     {"service",
                      {{"port", 9090},
                       {"gatewayRefs", {{{"name", "gw"}, {"namespace", "gateway-system"}}}},
                       {"hosts", {"grpc.example.com"}},
                       {"route", {{"kind", "GRPCRoute"}, {"rules", maximalRules(rules, matchesPerRule)}}}}},
                     {"analysis", {{"interval", "30s"}, {"stepWeight", 10}, {"maxWeight", 50}}}}}};
  return *pennant::api::parseCanary(manifest);
}

// Allocation counting around the timed loop (setup excluded).
class AllocationScope {
 public:
  explicit AllocationScope(benchmark::State& state) : state_(state), start_(g_allocations.load()) {}
  ~AllocationScope() {
    state_.counters["allocs/op"] =
        benchmark::Counter(static_cast<double>(g_allocations.load() - start_), benchmark::Counter::kAvgIterations);
  }

 private:
  benchmark::State& state_;
  int64_t start_;
};

// A stored route of `rules` x `matches` built directly (16 x 64 exceeds the API server's
// 128-matches-per-route limit, so no Canary renders it; the diff still has to cope with it).
Json storedRoute(int rules, int matchesPerRule) {
  Json ruleList = maximalRules(rules, matchesPerRule);
  for (auto& rule : ruleList) {
    rule["backendRefs"] = {
        {{"group", ""}, {"kind", "Service"}, {"name", "greeter-primary"}, {"port", 9090}, {"weight", 70}},
        {{"group", ""}, {"kind", "Service"}, {"name", "greeter-canary"}, {"port", 9090}, {"weight", 30}}};
  }
  return {
      {"apiVersion", "gateway.networking.k8s.io/v1"},
      {"kind", "GRPCRoute"},
      {"metadata", {{"name", "greeter"}, {"namespace", "demo"}, {"resourceVersion", "7"}}},
      {"spec", {{"parentRefs", {{{"name", "gw"}, {"namespace", "gateway-system"}}}}, {"rules", std::move(ruleList)}}}};
}

// The managed GRPCRoute from the Canary: validation + rendering (what the controller does per write).
void BM_RenderManagedRoute(benchmark::State& state) {
  auto canary = maximalCanary(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  auto routeState = pennant::analysis::routeStateFor(canary, 30, pennant::api::Phase::kProgressing);
  if (!gw::desiredRoute(canary, nullptr, routeState).ok()) {
    state.SkipWithError("canary does not render");
    return;
  }
  AllocationScope scope(state);
  for (auto _ : state) {
    auto route = gw::desiredRoute(canary, nullptr, routeState);
    benchmark::DoNotOptimize(route);
  }
}

// The no-op check the controller runs on every tick: normalise both specs (API server defaults,
// empty values) and compare spec, labels, annotations and ownerReferences.
void BM_DiffUnchangedRoute(benchmark::State& state) {
  Json current = storedRoute(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  Json desired = current;
  AllocationScope scope(state);
  for (auto _ : state) benchmark::DoNotOptimize(gw::needsWrite(current, desired));
}

// Validation alone over the user's rules (at 16 x 64 it also finds the 128-per-route problem).
void BM_ValidateCanary(benchmark::State& state) {
  auto canary = maximalCanary(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  AllocationScope scope(state);
  for (auto _ : state) benchmark::DoNotOptimize(gw::validateCanaryForRouting(canary));
}

// Serialising the route (the bytes written to the API server / printed by render).
void BM_SerializeRoute(benchmark::State& state) {
  Json route = storedRoute(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  AllocationScope scope(state);
  for (auto _ : state) benchmark::DoNotOptimize(route.dump());
}

// {rules, matches per rule}: 16 x 8 = 128 matches (the largest route the API server accepts),
// 2 x 64 (the per-rule maximum), 16 x 64 (every per-list maximum at once).
BENCHMARK(BM_RenderManagedRoute)->Args({16, 8})->Args({2, 64})->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DiffUnchangedRoute)->Args({16, 8})->Args({2, 64})->Args({16, 64})->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ValidateCanary)->Args({16, 8})->Args({16, 64})->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SerializeRoute)->Args({16, 8})->Args({16, 64})->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
