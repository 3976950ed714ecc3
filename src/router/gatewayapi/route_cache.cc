#include "router/gatewayapi/route_cache.h"

namespace pennant::router::gatewayapi {
namespace {

int64_t generationOf(const Json& route) {
  const Json* g = findPath(route, {"metadata", "generation"});
  return g != nullptr && g->is_number_integer() ? g->get<int64_t>() : 0;
}

}  // namespace

std::string RouteCache::keyOf(const kube::Resource& r, std::string_view ns, std::string_view name) {
  return r.qualifiedName() + " " + std::string(ns) + "/" + std::string(name);
}

std::shared_ptr<const Json> RouteCache::fresh(const kube::Resource& r, std::string_view ns,
                                              std::string_view name) const {
  std::shared_ptr<const Json> cached = lookup_ ? lookup_(r, ns, name) : nullptr;
  // An informer of another version would hand over an object the update path refuses.
  if (cached == nullptr || stringAt(*cached, {"apiVersion"}) != r.apiVersion()) return nullptr;
  std::lock_guard lock(mu_);
  auto it = pending_.find(keyOf(r, ns, name));
  if (it == pending_.end()) return cached;
  if (generationOf(*cached) < it->second) return nullptr;
  pending_.erase(it);
  return cached;
}

void RouteCache::wrote(const kube::Resource& r, std::string_view ns, std::string_view name, const Json& written) {
  std::lock_guard lock(mu_);
  pending_[keyOf(r, ns, name)] = generationOf(written);
}

}  // namespace pennant::router::gatewayapi
