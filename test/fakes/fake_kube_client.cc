#include "fakes/fake_kube_client.h"

#include <absl/strings/cord.h>

#include <algorithm>
#include <set>
#include <utility>

#include "common/clock.h"
#include "kube/errors.h"

namespace pennant::fakes {
namespace {

using kube::WatchEvent;

// Builds a status as kube/errors.h describes it: code, message, and the API server's reason.
Status apiStatus(StatusCode code, std::string_view reason, std::string message) {
  Status s(code, std::move(message));
  s.SetPayload(std::string(kube::kReasonPayload), absl::Cord(std::string(reason)));
  return s;
}

std::string describe(const kube::Resource& r, std::string_view ns, std::string_view name) {
  std::string out = r.qualifiedName() + " ";
  if (!ns.empty()) out += std::string(ns) + "/";
  return out + std::string(name);
}

Status notFound(std::string_view verb, const kube::Resource& r, std::string_view ns, std::string_view name) {
  return apiStatus(StatusCode::kNotFound, "NotFound",
                   std::string(verb) + " " + describe(r, ns, name) + ": " + r.qualifiedName() + " \"" +
                       std::string(name) + "\" not found");
}

Status conflict(std::string_view verb, const kube::Resource& r, std::string_view ns, std::string_view name) {
  return apiStatus(StatusCode::kAborted, "Conflict",
                   std::string(verb) + " " + describe(r, ns, name) +
                       ": Operation cannot be fulfilled: the object has been modified; please apply your "
                       "changes to the latest version and try again");
}

Status gone(std::string_view detail) {
  return apiStatus(StatusCode::kOutOfRange, "Expired", "watch: too old resource version: " + std::string(detail));
}

bool hasStatusSubresource(const kube::Resource& r) {
  static const std::set<std::string> kWithout = {"configmaps", "secrets", "events", "leases"};
  return !kWithout.contains(r.resource);
}

std::string nameOf(const Json& object) { return stringAt(object, {"metadata", "name"}); }

bool inScope(const kube::Resource& r, std::string_view wantNs, std::string_view objectNs) {
  return !r.namespaced || wantNs.empty() || wantNs == objectNs;
}

// Objects compared without the fields the server changes on every write.
bool sameContent(Json a, Json b) {
  a["metadata"].erase("resourceVersion");
  b["metadata"].erase("resourceVersion");
  return a == b;
}

}  // namespace

// --- faults and inspection ---------------------------------------------------------------------

void FakeKubeClient::failNextUpdates(int n) {
  std::lock_guard lock(mu_);
  Status s = apiStatus(StatusCode::kAborted, "Conflict",
                       "injected conflict: the object has been modified; please apply your changes to the "
                       "latest version and try again");
  for (Verb v : {Verb::kUpdate, Verb::kUpdateStatus, Verb::kPatch}) faults_[v] = Fault{s, n};
}

void FakeKubeClient::failNext(Verb verb, Status status, int n) {
  std::lock_guard lock(mu_);
  faults_[verb] = Fault{std::move(status), n};
}

void FakeKubeClient::failNextWatchesGone(int n) {
  std::lock_guard lock(mu_);
  watchesGone_ = n;
}

void FakeKubeClient::disconnectNextWatchAfter(int events, Status end) {
  std::lock_guard lock(mu_);
  disconnect_ = Disconnect{events, std::move(end)};
}

void FakeKubeClient::closeWatches() {
  std::lock_guard lock(mu_);
  ++closeGeneration_;
  changed_.notify_all();
}

void FakeKubeClient::compact(int64_t rv) {
  std::lock_guard lock(mu_);
  if (rv <= 0 || rv > rv_) rv = rv_;
  compactedThrough_ = std::max(compactedThrough_, rv);
  while (!history_.empty() && history_.front().rv <= compactedThrough_) {
    history_.pop_front();
    ++historyBase_;
  }
  changed_.notify_all();
}

void FakeKubeClient::bookmark() {
  std::lock_guard lock(mu_);
  Change change;
  change.rv = rv_;
  change.type = WatchEvent::Type::kBookmark;
  record(std::move(change));
}

int64_t FakeKubeClient::currentResourceVersion() const {
  std::lock_guard lock(mu_);
  return rv_;
}

int FakeKubeClient::callCount(Verb verb) const {
  std::lock_guard lock(mu_);
  auto it = calls_.find(verb);
  return it == calls_.end() ? 0 : it->second;
}

int FakeKubeClient::activeWatches() const {
  std::lock_guard lock(mu_);
  return activeWatches_;
}

bool FakeKubeClient::waitForWatches(int n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, timeout, [&] { return activeWatches_ >= n; });
}

std::vector<Json> FakeKubeClient::objects(const kube::Resource& r) const {
  std::lock_guard lock(mu_);
  std::vector<Json> out;
  for (const auto& [key, object] : objects_) {
    if (std::get<0>(key) == r.qualifiedName()) out.push_back(object);
  }
  return out;
}

Status FakeKubeClient::takeFault(Verb verb) {
  ++calls_[verb];
  auto it = faults_.find(verb);
  if (it == faults_.end() || it->second.remaining <= 0) return absl::OkStatus();
  --it->second.remaining;
  return it->second.status;
}

std::string FakeKubeClient::nextRv() { return std::to_string(++rv_); }

void FakeKubeClient::record(Change change) {
  history_.push_back(std::move(change));
  changed_.notify_all();
}

// --- reads -------------------------------------------------------------------------------------

StatusOr<Json> FakeKubeClient::get(const kube::Resource& r, std::string_view ns, std::string_view name) {
  std::lock_guard lock(mu_);
  PENNANT_RETURN_IF_ERROR(takeFault(Verb::kGet));
  auto it = objects_.find(Key{r.qualifiedName(), r.namespaced ? std::string(ns) : "", std::string(name)});
  if (it == objects_.end()) return notFound("get", r, ns, name);
  return it->second;
}

StatusOr<kube::ObjectList> FakeKubeClient::list(const kube::Resource& r, std::string_view ns,
                                                const kube::ListOptions& opts) {
  std::lock_guard lock(mu_);
  PENNANT_RETURN_IF_ERROR(takeFault(Verb::kList));
  PENNANT_ASSIGN_OR_RETURN(Selectors selectors, parseSelectors(opts.labelSelector, opts.fieldSelector));
  kube::ObjectList out;
  out.resourceVersion = std::to_string(rv_);
  for (const auto& [key, object] : objects_) {
    const auto& [resource, objectNs, name] = key;
    if (resource != r.qualifiedName() || !inScope(r, ns, objectNs)) continue;
    // The continue token is the "namespace/name" of the last item of the previous page.
    if (!opts.continueToken.empty() && objectNs + "/" + name <= opts.continueToken) continue;
    if (!selectors.matches(object)) continue;
    if (opts.limit > 0 && static_cast<int64_t>(out.items.size()) == opts.limit) {
      const Json& last = out.items.back();
      out.continueToken = stringAt(last, {"metadata", "namespace"}) + "/" + nameOf(last);
      break;
    }
    out.items.push_back(object);
    if (!out.items.back().contains("apiVersion")) out.items.back()["apiVersion"] = r.apiVersion();
  }
  return out;
}

// --- writes ------------------------------------------------------------------------------------

StatusOr<Json> FakeKubeClient::create(const kube::Resource& r, std::string_view ns, const Json& input) {
  std::lock_guard lock(mu_);
  PENNANT_RETURN_IF_ERROR(takeFault(Verb::kCreate));
  if (!input.is_object()) return absl::InvalidArgumentError("create " + r.qualifiedName() + ": not an object");
  Json object = input;
  Json& meta = object["metadata"];
  std::string name = nameOf(object);
  if (name.empty() && meta.contains("generateName")) {
    name = meta["generateName"].get<std::string>() + std::to_string(uidCounter_ + 1);
    meta["name"] = name;
  }
  if (name.empty()) {
    return apiStatus(StatusCode::kInvalidArgument, "Invalid", "create " + r.qualifiedName() + ": metadata.name: Required value");
  }
  std::string objectNs = r.namespaced ? (ns.empty() ? stringAt(object, {"metadata", "namespace"}) : std::string(ns)) : "";
  Key key{r.qualifiedName(), objectNs, name};
  if (objects_.contains(key)) {
    return apiStatus(StatusCode::kAlreadyExists, "AlreadyExists",
                     "create " + describe(r, objectNs, name) + ": " + r.qualifiedName() + " \"" + name +
                         "\" already exists");
  }
  if (r.namespaced) meta["namespace"] = objectNs;
  meta["uid"] = "fake-uid-" + std::to_string(++uidCounter_);
  meta["creationTimestamp"] = formatRfc3339(std::chrono::system_clock::now());
  meta["generation"] = 1;
  meta.erase("deletionTimestamp");
  meta["resourceVersion"] = nextRv();
  if (!object.contains("apiVersion")) object["apiVersion"] = r.apiVersion();
  objects_[key] = object;
  record(Change{rv_, r.qualifiedName(), objectNs, WatchEvent::Type::kAdded, object, Json()});
  return object;
}

StatusOr<Json> FakeKubeClient::update(const kube::Resource& r, std::string_view ns, const Json& object) {
  std::lock_guard lock(mu_);
  PENNANT_RETURN_IF_ERROR(takeFault(Verb::kUpdate));
  return store(r, ns, object, false, "update");
}

StatusOr<Json> FakeKubeClient::updateStatus(const kube::Resource& r, std::string_view ns, const Json& object) {
  std::lock_guard lock(mu_);
  PENNANT_RETURN_IF_ERROR(takeFault(Verb::kUpdateStatus));
  if (!hasStatusSubresource(r)) return notFound("update status of", r, ns, nameOf(object));
  return store(r, ns, object, true, "update status of");
}

StatusOr<Json> FakeKubeClient::patch(const kube::Resource& r, std::string_view ns, std::string_view name,
                                     kube::PatchType type, const Json& patch, std::string_view subresource) {
  std::lock_guard lock(mu_);
  PENNANT_RETURN_IF_ERROR(takeFault(Verb::kPatch));
  auto it = objects_.find(Key{r.qualifiedName(), r.namespaced ? std::string(ns) : "", std::string(name)});
  if (it == objects_.end()) return notFound("patch", r, ns, name);
  Json patched = it->second;
  try {
    if (type == kube::PatchType::kJson) {
      patched = patched.patch(patch);
    } else {
      patched.merge_patch(patch);  // strategic merge approximated by a merge patch (see header)
    }
  } catch (const Json::exception& e) {
    return apiStatus(StatusCode::kInvalidArgument, "Invalid", "patch " + describe(r, ns, name) + ": " + e.what());
  }
  if (nameOf(patched) != name) {
    return apiStatus(StatusCode::kInvalidArgument, "Invalid", "patch " + describe(r, ns, name) + ": name changed");
  }
  return store(r, ns, std::move(patched), subresource == "status", "patch");
}

StatusOr<Json> FakeKubeClient::store(const kube::Resource& r, std::string_view ns, Json object, bool statusOnly,
                                     std::string_view verb) {
  const std::string name = nameOf(object);
  const std::string objectNs = r.namespaced ? (ns.empty() ? stringAt(object, {"metadata", "namespace"}) : std::string(ns)) : "";
  Key key{r.qualifiedName(), objectNs, name};
  auto it = objects_.find(key);
  if (it == objects_.end()) return notFound(verb, r, objectNs, name);
  const Json& stored = it->second;
  const std::string wantRv = stringAt(object, {"metadata", "resourceVersion"});
  if (!wantRv.empty() && wantRv != stringAt(stored, {"metadata", "resourceVersion"})) {
    return conflict(verb, r, objectNs, name);
  }
  Json result;
  if (statusOnly) {
    result = stored;
    if (object.contains("status")) result["status"] = object["status"];
    else result.erase("status");
  } else {
    result = std::move(object);
    if (hasStatusSubresource(r)) {
      if (stored.contains("status")) result["status"] = stored["status"];
      else result.erase("status");
    }
    Json& meta = result["metadata"];
    for (const char* field : {"uid", "creationTimestamp", "generation", "deletionTimestamp", "namespace"}) {
      if (stored["metadata"].contains(field)) meta[field] = stored["metadata"][field];
      else meta.erase(field);
    }
    if (result.value("spec", Json()) != stored.value("spec", Json())) {
      meta["generation"] = stored["metadata"].value("generation", 0) + 1;
    }
  }
  result["metadata"]["resourceVersion"] = stored["metadata"]["resourceVersion"];
  if (sameContent(result, stored)) return stored;  // no-op writes do not bump resourceVersion
  const Json* finalizers = findPath(result, {"metadata", "finalizers"});
  if (findPath(result, {"metadata", "deletionTimestamp"}) != nullptr &&
      (finalizers == nullptr || finalizers->empty())) {
    it->second = result;
    PENNANT_RETURN_IF_ERROR(removeLocked(key, r));
    return result;
  }
  Json previous = stored;
  result["metadata"]["resourceVersion"] = nextRv();
  it->second = result;
  record(Change{rv_, r.qualifiedName(), objectNs, WatchEvent::Type::kModified, result, std::move(previous)});
  return result;
}

Status FakeKubeClient::remove(const kube::Resource& r, std::string_view ns, std::string_view name,
                              const kube::DeleteOptions& opts) {
  std::lock_guard lock(mu_);
  PENNANT_RETURN_IF_ERROR(takeFault(Verb::kRemove));
  Key key{r.qualifiedName(), r.namespaced ? std::string(ns) : "", std::string(name)};
  auto it = objects_.find(key);
  if (it == objects_.end()) return notFound("delete", r, ns, name);
  const Json& stored = it->second;
  if (!opts.preconditionResourceVersion.empty() &&
      opts.preconditionResourceVersion != stringAt(stored, {"metadata", "resourceVersion"})) {
    return conflict("delete", r, ns, name);
  }
  if (!opts.preconditionUid.empty() && opts.preconditionUid != stringAt(stored, {"metadata", "uid"})) {
    return conflict("delete", r, ns, name);
  }
  const Json* finalizers = findPath(stored, {"metadata", "finalizers"});
  if (finalizers != nullptr && !finalizers->empty()) {
    if (findPath(stored, {"metadata", "deletionTimestamp"}) != nullptr) return absl::OkStatus();
    Json previous = stored;
    it->second["metadata"]["deletionTimestamp"] = formatRfc3339(std::chrono::system_clock::now());
    it->second["metadata"]["resourceVersion"] = nextRv();
    record(Change{rv_, r.qualifiedName(), std::get<1>(key), WatchEvent::Type::kModified, it->second,
                  std::move(previous)});
    return absl::OkStatus();
  }
  return removeLocked(key, r);
}

Status FakeKubeClient::removeLocked(const Key& key, const kube::Resource& r) {
  auto it = objects_.find(key);
  Json object = std::move(it->second);
  objects_.erase(it);
  object["metadata"]["resourceVersion"] = nextRv();
  record(Change{rv_, r.qualifiedName(), std::get<1>(key), WatchEvent::Type::kDeleted, std::move(object), Json()});
  return absl::OkStatus();
}

// --- watch -------------------------------------------------------------------------------------

Status FakeKubeClient::watch(const kube::Resource& r, std::string_view ns, const kube::WatchOptions& opts,
                             const kube::WatchHandler& onEvent) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = opts.timeoutSeconds > 0 ? Clock::now() + std::chrono::seconds(opts.timeoutSeconds)
                                                : Clock::time_point::max();
  auto cancelled = [&] { return opts.cancel != nullptr && opts.cancel->load(); };
  std::vector<WatchEvent> pending;
  int64_t position = 0;  // absolute index of the next history entry to read
  int64_t generation = 0;
  std::optional<Disconnect> disconnect;
  {
    std::lock_guard lock(mu_);
    PENNANT_RETURN_IF_ERROR(takeFault(Verb::kWatch));
    PENNANT_ASSIGN_OR_RETURN(Selectors unused, parseSelectors(opts.labelSelector, opts.fieldSelector));
    (void)unused;
    if (watchesGone_ > 0) {
      --watchesGone_;
      return gone("injected 410 for resourceVersion " + opts.resourceVersion);
    }
    if (opts.resourceVersion.empty() || opts.resourceVersion == "0") {
      // Kubernetes starts such a watch with a synthetic ADDED for every existing object.
      for (const auto& [key, object] : objects_) {
        if (std::get<0>(key) == r.qualifiedName() && inScope(r, ns, std::get<1>(key))) {
          pending.push_back(WatchEvent{WatchEvent::Type::kAdded, object});
        }
      }
      position = historyBase_ + static_cast<int64_t>(history_.size());
    } else {
      int64_t from = 0;
      try {
        from = std::stoll(opts.resourceVersion);
      } catch (const std::exception&) {
        return absl::InvalidArgumentError("watch: invalid resourceVersion " + opts.resourceVersion);
      }
      if (from < compactedThrough_) return gone(opts.resourceVersion);
      auto first = std::find_if(history_.begin(), history_.end(), [&](const Change& c) { return c.rv > from; });
      position = historyBase_ + (first - history_.begin());
    }
    generation = closeGeneration_;
    disconnect = std::exchange(disconnect_, std::nullopt);
    ++activeWatches_;
    changed_.notify_all();
  }
  Selectors selectors = *parseSelectors(opts.labelSelector, opts.fieldSelector);
  auto leave = [&](Status s) {
    std::lock_guard lock(mu_);
    --activeWatches_;
    changed_.notify_all();
    return s;
  };
  int delivered = 0;
  while (true) {
    for (const WatchEvent& event : pending) {
      if (cancelled()) return leave(absl::OkStatus());
      if (!onEvent(event)) return leave(absl::OkStatus());
      if (disconnect && ++delivered >= disconnect->events) return leave(disconnect->end);
    }
    pending.clear();
    std::unique_lock lock(mu_);
    // Cancellation is a flag without notification, so wake up now and then to look at it.
    changed_.wait_for(lock, std::chrono::milliseconds(5), [&] {
      return historyBase_ + static_cast<int64_t>(history_.size()) > position || closeGeneration_ != generation ||
             position < historyBase_;
    });
    if (cancelled() || closeGeneration_ != generation || Clock::now() >= deadline) {
      lock.unlock();
      return leave(absl::OkStatus());
    }
    if (position < historyBase_) {
      lock.unlock();
      return leave(gone("history compacted while watching"));
    }
    for (; position < historyBase_ + static_cast<int64_t>(history_.size()); ++position) {
      const Change& c = history_[position - historyBase_];
      if (c.type == WatchEvent::Type::kBookmark) {
        if (opts.allowBookmarks) {
          Json object = {{"apiVersion", r.apiVersion()}, {"metadata", {{"resourceVersion", std::to_string(c.rv)}}}};
          pending.push_back(WatchEvent{WatchEvent::Type::kBookmark, std::move(object)});
        }
        continue;
      }
      if (c.resource != r.qualifiedName() || !inScope(r, ns, c.ns)) continue;
      const bool nowMatches = selectors.matches(c.object);
      if (c.type != WatchEvent::Type::kModified) {
        if (nowMatches) pending.push_back(WatchEvent{c.type, c.object});
        continue;
      }
      // A change that moves an object into or out of the selector is an ADDED or DELETED.
      const bool wasMatching = selectors.matches(c.previous);
      if (nowMatches && wasMatching) pending.push_back(WatchEvent{WatchEvent::Type::kModified, c.object});
      if (nowMatches && !wasMatching) pending.push_back(WatchEvent{WatchEvent::Type::kAdded, c.object});
      if (!nowMatches && wasMatching) pending.push_back(WatchEvent{WatchEvent::Type::kDeleted, c.object});
    }
  }
}

}  // namespace pennant::fakes
