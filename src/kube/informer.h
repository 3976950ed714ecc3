#pragma once
// A read-only, thread-safe cache of one resource kept current by a Reflector, with event handlers.
// Cached objects are shared_ptr<const Json>: readers share them and nobody can change them; to
// change an object, copy it (Json copy = *ptr) and write the copy through the Client.
// Model: client-go tools/cache shared_informer.go (without the per-handler goroutines).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <absl/container/btree_set.h>

#include "kube/cache_transform.h"
#include "kube/client.h"
#include "kube/reflector.h"

namespace pennant::kube {

using ObjectPtr = std::shared_ptr<const Json>;

// Called on the informer's thread after the cache has changed, in event order. Keep them short
// (enqueue a key); they may read the cache but must not call addHandlers(). A delete carries the last state the cache knew,
// also when the object vanished while the watch was down (noticed on re-list).
// Names under which an object is filed in a secondary index (client-go's IndexFunc), e.g. the
// "namespace/name" of each Deployment a Canary refers to.
using IndexFunc = std::function<std::vector<std::string>(const Json& object)>;

struct EventHandlers {
  std::function<void(const ObjectPtr& object)> onAdd;
  std::function<void(const ObjectPtr& before, const ObjectPtr& after)> onUpdate;
  std::function<void(const ObjectPtr& last)> onDelete;
};

// How cached objects are held. kTree: as JSON trees, shared with readers (get() returns the same
// pointer until the object changes). kPacked: as deflated CBOR (packed_object.h), about 1/20 of
// the tree's memory; every read unpacks a fresh copy. Handlers see the same objects either way.
enum class CacheStorage { kTree, kPacked };

struct InformerOptions {
  Resource resource;
  std::string ns;             // "" = all namespaces (or a cluster-scoped resource)
  std::string labelSelector;
  std::string fieldSelector;
  int64_t pageSize = 500;
  BackoffPolicy backoff;
  std::function<double()> random;  // reconnect jitter source, for tests
  // managedFields are large and no controller logic reads them; dropping them halves the cache.
  bool dropManagedFields = true;
  // Runs on every object before it is cached (after dropManagedFields), e.g. dropBookkeeping or
  // a per-kind pruning of fields the controller never reads. Handlers and readers see the result.
  CacheTransform transform;
  CacheStorage storage = CacheStorage::kTree;
};

class Informer final : private ReflectorStore {
 public:
  Informer(ClientPtr client, InformerOptions options);
  ~Informer() override;
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Registers handlers; when the cache already holds objects they are replayed as onAdd first.
  void addHandlers(EventHandlers handlers);
  // Adds a secondary index; call before start(). Values are computed once, as an object enters
  // the cache, so handlers find related objects without unpacking every cached one.
  void addIndex(const std::string& name, IndexFunc fn);
  // Keys ("namespace/name") of the cached objects filed under `value` in index `name`.
  std::vector<std::string> keysByIndex(const std::string& name, const std::string& value) const;

  // Starts listing and watching on a thread of its own. Call once.
  void start();
  // Stops the watch and joins the thread; the cache keeps its last contents. Idempotent.
  void stop();

  // True once the first complete list has been cached and its onAdd handlers have run.
  bool hasSynced() const { return synced_.load(); }
  bool waitForSync(std::chrono::milliseconds timeout) const;

  // "namespace/name" (or "name" for a cluster-scoped object).
  static std::string keyOf(const Json& object);
  static std::string keyOf(std::string_view ns, std::string_view name);

  ObjectPtr get(std::string_view ns, std::string_view name) const;
  ObjectPtr getByKey(const std::string& key) const;
  // Every cached object (in key order), or those of one namespace.
  std::vector<ObjectPtr> list() const;
  std::vector<ObjectPtr> list(std::string_view ns) const;
  size_t size() const;
  std::string lastSyncResourceVersion() const { return reflector_.lastResourceVersion(); }
  const Reflector& reflector() const { return reflector_; }

  // ReflectorStore, public for benchmarks and tests that feed the cache directly.
  void replace(std::vector<Json> items, const std::string& resourceVersion) override;
  void apply(WatchEvent::Type type, Json object) override;

 private:
  using IndexedValues = std::vector<std::pair<std::string, std::string>>;  // (index name, value)
  // 64 bytes, so that a cache map node (with its key) fits jemalloc's 128-byte size class: one is
  // kept per cached object (7,000 at 1,000 Canaries).
  struct Entry {
    ObjectPtr tree;                                // kTree
    std::string packed;                            // kPacked
    std::uint64_t resourceVersionHash = 0;         // std::hash of metadata.resourceVersion
    std::unique_ptr<const IndexedValues> indexed;  // null when the informer has no indices
  };
  // Transforms the object and stores it; `view` receives the object handlers see.
  Entry freeze(Json object, ObjectPtr* view) const;
  static ObjectPtr materialize(const Entry& entry);
  static ObjectPtr unpacked(std::string_view packed);  // null for bytes packObject() did not make
  // Both require cacheMu_ held for writing.
  void indexAdd(const std::string& key, const Entry& entry);
  void indexRemove(const std::string& key, const Entry& entry);

  InformerOptions options_;
  Reflector reflector_;
  mutable std::shared_mutex cacheMu_;
  std::map<std::string, Entry, std::less<>> cache_;
  std::map<std::string, IndexFunc> indexFns_;  // fixed before start()
  // name -> sorted (value, key) pairs. A B-tree of pairs rather than a map of sets: an indexed
  // value costs its two strings instead of two tree nodes besides (heaptrack showed the map of
  // sets at 1.2 MB for 1,000 Canaries with 7 indexed values each).
  std::map<std::string, absl::btree_set<std::pair<std::string, std::string>>> indices_;
  mutable std::mutex handlersMu_;  // also serialises dispatch against addHandlers' replay
  std::vector<EventHandlers> handlers_;
  std::atomic<bool> synced_{false};
  mutable std::mutex syncMu_;
  mutable std::condition_variable syncCv_;
  std::thread thread_;
};

}  // namespace pennant::kube
