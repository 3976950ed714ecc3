#include "kube/reflector.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "kube/errors.h"

namespace pennant::kube {

Reflector::Reflector(ClientPtr client, ReflectorOptions options, ReflectorStore& store)
    : client_(std::move(client)),
      options_(std::move(options)),
      store_(store),
      backoff_(options_.backoff, options_.random) {}

void Reflector::stop() {
  {
    std::lock_guard lock(mu_);
    cancel_->store(true);
  }
  wake_.notify_all();
}

void Reflector::sleepFor(std::chrono::milliseconds delay) {
  std::unique_lock lock(mu_);
  wake_.wait_for(lock, delay, [&] { return stopped(); });
}

std::string Reflector::lastResourceVersion() const {
  std::lock_guard lock(mu_);
  return lastRv_;
}

void Reflector::setLastResourceVersion(std::string rv) {
  if (rv.empty()) return;
  std::lock_guard lock(mu_);
  lastRv_ = std::move(rv);
}

Status Reflector::relist() {
  ListOptions opts;
  opts.labelSelector = options_.labelSelector;
  opts.fieldSelector = options_.fieldSelector;
  opts.limit = options_.pageSize;
  ++lists_;
  PENNANT_ASSIGN_OR_RETURN(ObjectList list, listAll(*client_, options_.resource, options_.ns, opts));
  std::string rv = list.resourceVersion;
  store_.replace(std::move(list.items), rv);
  setLastResourceVersion(std::move(rv));
  return absl::OkStatus();
}

Status Reflector::watchOnce(bool& delivered) {
  WatchOptions opts;
  opts.resourceVersion = lastResourceVersion();
  opts.labelSelector = options_.labelSelector;
  opts.fieldSelector = options_.fieldSelector;
  opts.allowBookmarks = true;
  opts.timeoutSeconds = options_.watchTimeoutSeconds;
  opts.cancel = cancel_;
  ++watches_;
  Status streamError;
  Status ended = client_->watch(options_.resource, options_.ns, opts, [&](const WatchEvent& event) {
    if (stopped()) return false;
    if (event.type == WatchEvent::Type::kError) {
      // An ERROR event carries a metav1.Status; 410 means our resourceVersion is too old.
      const int code = event.object.value("code", 0);
      const std::string message = event.object.value("message", std::string("watch error event"));
      streamError = code == 410 ? absl::OutOfRangeError(message) : absl::UnavailableError(message);
      return false;
    }
    std::string rv = stringAt(event.object, {"metadata", "resourceVersion"});
    if (event.type != WatchEvent::Type::kBookmark) store_.apply(event.type, event.object);
    setLastResourceVersion(std::move(rv));
    delivered = true;
    return true;
  });
  return ended.ok() ? streamError : ended;
}

void Reflector::run() {
  const std::string what = options_.resource.qualifiedName() + (options_.ns.empty() ? "" : " in " + options_.ns);
  bool needList = true;
  while (!stopped()) {
    if (needList) {
      Status listed = relist();
      if (!listed.ok()) {
        auto delay = backoff_.next();
        spdlog::warn("reflector {}: list failed, retrying in {} ms: {}", what, delay.count(),
                     std::string(listed.message()));
        sleepFor(delay);
        continue;
      }
      needList = false;
      backoff_.reset();
    }
    bool delivered = false;
    Status ended = watchOnce(delivered);
    if (stopped()) break;
    if (delivered) backoff_.reset();
    if (isGone(ended)) {
      spdlog::info("reflector {}: resourceVersion {} expired, listing again", what, lastResourceVersion());
      needList = true;
      continue;
    }
    if (ended.ok() && delivered) continue;  // the server ended a healthy stream: resume at once
    auto delay = backoff_.next();
    if (!ended.ok()) {
      spdlog::warn("reflector {}: watch failed, resuming from {} in {} ms: {}", what, lastResourceVersion(),
                   delay.count(), std::string(ended.message()));
    }
    sleepFor(delay);
  }
}

}  // namespace pennant::kube
