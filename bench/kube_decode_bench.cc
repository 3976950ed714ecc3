// Decoding cost of API server answers: a 5,000-object list page and a stream of 10,000 watch
// events, as the informer sees them on start-up and in steady state. Figures go to
// docs/benchmarks.md ("Kubernetes decoding"); nothing here asserts.
#include <benchmark/benchmark.h>

#include <string>

#include "kube/object_decoder.h"
#include "kube/watch_decoder.h"

namespace pennant::kube {
namespace {

// A Deployment shaped like a real one (labels, annotations, one container, status): ~1.4 KB.
Json deployment(int i) {
  const std::string name = "app-" + std::to_string(i);
  Json d = Json::parse(R"({
    "metadata": {"name": "", "namespace": "team-a", "uid": "3f2b6c1e-8a7d-4e2f-9c1b-5d6e7f8a9b0c",
      "resourceVersion": "", "generation": 7, "creationTimestamp": "2026-11-26T09:21:54Z",
      "labels": {"app.kubernetes.io/name": "podinfo", "app.kubernetes.io/part-of": "shop",
                 "pod-template-hash": "5d8f7c9b6", "team": "a"},
      "annotations": {"deployment.kubernetes.io/revision": "7",
                      "flagger.app/config-tracking": "enabled"}},
    "spec": {"replicas": 3, "revisionHistoryLimit": 10,
      "selector": {"matchLabels": {"app.kubernetes.io/name": "podinfo"}},
      "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
      "template": {"metadata": {"labels": {"app.kubernetes.io/name": "podinfo"}},
        "spec": {"containers": [{"name": "podinfod", "image": "ghcr.io/stefanprodan/podinfo:6.5.0",
          "ports": [{"name": "http", "containerPort": 9898, "protocol": "TCP"},
                    {"name": "grpc", "containerPort": 9999, "protocol": "TCP"}],
          "command": ["./podinfo", "--port=9898", "--grpc-port=9999", "--level=info"],
          "resources": {"limits": {"cpu": "2", "memory": "512Mi"}, "requests": {"cpu": "100m", "memory": "64Mi"}},
          "readinessProbe": {"httpGet": {"path": "/readyz", "port": 9898}, "periodSeconds": 5}}]}}},
    "status": {"observedGeneration": 7, "replicas": 3, "updatedReplicas": 3, "readyReplicas": 3,
      "availableReplicas": 3, "conditions": [
        {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
         "lastUpdateTime": "2026-11-26T09:21:54Z", "lastTransitionTime": "2026-11-26T09:21:54Z"},
        {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
         "lastUpdateTime": "2026-11-26T09:21:54Z", "lastTransitionTime": "2026-11-26T09:21:54Z"}]}
  })");
  d["metadata"]["name"] = name;
  d["metadata"]["resourceVersion"] = std::to_string(1000 + i);
  return d;
}

std::string listBody(int count) {
  Json items = Json::array();
  for (int i = 0; i < count; ++i) items.push_back(deployment(i));
  return Json{{"kind", "DeploymentList"}, {"apiVersion", "apps/v1"},
              {"metadata", {{"resourceVersion", "987654"}}}, {"items", std::move(items)}}
      .dump();
}

std::string watchStream(int count) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    Json d = deployment(i % 500);
    d["apiVersion"] = "apps/v1";
    d["kind"] = "Deployment";
    out += Json{{"type", i % 10 == 0 ? "ADDED" : "MODIFIED"}, {"object", std::move(d)}}.dump();
    out += '\n';
  }
  return out;
}

void BM_DecodeList5000(benchmark::State& state) {
  const std::string body = listBody(5000);
  for (auto _ : state) {
    auto list = decodeList(body, resources::deployments(), "bench");
    if (!list.ok() || list->items.size() != 5000) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(list);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 5000));
  state.counters["body_bytes"] = static_cast<double>(body.size());
}
BENCHMARK(BM_DecodeList5000)->Unit(benchmark::kMillisecond);

// Chunk size as curl typically hands data over (16 KiB), so events straddle chunk boundaries.
void BM_DecodeWatchStream10000(benchmark::State& state) {
  const std::string stream = watchStream(10000);
  const size_t chunk = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    WatchDecoder decoder("bench");
    uint64_t events = 0;
    const WatchHandler count = [&events](const WatchEvent&) {
      ++events;
      return true;
    };
    for (size_t pos = 0; pos < stream.size(); pos += chunk) {
      (void)decoder.feed(std::string_view(stream).substr(pos, chunk), count);
    }
    if (!decoder.finish(count).ok() || events != 10000) state.SkipWithError("decode failed");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * stream.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 10000));
  state.counters["stream_bytes"] = static_cast<double>(stream.size());
}
BENCHMARK(BM_DecodeWatchStream10000)->Arg(16384)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace pennant::kube

BENCHMARK_MAIN();
