#include "kube/informer.h"

#include <functional>
#include <optional>
#include <utility>

#include "kube/packed_object.h"

namespace pennant::kube {
namespace {

ReflectorOptions reflectorOptions(const InformerOptions& o) {
  ReflectorOptions r;
  r.resource = o.resource;
  r.ns = o.ns;
  r.labelSelector = o.labelSelector;
  r.fieldSelector = o.fieldSelector;
  r.pageSize = o.pageSize;
  r.backoff = o.backoff;
  r.random = o.random;
  return r;
}

}  // namespace

Informer::Informer(ClientPtr client, InformerOptions options)
    : options_(std::move(options)), reflector_(std::move(client), reflectorOptions(options_), *this) {}

Informer::~Informer() { stop(); }

void Informer::addIndex(const std::string& name, IndexFunc fn) { indexFns_[name] = std::move(fn); }

std::vector<std::string> Informer::keysByIndex(const std::string& name, const std::string& value) const {
  std::shared_lock lock(cacheMu_);
  std::vector<std::string> keys;
  auto index = indices_.find(name);
  if (index == indices_.end()) return keys;
  for (auto it = index->second.lower_bound({value, ""}); it != index->second.end() && it->first == value; ++it) {
    keys.push_back(it->second);
  }
  return keys;
}

void Informer::indexAdd(const std::string& key, const Entry& entry) {
  if (!entry.indexed) return;
  for (const auto& [name, value] : *entry.indexed) indices_[name].emplace(value, key);
}

void Informer::indexRemove(const std::string& key, const Entry& entry) {
  if (!entry.indexed) return;
  for (const auto& [name, value] : *entry.indexed) {
    auto index = indices_.find(name);
    if (index != indices_.end()) index->second.erase({value, key});
  }
}

void Informer::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { reflector_.run(); });
}

void Informer::stop() {
  reflector_.stop();
  if (thread_.joinable()) thread_.join();
}

bool Informer::waitForSync(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(syncMu_);
  return syncCv_.wait_for(lock, timeout, [&] { return synced_.load(); });
}

std::string Informer::keyOf(std::string_view ns, std::string_view name) {
  return ns.empty() ? std::string(name) : std::string(ns) + "/" + std::string(name);
}

std::string Informer::keyOf(const Json& object) {
  return keyOf(stringAt(object, {"metadata", "namespace"}), stringAt(object, {"metadata", "name"}));
}

ObjectPtr Informer::get(std::string_view ns, std::string_view name) const { return getByKey(keyOf(ns, name)); }

ObjectPtr Informer::getByKey(const std::string& key) const {
  std::string packed;
  {
    std::shared_lock lock(cacheMu_);
    auto it = cache_.find(key);
    if (it == cache_.end()) return nullptr;
    if (it->second.tree) return it->second.tree;
    packed = it->second.packed;  // unpack outside the lock
  }
  return unpacked(packed);
}

std::vector<ObjectPtr> Informer::list() const { return list(""); }

std::vector<ObjectPtr> Informer::list(std::string_view ns) const {
  const std::string prefix = ns.empty() ? "" : std::string(ns) + "/";
  std::vector<ObjectPtr> out;
  std::vector<std::string> packed;
  {
    std::shared_lock lock(cacheMu_);
    // Keys sort by namespace first, so one namespace is one contiguous range.
    for (auto it = cache_.lower_bound(prefix); it != cache_.end() && it->first.starts_with(prefix); ++it) {
      if (it->second.tree) {
        out.push_back(it->second.tree);
      } else {
        packed.push_back(it->second.packed);
      }
    }
  }
  for (const std::string& bytes : packed) out.push_back(unpacked(bytes));
  return out;
}

size_t Informer::size() const {
  std::shared_lock lock(cacheMu_);
  return cache_.size();
}

Informer::Entry Informer::freeze(Json object, ObjectPtr* view) const {
  if (options_.dropManagedFields) dropManagedFields(object);
  if (options_.transform) options_.transform(object);
  Entry entry;
  // Only compared for equality on a relist; two different versions of one object hashing alike
  // (probability 2^-64) would make that relist miss one update, as if it came a moment later.
  entry.resourceVersionHash = std::hash<std::string>{}(stringAt(object, {"metadata", "resourceVersion"}));
  if (!indexFns_.empty()) {
    IndexedValues indexed;
    for (const auto& [name, fn] : indexFns_) {
      for (std::string& value : fn(object)) indexed.emplace_back(name, std::move(value));
    }
    entry.indexed = std::make_unique<const IndexedValues>(std::move(indexed));
  }
  if (options_.storage == CacheStorage::kPacked) {
    entry.packed = packObject(object);
    if (view != nullptr) *view = std::make_shared<const Json>(std::move(object));
  } else {
    entry.tree = std::make_shared<const Json>(std::move(object));
    if (view != nullptr) *view = entry.tree;
  }
  return entry;
}

ObjectPtr Informer::materialize(const Entry& entry) { return entry.tree ? entry.tree : unpacked(entry.packed); }

ObjectPtr Informer::unpacked(std::string_view packed) {
  Json object = unpackObject(packed);
  if (object.is_discarded()) return nullptr;
  return std::make_shared<const Json>(std::move(object));
}

void Informer::addHandlers(EventHandlers handlers) {
  std::lock_guard dispatch(handlersMu_);
  if (handlers.onAdd) {
    for (const ObjectPtr& object : list()) handlers.onAdd(object);
  }
  handlers_.push_back(std::move(handlers));
}

void Informer::replace(std::vector<Json> items, const std::string& /*resourceVersion*/) {
  std::lock_guard dispatch(handlersMu_);
  std::map<std::string, Entry, std::less<>> fresh;
  std::map<std::string, ObjectPtr, std::less<>> views;  // what handlers see, for this call only
  for (Json& item : items) {
    std::string key = keyOf(item);
    ObjectPtr view;
    Entry entry = freeze(std::move(item), &view);
    views.emplace(key, std::move(view));
    fresh.emplace(std::move(key), std::move(entry));
  }
  items.clear();
  std::vector<ObjectPtr> added;
  std::vector<std::pair<ObjectPtr, ObjectPtr>> updated;
  std::vector<ObjectPtr> deleted;
  {
    std::unique_lock lock(cacheMu_);
    for (auto& [key, entry] : fresh) {
      auto old = cache_.find(key);
      if (old == cache_.end()) {
        added.push_back(views[key]);
      } else if (old->second.resourceVersionHash != entry.resourceVersionHash) {
        updated.emplace_back(materialize(old->second), views[key]);
      } else {
        entry = std::move(old->second);  // unchanged: keep the pointer readers may already hold
      }
    }
    for (const auto& [key, entry] : cache_) {
      if (!fresh.contains(key)) deleted.push_back(materialize(entry));
    }
    cache_.swap(fresh);
    indices_.clear();
    for (const auto& [key, entry] : cache_) indexAdd(key, entry);
  }
  views.clear();
  for (const EventHandlers& h : handlers_) {
    if (h.onDelete)
      for (const ObjectPtr& o : deleted) h.onDelete(o);
    if (h.onAdd)
      for (const ObjectPtr& o : added) h.onAdd(o);
    if (h.onUpdate)
      for (const auto& [before, after] : updated) h.onUpdate(before, after);
  }
  if (!synced_.load()) {
    std::lock_guard lock(syncMu_);
    synced_.store(true);
    syncCv_.notify_all();
  }
}

void Informer::apply(WatchEvent::Type type, Json object) {
  std::lock_guard dispatch(handlersMu_);
  std::string key = keyOf(object);
  ObjectPtr after;                                  // for a delete: the final state the server sent
  Entry entry = freeze(std::move(object), &after);  // packing happens outside the lock
  std::optional<Entry> old;
  {
    std::unique_lock lock(cacheMu_);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      indexRemove(key, it->second);
      old = std::move(it->second);
    }
    if (type == WatchEvent::Type::kDeleted) {
      if (it != cache_.end()) cache_.erase(it);
    } else {
      indexAdd(key, entry);
      if (it != cache_.end()) {
        it->second = std::move(entry);
      } else {
        cache_.emplace(std::move(key), std::move(entry));
      }
    }
  }
  ObjectPtr before = old ? materialize(*old) : nullptr;
  for (const EventHandlers& h : handlers_) {
    if (type == WatchEvent::Type::kDeleted) {
      if (h.onDelete) h.onDelete(after);
    } else if (before == nullptr) {
      if (h.onAdd) h.onAdd(after);
    } else if (h.onUpdate) {
      h.onUpdate(before, after);
    }
  }
}

}  // namespace pennant::kube
