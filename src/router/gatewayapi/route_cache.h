#pragma once
// Where the router reads routes from between its own writes. The controller hands it its route
// informers' cache, so an analysis tick reads nothing from the API server. The one hazard of a
// cache is lag behind our own write (a reconcile that runs before the watch event of the route
// it just wrote): the router remembers the generation it last wrote for each route and serves
// the cached copy only once the cache holds that generation; otherwise it reads the API server.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/json.h"
#include "kube/resource.h"

namespace pennant::router::gatewayapi {

class RouteCache {
 public:
  // The cached object, or nullptr when it is not cached.
  using Lookup =
      std::function<std::shared_ptr<const Json>(const kube::Resource& r, std::string_view ns, std::string_view name)>;

  explicit RouteCache(Lookup lookup) : lookup_(std::move(lookup)) {}

  // The cached route when it is cached at the resource's apiVersion and at least at the generation
  // this process last wrote; nullptr means "read the API server" (not cached yet, deleted, or the
  // cache is behind our write).
  std::shared_ptr<const Json> fresh(const kube::Resource& r, std::string_view ns, std::string_view name) const;
  // Remembers the generation of a route as the API server acknowledged our write of it.
  void wrote(const kube::Resource& r, std::string_view ns, std::string_view name, const Json& written);

 private:
  static std::string keyOf(const kube::Resource& r, std::string_view ns, std::string_view name);

  Lookup lookup_;
  mutable std::mutex mu_;
  // Routes whose write the cache has not shown yet: key -> generation written. An entry goes once
  // the cache catches up, so the map stays as small as the number of writes in flight.
  mutable std::unordered_map<std::string, int64_t> pending_;
};

}  // namespace pennant::router::gatewayapi
