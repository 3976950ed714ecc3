#pragma once
// An in-memory API server behind kube::Client, for tests of everything above the REST client.
// It keeps etcd's model: one monotonic resourceVersion counter for the whole cluster, a history of
// changes so a watch can resume from any resourceVersion not yet compacted, and optimistic
// concurrency on update/patch/delete. Faults are injected with the fail*/disconnect*/compact calls.
//
// Simplifications (say so when a test depends on them): strategic merge patch is applied as a JSON
// merge patch; list pages are served from the current state (not a snapshot at the first page);
// every resource except configmaps/secrets/events/leases has a status subresource (update keeps
// the stored status, updateStatus changes only status); finalizers delay deletion as in Kubernetes.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "fakes/fake_kube_client_selectors.h"
#include "kube/client.h"

namespace pennant::fakes {

class FakeKubeClient final : public kube::Client {
 public:
  enum class Verb { kGet, kList, kCreate, kUpdate, kUpdateStatus, kRemove, kPatch, kWatch };

  FakeKubeClient() = default;

  // kube::Client
  StatusOr<Json> get(const kube::Resource& r, std::string_view ns, std::string_view name) override;
  StatusOr<kube::ObjectList> list(const kube::Resource& r, std::string_view ns,
                                  const kube::ListOptions& opts) override;
  StatusOr<Json> create(const kube::Resource& r, std::string_view ns, const Json& object) override;
  StatusOr<Json> update(const kube::Resource& r, std::string_view ns, const Json& object) override;
  StatusOr<Json> updateStatus(const kube::Resource& r, std::string_view ns, const Json& object) override;
  Status remove(const kube::Resource& r, std::string_view ns, std::string_view name,
                const kube::DeleteOptions& opts = {}) override;
  StatusOr<Json> patch(const kube::Resource& r, std::string_view ns, std::string_view name, kube::PatchType type,
                       const Json& patch, std::string_view subresource = "") override;
  Status watch(const kube::Resource& r, std::string_view ns, const kube::WatchOptions& opts,
               const kube::WatchHandler& onEvent) override;

  // --- Fault injection -------------------------------------------------------------------------
  // The next `n` update/updateStatus/patch calls fail with a 409 Conflict (kAborted).
  void failNextUpdates(int n);
  // The next `n` calls of `verb` fail with `status` (any code; e.g. kUnavailable for a 503).
  void failNext(Verb verb, Status status, int n = 1);
  // The next `n` watch calls fail with 410 Gone (kOutOfRange), as if their resourceVersion expired.
  void failNextWatchesGone(int n = 1);
  // The next watch call ends after delivering `events` events, returning `end` (OK = the server
  // closed the stream; kUnavailable = the connection dropped).
  void disconnectNextWatchAfter(int events, Status end = absl::OkStatus());
  // Ends every watch running now (OK, as a server closing its streams).
  void closeWatches();
  // Forgets history up to and including `rv` (0 = everything up to now): a watch from an older
  // resourceVersion gets 410, and a running watch that has not yet read that far ends with 410.
  void compact(int64_t rv = 0);
  // Sends a BOOKMARK carrying the current resourceVersion to every watch that allows bookmarks.
  void bookmark();

  // --- Inspection ------------------------------------------------------------------------------
  int64_t currentResourceVersion() const;
  int callCount(Verb verb) const;
  int activeWatches() const;
  // Blocks until at least `n` watches are running (or `timeout` passes); returns whether they are.
  bool waitForWatches(int n, std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
  // Every stored object of a resource (all namespaces), sorted by namespace/name.
  std::vector<Json> objects(const kube::Resource& r) const;

 private:
  using Key = std::tuple<std::string, std::string, std::string>;  // resource, namespace, name
  struct Change {
    int64_t rv = 0;
    std::string resource;                // "" = a bookmark, for every resource
    std::string ns;
    kube::WatchEvent::Type type = kube::WatchEvent::Type::kAdded;
    Json object;                         // the object after the change (before, for no DELETED)
    Json previous;                       // the object before a MODIFIED change
  };
  struct Fault {
    Status status;
    int remaining = 0;
  };
  struct Disconnect {
    int events = 0;
    Status end;
  };

  Status takeFault(Verb verb);  // requires mu_
  std::string nextRv();         // requires mu_
  void record(Change change);   // requires mu_
  StatusOr<Json> store(const kube::Resource& r, std::string_view ns, Json object, bool statusOnly,
                       std::string_view verb);  // requires mu_
  Status removeLocked(const Key& key, const kube::Resource& r);

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  int64_t rv_ = 0;
  int64_t uidCounter_ = 0;
  std::map<Key, Json> objects_;
  std::deque<Change> history_;
  int64_t historyBase_ = 0;     // absolute index of history_.front()
  int64_t compactedThrough_ = 0;
  int64_t closeGeneration_ = 0;
  int activeWatches_ = 0;
  std::map<Verb, Fault> faults_;
  int watchesGone_ = 0;
  std::optional<Disconnect> disconnect_;
  std::map<Verb, int> calls_;
};

}  // namespace pennant::fakes
