#pragma once
// Kubernetes API client over any group/version/resource. Objects are JSON documents so fields
// Pennant does not know survive a round trip. Errors follow kube/errors.h.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "kube/resource.h"

namespace pennant::kube {

struct ListOptions {
  std::string labelSelector;
  std::string fieldSelector;
  int64_t limit = 0;            // page size; 0 = server default (everything)
  std::string continueToken;
  std::string resourceVersion;  // "" = most recent (quorum read)
};

struct ObjectList {
  std::vector<Json> items;      // each with apiVersion/kind filled in
  std::string resourceVersion;  // list resourceVersion, to start a watch from
  std::string continueToken;    // "" on the last page
};

enum class PatchType { kMerge, kJson, kStrategicMerge };

struct DeleteOptions {
  std::string propagationPolicy;         // "", "Foreground", "Background", "Orphan"
  std::string preconditionResourceVersion;
  std::string preconditionUid;
};

struct WatchOptions {
  std::string resourceVersion;
  std::string labelSelector;
  std::string fieldSelector;
  bool allowBookmarks = true;
  int timeoutSeconds = 300;  // server-side end of the stream; the caller re-watches
  std::shared_ptr<std::atomic<bool>> cancel;
};

struct WatchEvent {
  enum class Type { kAdded, kModified, kDeleted, kBookmark, kError };
  Type type = Type::kAdded;
  Json object;  // for kError, the metav1.Status
};

// Receives watch events in order; return false to end the watch.
using WatchHandler = std::function<bool(const WatchEvent&)>;

class Client {
 public:
  virtual ~Client() = default;

  virtual StatusOr<Json> get(const Resource& r, std::string_view ns, std::string_view name) = 0;
  // One page; see listAll() for every page.
  virtual StatusOr<ObjectList> list(const Resource& r, std::string_view ns, const ListOptions& opts) = 0;
  virtual StatusOr<Json> create(const Resource& r, std::string_view ns, const Json& object) = 0;
  // PUT; conditional on metadata.resourceVersion when the object carries one (409 -> kAborted).
  virtual StatusOr<Json> update(const Resource& r, std::string_view ns, const Json& object) = 0;
  virtual StatusOr<Json> updateStatus(const Resource& r, std::string_view ns, const Json& object) = 0;
  virtual Status remove(const Resource& r, std::string_view ns, std::string_view name,
                        const DeleteOptions& opts = {}) = 0;
  virtual StatusOr<Json> patch(const Resource& r, std::string_view ns, std::string_view name, PatchType type,
                               const Json& patch, std::string_view subresource = "") = 0;
  // Streams events until the server ends the stream, the handler returns false, or cancel is set
  // (then OK). A 410 answer or an ERROR event with code 410 is kOutOfRange. Malformed stream data
  // is kDataLoss (never a crash). Resuming and re-listing are the caller's job (see Reflector).
  virtual Status watch(const Resource& r, std::string_view ns, const WatchOptions& opts,
                       const WatchHandler& onEvent) = 0;
};

using ClientPtr = std::shared_ptr<Client>;

// Follows continue tokens until the last page.
StatusOr<ObjectList> listAll(Client& client, const Resource& r, std::string_view ns, ListOptions opts);

}  // namespace pennant::kube
