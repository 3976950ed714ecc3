#include "kube/informer.h"

#include <utility>

namespace pennant::kube {
namespace {

std::string resourceVersionOf(const ObjectPtr& object) { return stringAt(*object, {"metadata", "resourceVersion"}); }

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
  std::shared_lock lock(cacheMu_);
  auto it = cache_.find(key);
  return it == cache_.end() ? nullptr : it->second;
}

std::vector<ObjectPtr> Informer::list() const {
  std::shared_lock lock(cacheMu_);
  std::vector<ObjectPtr> out;
  out.reserve(cache_.size());
  for (const auto& [key, object] : cache_) out.push_back(object);
  return out;
}

std::vector<ObjectPtr> Informer::list(std::string_view ns) const {
  if (ns.empty()) return list();
  const std::string prefix = std::string(ns) + "/";
  std::shared_lock lock(cacheMu_);
  std::vector<ObjectPtr> out;
  // Keys sort by namespace first, so one namespace is one contiguous range.
  for (auto it = cache_.lower_bound(prefix); it != cache_.end() && it->first.starts_with(prefix); ++it) {
    out.push_back(it->second);
  }
  return out;
}

size_t Informer::size() const {
  std::shared_lock lock(cacheMu_);
  return cache_.size();
}

ObjectPtr Informer::freeze(Json object) const {
  if (options_.dropManagedFields && object.contains("metadata") && object["metadata"].is_object()) {
    object["metadata"].erase("managedFields");
  }
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
  std::map<std::string, ObjectPtr, std::less<>> fresh;
  for (Json& item : items) {
    std::string key = keyOf(item);
    fresh.emplace(std::move(key), freeze(std::move(item)));
  }
  std::vector<ObjectPtr> added;
  std::vector<std::pair<ObjectPtr, ObjectPtr>> updated;
  std::vector<ObjectPtr> deleted;
  {
    std::unique_lock lock(cacheMu_);
    for (auto& [key, object] : fresh) {
      auto old = cache_.find(key);
      if (old == cache_.end()) {
        added.push_back(object);
      } else if (resourceVersionOf(old->second) != resourceVersionOf(object)) {
        updated.emplace_back(old->second, object);
      } else {
        object = old->second;  // unchanged: keep the pointer readers may already hold
      }
    }
    for (const auto& [key, object] : cache_) {
      if (!fresh.contains(key)) deleted.push_back(object);
    }
    cache_.swap(fresh);
  }
  for (const EventHandlers& h : handlers_) {
    if (h.onDelete) for (const ObjectPtr& o : deleted) h.onDelete(o);
    if (h.onAdd) for (const ObjectPtr& o : added) h.onAdd(o);
    if (h.onUpdate) for (const auto& [before, after] : updated) h.onUpdate(before, after);
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
  ObjectPtr before;
  ObjectPtr after;
  {
    std::unique_lock lock(cacheMu_);
    auto it = cache_.find(key);
    if (it != cache_.end()) before = it->second;
    if (type == WatchEvent::Type::kDeleted) {
      if (it != cache_.end()) cache_.erase(it);
      after = freeze(std::move(object));  // the final state the server sent
    } else {
      after = freeze(std::move(object));
      cache_.insert_or_assign(std::move(key), after);
    }
  }
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
