#include "controller/manager.h"

#include <unistd.h>

#include <thread>

#include "common/allocator.h"
#include "common/log.h"
#include "controller/event_sink.h"
#include "kube/cache_transform.h"
#include "kube/resource.h"
#include "kube/rest_client.h"
#include "router/gatewayapi/route_write_stats.h"
#include "workload/config_refs.h"

namespace pennant::controller {
namespace {

namespace res = kube::resources;

std::string defaultIdentity() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host[0] ? host : "pennant") + "_" + std::to_string(getpid());
}

// A Canary change that is not only its status (our own status writes must not re-trigger it).
bool specOrMetadataChanged(const Json& before, const Json& after) {
  auto strip = [](Json j) {
    j.erase("status");
    if (j.contains("metadata")) {
      j["metadata"].erase("resourceVersion");
      j["metadata"].erase("managedFields");
    }
    return j;
  };
  return strip(before) != strip(after);
}

std::string targetOf(const Json& canary) { return stringAt(canary, {"spec", "targetRef", "name"}); }
std::string apexOf(const Json& canary) {
  std::string apex = stringAt(canary, {"spec", "service", "name"});
  return apex.empty() ? targetOf(canary) : apex;
}

// Indices of the Canary cache: "namespace/name" of the objects a Canary watches, so an event
// finds its Canaries without unpacking every Canary of the namespace.
void addCanaryIndices(kube::Informer& canaries) {
  auto keys = [](const Json& c, std::vector<std::string> names) {
    const std::string ns = stringAt(c, {"metadata", "namespace"});
    std::vector<std::string> out;
    for (const auto& name : names) {
      if (!name.empty()) out.push_back(kube::Informer::keyOf(ns, name));
    }
    return out;
  };
  canaries.addIndex("workload", [keys](const Json& c) { return keys(c, {targetOf(c), targetOf(c) + "-primary"}); });
  canaries.addIndex("service", [keys](const Json& c) {
    const std::string apex = apexOf(c);
    return keys(c, {apex, apex + "-primary", apex + "-canary"});
  });
  canaries.addIndex("route", [keys](const Json& c) {
    return keys(c, {apexOf(c), stringAt(c, {"spec", "routeRef", "name"})});
  });
}

}  // namespace

Manager::Manager(kube::ClientPtr client, ManagerOptions options)
    : client_(std::move(client)), options_(std::move(options)) {
  if (!options_.clock) options_.clock = systemClock();
  if (options_.identity.empty()) options_.identity = defaultIdentity();
  if (options_.workers < 1) options_.workers = 1;
  // One glibc arena per informer/worker thread fragments the heap (each keeps its own free
  // pages); two arenas suffice for this I/O-bound process (docs/benchmarks.md, scale run).
  limitAllocatorArenas();
  metrics_ = std::make_shared<ControllerMetrics>(options_.version);
  if (auto rest = std::dynamic_pointer_cast<kube::RestClient>(client_)) {
    metrics_->addExposition([rest] { return kube::requestCountsExposition(rest->requestCounts()); });
  }
  metrics_->addExposition(router::gatewayapi::routeWriteExposition);
  store_ = std::make_shared<InformerObjectStore>();
  store_->readOutside(options_.ns, client_);  // templates, providers and their Secrets in other namespaces
  queue_ = std::make_unique<kube::WorkQueue>();
  kube::EventRecorderOptions recorderOptions;
  recorderOptions.reportingInstance = options_.identity;
  recorderOptions.clock = options_.clock;
  recorder_ = std::make_unique<kube::EventRecorder>(client_, recorderOptions);
  ReconcilerDeps deps;
  deps.client = client_;
  deps.store = store_;
  deps.clock = options_.clock;
  deps.events = std::make_shared<RecorderEventSink>(*recorder_);
  deps.metrics = metrics_;
  deps.analysis = options_.analysis;
  reconciler_ = std::make_unique<Reconciler>(std::move(deps));
  buildInformers();
}

Manager::~Manager() {
  stop();
  for (auto& [name, informer] : informers_) informer->stop();
  if (recorder_) recorder_->stop();
  if (health_) health_->stop();
}

void Manager::watch(const kube::Resource& r, std::function<void(const Json&)> onChange, bool canaries) {
  kube::InformerOptions io;
  io.resource = r;
  io.ns = options_.ns;
  // Services, routes and HPAs are written back from their cached copies: they keep their annotations.
  const bool writtenFromCache = r.resource == "services" || r.resource == "httproutes" || r.resource == "grpcroutes" ||
                                r.resource == "horizontalpodautoscalers";
  if (!writtenFromCache) io.transform = kube::dropBookkeeping;
  // Packed entries: ~1/20 of the memory of JSON trees, for ~10 µs of unpacking per cache read.
  io.storage = kube::CacheStorage::kPacked;
  auto informer = std::make_shared<kube::Informer>(client_, io);
  if (canaries) addCanaryIndices(*informer);
  kube::EventHandlers handlers;
  handlers.onAdd = [onChange](const kube::ObjectPtr& o) { onChange(*o); };
  handlers.onUpdate = [onChange, canaries](const kube::ObjectPtr& before, const kube::ObjectPtr& after) {
    if (canaries && !specOrMetadataChanged(*before, *after)) return;
    onChange(*after);
  };
  handlers.onDelete = [onChange, canaries](const kube::ObjectPtr& last) {
    if (!canaries) onChange(*last);
  };
  informer->addHandlers(std::move(handlers));
  store_->add(r, informer);
  informers_[r.qualifiedName()] = informer;
  if (canaries) canaries_ = informer;
}

void Manager::buildInformers() {
  watch(
      res::canaries(), [this](const Json& c) { queue_->add(kube::Informer::keyOf(c)); }, true);
  watch(res::deployments(), [this](const Json& d) { enqueueForDeployment(d); });
  watch(res::configMaps(), [this](const Json& c) { enqueueForConfig(c, false); });
  watch(res::secrets(), [this](const Json& s) { enqueueForConfig(s, true); });
  watch(res::services(), [this](const Json& s) { enqueueForService(s); });
  watch(res::httpRoutes(), [this](const Json& r) { enqueueForRoute(r); });
  watch(res::grpcRoutes(), [this](const Json& r) { enqueueForRoute(r); });
  watch(res::hpas(), [this](const Json& h) { enqueueForAutoscaler(h); });
  // Templates and providers may live in another namespace: any change looks at every Canary.
  auto all = [this](const Json&) { enqueueCanaries("", [](const Json&) { return true; }); };
  watch(res::metricTemplates(), all);
  watch(res::alertProviders(), all);
}

void Manager::enqueueCanaries(const std::string& ns, const std::function<bool(const Json&)>& matches) {
  if (!canaries_) return;
  for (const auto& c : ns.empty() ? canaries_->list() : canaries_->list(ns)) {
    if (matches(*c)) queue_->add(kube::Informer::keyOf(*c));
  }
}

void Manager::enqueueIndexed(const std::string& index, const Json& object) {
  if (!canaries_) return;
  for (const auto& key : canaries_->keysByIndex(index, kube::Informer::keyOf(object))) queue_->add(key);
}

void Manager::enqueueForDeployment(const Json& deployment) { enqueueIndexed("workload", deployment); }

void Manager::enqueueForConfig(const Json& config, bool secret) {
  const std::string ns = stringAt(config, {"metadata", "namespace"});
  const std::string name = stringAt(config, {"metadata", "name"});
  const auto kind = secret ? workload::ConfigKind::kSecret : workload::ConfigKind::kConfigMap;
  enqueueCanaries(ns, [&](const Json& c) {
    auto target = store_->get(res::deployments(), ns, targetOf(c));
    if (!target) return false;
    const Json* podSpec = findPath(*target, {"spec", "template", "spec"});
    if (!podSpec) return false;
    for (const auto& ref : workload::referencedConfigs(*podSpec)) {
      if (ref.kind == kind && ref.name == name) return true;
    }
    return false;
  });
}

void Manager::enqueueForService(const Json& service) { enqueueIndexed("service", service); }

void Manager::enqueueForAutoscaler(const Json& hpa) {
  const std::string name = stringAt(hpa, {"metadata", "name"});
  enqueueCanaries(stringAt(hpa, {"metadata", "namespace"}), [&](const Json& c) {
    const std::string ref = stringAt(c, {"spec", "autoscalerRef", "name"});
    return !ref.empty() && (name == ref || name == ref + "-primary");
  });
}

void Manager::enqueueForRoute(const Json& route) { enqueueIndexed("route", route); }

Status Manager::process(const std::string& key) {
  auto result = reconciler_->reconcile(key);
  if (!result.ok()) {
    spdlog::warn("reconcile {}: {}", key, std::string(result.status().message()));
    return result.status();
  }
  if (result->requeueAfter) queue_->addAfter(key, *result->requeueAfter);
  return absl::OkStatus();
}

void Manager::updateTotals() {
  std::map<std::string, int> perNamespace;
  for (const auto& c : canaries_->list()) perNamespace[stringAt(*c, {"metadata", "namespace"})]++;
  for (const auto& [ns, n] : perNamespace) metrics_->setTotal(ns, n);
}

Status Manager::run() {
  if (!options_.healthAddr.empty()) {
    health_ = std::make_unique<HealthServer>(
        options_.healthAddr, [this] { return ready(); }, metrics_);
    PENNANT_RETURN_IF_ERROR(health_->start());
    spdlog::info("serving /healthz /readyz /metrics on port {}", health_->port());
  }
  for (auto& [name, informer] : informers_) informer->start();
  for (auto& [name, informer] : informers_) {
    if (!informer->waitForSync(options_.syncTimeout)) {
      return absl::DeadlineExceededError("cache of " + name + " did not sync (RBAC? CRDs installed?)");
    }
  }
  ready_ = true;
  spdlog::info("caches synced; {} canaries", canaries_->size());

  std::thread electorThread;
  if (options_.leaderElect) {
    kube::LeaderElectionConfig le;
    le.leaseNamespace = options_.leaseNamespace;
    le.leaseName = options_.leaseName;
    le.identity = options_.identity;
    le.clock = options_.clock;
    le.onStartedLeading = [this] {
      spdlog::info("{} became the leader", options_.identity);
      std::lock_guard lock(mu_);
      leading_ = true;
      stopped_.notify_all();
    };
    // As client-go's users do, a replica that lost the Lease stops rather than act without it.
    le.onStoppedLeading = [this] {
      spdlog::warn("{} stopped leading", options_.identity);
      stop();
    };
    elector_ = std::make_unique<kube::LeaderElector>(client_, le);
    PENNANT_RETURN_IF_ERROR(kube::validateLeaderElectionConfig(le));
    electorThread = std::thread([this] {
      Status s = elector_->run();
      if (!s.ok()) spdlog::error("leader election: {}", std::string(s.message()));
      stop();  // the campaign ended (stop, lost Lease or an error): so does this replica
    });
  } else {
    leading_ = true;
  }

  {
    std::unique_lock lock(mu_);
    stopped_.wait(lock, [this] { return leading_.load() || stopping_.load(); });
  }
  std::unique_ptr<kube::WorkerPool> pool;
  if (!stopping_) {
    pool = std::make_unique<kube::WorkerPool>(*queue_, options_.workers,
                                              [this](const std::string& key) { return process(key); });
    std::unique_lock lock(mu_);
    while (!stopping_) {
      stopped_.wait_for(lock, std::chrono::seconds(10), [this] { return stopping_.load(); });
      updateTotals();
      // Decoded watch events are short-lived trees; the allocator keeps their freed pages unless
      // asked (glibc) or until its decay timer runs on a later allocation (jemalloc); returning
      // them keeps RSS near the heap in use, idle too (docs/benchmarks.md).
      releaseFreeMemory();
    }
  }
  // Graceful shutdown: finish in-flight reconciles, release the Lease, write queued Events.
  if (pool) pool->stop();
  queue_->shutDown();
  if (elector_) elector_->stop();
  if (electorThread.joinable()) electorThread.join();
  for (auto& [name, informer] : informers_) informer->stop();
  recorder_->flush(std::chrono::seconds(5));
  spdlog::info("controller stopped");
  return absl::OkStatus();
}

void Manager::stop() {
  std::lock_guard lock(mu_);
  stopping_ = true;
  stopped_.notify_all();
}

}  // namespace pennant::controller
