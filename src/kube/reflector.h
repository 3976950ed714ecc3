#pragma once
// Keeps a store in step with the API server: list (every page), then watch from the list's
// resourceVersion with bookmarks; after a dropped stream resume from the last resourceVersion
// seen, after 410 Gone list again, and wait a jittered exponential back-off between failures.
// Model: client-go tools/cache/reflector.go ListAndWatch.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kube/client.h"
#include "kube/reflector_backoff.h"

namespace pennant::kube {

// Where a Reflector delivers what it reads. Called from the Reflector's thread only, in order.
class ReflectorStore {
 public:
  virtual ~ReflectorStore() = default;
  // The complete current state (the first list and every re-list); objects absent from `items`
  // are gone.
  virtual void replace(std::vector<Json> items, const std::string& resourceVersion) = 0;
  // One ADDED, MODIFIED or DELETED watch event.
  virtual void apply(WatchEvent::Type type, Json object) = 0;
};

struct ReflectorOptions {
  Resource resource;
  std::string ns;             // "" = all namespaces (or a cluster-scoped resource)
  std::string labelSelector;
  std::string fieldSelector;
  int64_t pageSize = 500;     // list page size (limit/continue)
  int watchTimeoutSeconds = 300;
  BackoffPolicy backoff;
  std::function<double()> random;  // jitter source in [0,1); default: a seeded engine
};

class Reflector {
 public:
  Reflector(ClientPtr client, ReflectorOptions options, ReflectorStore& store);

  // Lists and watches until stop(); call on a thread of its own.
  void run();
  // Thread-safe; ends a running watch and any back-off wait, then run() returns.
  void stop();

  std::string lastResourceVersion() const;
  int listCount() const { return lists_.load(); }
  int watchCount() const { return watches_.load(); }

 private:
  bool stopped() const { return cancel_->load(); }
  // Waits `delay` unless stop() comes first.
  void sleepFor(std::chrono::milliseconds delay);
  Status relist();
  // One watch from lastResourceVersion(); returns why it ended and whether it delivered anything.
  Status watchOnce(bool& delivered);
  void setLastResourceVersion(std::string rv);

  ClientPtr client_;
  ReflectorOptions options_;
  ReflectorStore& store_;
  Backoff backoff_;
  std::shared_ptr<std::atomic<bool>> cancel_ = std::make_shared<std::atomic<bool>>(false);
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::string lastRv_;
  std::atomic<int> lists_{0};
  std::atomic<int> watches_{0};
};

}  // namespace pennant::kube
