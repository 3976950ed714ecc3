// Watch semantics of the real API server through Pennant's client: a watch resumed from the last
// resourceVersion seen delivers exactly what happened while disconnected; after an etcd
// compaction that resourceVersion is gone (410 -> kOutOfRange) and the Reflector lists again.
// PodTemplates are used for the 410 cases because cluster.sh turns the API server's watch cache
// off for them: cached resources answer old resourceVersions from memory, so compaction alone
// would never expire them (see docs/testbed.md).
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "integration/cluster_env.h"
#include "kube/errors.h"
#include "kube/reflector.h"
#include "kube/resource.h"

namespace pennant::testbed {
namespace {

using namespace std::chrono_literals;
using kube::WatchEvent;
using kube::resources::configMaps;

const kube::Resource& podTemplates() {
  static const kube::Resource r{"", "v1", "podtemplates", true};
  return r;
}

Json configMapWithValue(std::string_view name, std::string_view value) {
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}, {"data", {{"v", value}}}};
}

Json podTemplate(std::string_view name) {
  return {{"apiVersion", "v1"},
          {"kind", "PodTemplate"},
          {"metadata", {{"name", name}}},
          {"template", {{"spec", {{"containers", Json::array({{{"name", "c"}, {"image", "example.com/c:1"}}})}}}}}};
}

std::string nameOf(const Json& o) { return stringAt(o, {"metadata", "name"}); }

TEST(Watch, ResumesFromLastResourceVersionAfterDisconnect) {
  ScopedNamespace ns("watch-resume");
  ASSERT_TRUE(ns.ok());
  auto client = adminClient();
  ASSERT_TRUE(client->create(configMaps(), ns.name(), configMapWithValue("a", "1")).ok());
  auto listed = client->list(configMaps(), ns.name(), {});
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_TRUE(client->create(configMaps(), ns.name(), configMapWithValue("b", "1")).ok());

  // First stream: take one event, then hang up.
  std::string lastRv;
  Status first =
      client->watch(configMaps(), ns.name(), {.resourceVersion = listed->resourceVersion, .timeoutSeconds = 10},
                    [&](const WatchEvent& e) {
                      if (e.type == WatchEvent::Type::kBookmark) return true;
                      EXPECT_EQ(e.type, WatchEvent::Type::kAdded);
                      EXPECT_EQ(nameOf(e.object), "b");
                      lastRv = stringAt(e.object, {"metadata", "resourceVersion"});
                      return false;
                    });
  ASSERT_TRUE(first.ok()) << first;
  ASSERT_FALSE(lastRv.empty());

  // While nobody watches.
  ASSERT_TRUE(client->create(configMaps(), ns.name(), configMapWithValue("c", "1")).ok());
  ASSERT_TRUE(client->patch(configMaps(), ns.name(), "b", kube::PatchType::kMerge, {{"data", {{"v", "2"}}}}).ok());
  ASSERT_TRUE(client->remove(configMaps(), ns.name(), "a").ok());

  // Resumed stream: exactly the three missed changes, in order, nothing from before.
  std::vector<std::pair<WatchEvent::Type, std::string>> seen;
  Status resumed = client->watch(configMaps(), ns.name(), {.resourceVersion = lastRv, .timeoutSeconds = 10},
                                 [&](const WatchEvent& e) {
                                   if (e.type == WatchEvent::Type::kBookmark) return true;
                                   seen.emplace_back(e.type, nameOf(e.object));
                                   return seen.size() < 3;
                                 });
  ASSERT_TRUE(resumed.ok()) << resumed;
  std::vector<std::pair<WatchEvent::Type, std::string>> expected = {
      {WatchEvent::Type::kAdded, "c"}, {WatchEvent::Type::kModified, "b"}, {WatchEvent::Type::kDeleted, "a"}};
  EXPECT_EQ(seen, expected);
}

TEST(Watch, CompactedResourceVersionIsGone) {
  ScopedNamespace ns("watch-gone");
  ASSERT_TRUE(ns.ok());
  auto client = adminClient();
  auto listed = client->list(podTemplates(), ns.name(), {});
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_TRUE(client->create(podTemplates(), ns.name(), podTemplate("t1")).ok());
  ASSERT_TRUE(client->create(podTemplates(), ns.name(), podTemplate("t2")).ok());
  auto revision = compactEtcd();
  ASSERT_TRUE(revision.ok()) << revision.status();
  ASSERT_GT(*revision, std::stoll(listed->resourceVersion));

  int delivered = 0;
  Status watched =
      client->watch(podTemplates(), ns.name(), {.resourceVersion = listed->resourceVersion, .timeoutSeconds = 10},
                    [&](const WatchEvent& e) {
                      if (e.type != WatchEvent::Type::kError) ++delivered;
                      return true;
                    });
  EXPECT_TRUE(kube::isGone(watched)) << watched;
  EXPECT_EQ(delivered, 0);

  // A list at the compacted resourceVersion is gone as well; a fresh list sees everything.
  auto stale = client->list(podTemplates(), ns.name(), {.resourceVersion = listed->resourceVersion});
  auto fresh = client->list(podTemplates(), ns.name(), {});
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_EQ(fresh->items.size(), 2u);
  (void)stale;  // resourceVersion without resourceVersionMatch=Exact may be served as "not older than"
}

// Records what the Reflector delivers.
class RecordingStore : public kube::ReflectorStore {
 public:
  void replace(std::vector<Json> items, const std::string&) override {
    std::lock_guard lock(mu_);
    objects_.clear();
    for (Json& o : items) {
      std::string name = nameOf(o);  // before the move: operator= takes its argument by value
      objects_[name] = std::move(o);
    }
    ++replaces_;
  }
  void apply(WatchEvent::Type type, Json object) override {
    std::lock_guard lock(mu_);
    if (type == WatchEvent::Type::kDeleted) {
      objects_.erase(nameOf(object));
    } else {
      std::string name = nameOf(object);
      objects_[name] = std::move(object);
    }
  }
  size_t size() const {
    std::lock_guard lock(mu_);
    return objects_.size();
  }
  bool has(const std::string& name) const {
    std::lock_guard lock(mu_);
    return objects_.count(name) > 0;
  }
  int replaces() const {
    std::lock_guard lock(mu_);
    return replaces_;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, Json> objects_;
  int replaces_ = 0;
};

TEST(Watch, ReflectorListsAgainAfterCompaction) {
  ScopedNamespace ns("watch-relist");
  ASSERT_TRUE(ns.ok());
  auto client = adminClient();
  ASSERT_TRUE(client->create(podTemplates(), ns.name(), podTemplate("t1")).ok());

  RecordingStore store;
  // Short server-side watch timeouts make the Reflector re-watch from its last resourceVersion
  // every second, which is when the compaction bites.
  kube::Reflector reflector(client, {.resource = podTemplates(), .ns = ns.name(), .watchTimeoutSeconds = 1}, store);
  std::thread runner([&] { reflector.run(); });
  struct StopOnExit {
    kube::Reflector& r;
    std::thread& t;
    ~StopOnExit() {
      r.stop();
      t.join();
    }
  } stopOnExit{reflector, runner};

  ASSERT_TRUE(eventually([&] { return store.has("t1"); }, 20s))
      << "lists=" << reflector.listCount() << " watches=" << reflector.watchCount() << " replaces=" << store.replaces()
      << " size=" << store.size();
  ASSERT_TRUE(client->create(podTemplates(), ns.name(), podTemplate("t2")).ok());
  ASSERT_TRUE(eventually([&] { return store.has("t2"); }, 20s));
  const int listsBefore = reflector.listCount();

  // Move etcd past the Reflector's resourceVersion with writes it does not watch, then compact.
  // The Reflector's next re-watch (its stream ends every second) starts below the compacted
  // revision: 410, so it must list again.
  ASSERT_TRUE(client->create(configMaps(), ns.name(), configMapWithValue("bump-1", "1")).ok());
  ASSERT_TRUE(client->create(configMaps(), ns.name(), configMapWithValue("bump-2", "1")).ok());
  auto revision = compactEtcd();
  ASSERT_TRUE(revision.ok()) << revision.status();
  EXPECT_TRUE(eventually([&] { return reflector.listCount() > listsBefore; }, 20s))
      << "no re-list after compaction; lists=" << reflector.listCount();

  // And it keeps watching from the new list.
  ASSERT_TRUE(client->create(podTemplates(), ns.name(), podTemplate("t3")).ok());
  EXPECT_TRUE(eventually([&] { return store.has("t3") && store.size() == 3; }, 20s)) << store.size();
  EXPECT_GE(store.replaces(), 2);
}

}  // namespace
}  // namespace pennant::testbed
