// Informer cache figures (docs/benchmarks.md, "Informer cache"): heap bytes per cached object and
// event throughput. Memory is glibc's mallinfo2().uordblks (bytes in use) before N decoded
// objects exist and after the cache has taken them (the list's vector already freed), so it counts
// everything the cache owns: the JSON trees, shared_ptr control blocks and map nodes.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "fakes/fake_kube_client.h"
#include "kube/informer.h"

namespace {

using pennant::Json;
using pennant::stringAt;
using namespace pennant::kube;

const Resource kDeployments{"apps", "v1", "deployments", true};

// A realistic Deployment as the API server returns it (~3 KB of JSON with managedFields).
Json deployment(int i) {
  const std::string name = "podinfo-" + std::to_string(i);
  Json container = {
      {"name", "podinfo"},
      {"image", "ghcr.io/stefanprodan/podinfo:6.5.4"},
      {"imagePullPolicy", "IfNotPresent"},
      {"ports", {{{"name", "http"}, {"containerPort", 9898}, {"protocol", "TCP"}},
                 {{"name", "grpc"}, {"containerPort", 9999}, {"protocol", "TCP"}}}},
      {"command", {"./podinfo", "--port=9898", "--grpc-port=9999", "--level=info"}},
      {"env", {{{"name", "PODINFO_UI_COLOR"}, {"value", "#34577c"}}}},
      {"livenessProbe", {{"exec", {{"command", {"podcli", "check", "http", "localhost:9898/healthz"}}}},
                         {"initialDelaySeconds", 5}, {"timeoutSeconds", 5}}},
      {"readinessProbe", {{"exec", {{"command", {"podcli", "check", "http", "localhost:9898/readyz"}}}},
                          {"initialDelaySeconds", 5}, {"timeoutSeconds", 5}}},
      {"resources", {{"limits", {{"cpu", "2000m"}, {"memory", "512Mi"}}},
                     {"requests", {{"cpu", "100m"}, {"memory", "64Mi"}}}}},
      {"terminationMessagePath", "/dev/termination-log"},
      {"terminationMessagePolicy", "File"}};
  Json labels = {{"app", name}, {"app.kubernetes.io/part-of", "shop"}, {"team", "payments"}};
  return {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata",
       {{"name", name},
        {"namespace", "ns-" + std::to_string(i % 20)},
        {"labels", labels},
        {"annotations", {{"deployment.kubernetes.io/revision", "3"},
                         {"kubectl.kubernetes.io/last-applied-configuration", std::string(600, 'x')}}},
        {"managedFields",
         {{{"manager", "kubectl-client-side-apply"}, {"operation", "Update"}, {"apiVersion", "apps/v1"},
           {"fieldsType", "FieldsV1"},
           {"fieldsV1", {{"f:metadata", {{"f:labels", {{".", Json::object()}, {"f:app", Json::object()}}}}},
                         {"f:spec", {{"f:replicas", Json::object()}, {"f:selector", Json::object()}}}}}}}}}},
      {"spec",
       {{"replicas", 2},
        {"revisionHistoryLimit", 10},
        {"progressDeadlineSeconds", 600},
        {"selector", {{"matchLabels", {{"app", name}}}}},
        {"strategy", {{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxSurge", "25%"}, {"maxUnavailable", "25%"}}}}},
        {"template",
         {{"metadata", {{"labels", labels}, {"annotations", {{"prometheus.io/scrape", "true"}}}}},
          {"spec", {{"containers", {container}}, {"restartPolicy", "Always"}, {"dnsPolicy", "ClusterFirst"},
                    {"terminationGracePeriodSeconds", 30}, {"schedulerName", "default-scheduler"}}}}}}},
      {"status",
       {{"observedGeneration", 3}, {"replicas", 2}, {"updatedReplicas", 2}, {"readyReplicas", 2},
        {"availableReplicas", 2},
        {"conditions",
         {{{"type", "Available"}, {"status", "True"}, {"reason", "MinimumReplicasAvailable"},
           {"message", "Deployment has minimum availability."},
           {"lastUpdateTime", "2026-11-26T09:00:00Z"}, {"lastTransitionTime", "2026-11-26T09:00:00Z"}},
          {{"type", "Progressing"}, {"status", "True"}, {"reason", "NewReplicaSetAvailable"},
           {"message", "ReplicaSet \"" + name + "-5d8f7c9b6\" has successfully progressed."},
           {"lastUpdateTime", "2026-11-26T09:00:00Z"}, {"lastTransitionTime", "2026-11-26T08:00:00Z"}}}}}}};
}

size_t heapInUse() { return mallinfo2().uordblks; }

// Bytes of heap per cached Deployment. Mode 0: everything kept; 1: managedFields dropped (the
// default); 2: dropBookkeeping (also last-applied-configuration); 3: as 2, packed (deflated CBOR).
void BM_CacheMemoryPerObject(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const int64_t mode = state.range(1);
  const bool dropManagedFields = mode != 0;
  std::vector<Json> items;
  for (int i = 0; i < n; ++i) items.push_back(deployment(i));
  const double jsonBytes = static_cast<double>(items[0].dump().size());
  double perObject = 0;
  for (auto _ : state) {
    state.PauseTiming();
    InformerOptions o;
    o.resource = kDeployments;
    o.dropManagedFields = dropManagedFields;
    if (mode >= 2) o.transform = pennant::kube::dropBookkeeping;
    if (mode == 3) o.storage = pennant::kube::CacheStorage::kPacked;
    auto informer = std::make_unique<Informer>(std::make_shared<pennant::fakes::FakeKubeClient>(), o);
    malloc_trim(0);
    const size_t before = heapInUse();
    std::vector<Json> copy = items;  // as a decoded list: the cache keeps these trees
    state.ResumeTiming();
    informer->replace(std::move(copy), "1");  // takes the objects' ownership, as from a list
    state.PauseTiming();
    const size_t after = heapInUse();
    perObject = (static_cast<double>(after) - static_cast<double>(before)) / n;
    benchmark::DoNotOptimize(informer->size());
    informer.reset();
    state.ResumeTiming();
  }
  state.counters["bytes_per_object"] = perObject;
  state.counters["json_bytes_per_object"] = jsonBytes;
  state.counters["objects/s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_CacheMemoryPerObject)->Args({5000, 1})->Args({5000, 0})->Args({5000, 2})->Args({5000, 3})->Unit(benchmark::kMillisecond)->Iterations(3);

// Watch events applied to the cache and dispatched to a handler, without any transport.
void BM_InformerApplyEvents(benchmark::State& state) {
  InformerOptions o;
  o.resource = kDeployments;
  Informer informer(std::make_shared<pennant::fakes::FakeKubeClient>(), o);
  std::atomic<int64_t> handled{0};
  informer.addHandlers({[&](const ObjectPtr&) { ++handled; }, [&](const ObjectPtr&, const ObjectPtr&) { ++handled; },
                        [&](const ObjectPtr&) { ++handled; }});
  informer.replace({}, "1");
  std::vector<Json> events;
  for (int i = 0; i < 1000; ++i) events.push_back(deployment(i));
  int64_t rv = 1;
  for (auto _ : state) {
    for (const Json& e : events) {
      Json copy = e;  // the watch decoder hands over a fresh object per event
      copy["metadata"]["resourceVersion"] = std::to_string(++rv);
      informer.apply(WatchEvent::Type::kModified, std::move(copy));
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(events.size()));
}
BENCHMARK(BM_InformerApplyEvents)->Unit(benchmark::kMillisecond);

// End to end over the in-memory fake API server: writes -> watch -> reflector -> cache -> handler.
void BM_InformerEndToEndThroughput(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    auto cluster = std::make_shared<pennant::fakes::FakeKubeClient>();
    InformerOptions o;
    o.resource = kDeployments;
    Informer informer(cluster, o);
    std::atomic<int> seen{0};
    informer.addHandlers({[&](const ObjectPtr&) { ++seen; }, nullptr, nullptr});
    informer.start();
    informer.waitForSync(std::chrono::seconds(5));
    cluster->waitForWatches(1);
    std::vector<Json> objects;
    for (int i = 0; i < n; ++i) objects.push_back(deployment(i));
    state.ResumeTiming();
    for (const Json& obj : objects) (void)cluster->create(kDeployments, stringAt(obj, {"metadata", "namespace"}), obj);
    while (seen.load() < n) std::this_thread::yield();
    state.PauseTiming();
    informer.stop();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * n);
}
// The work runs on the fake server's and the informer's threads: rate by wall time.
BENCHMARK(BM_InformerEndToEndThroughput)->Arg(5000)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
