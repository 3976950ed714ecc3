#include "kube/informer.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <type_traits>

#include "fakes/fake_kube_client.h"
#include "kube/kube_test_objects.h"

namespace pennant::kube {
namespace {

using namespace kube::test_objects;  // NOLINT: kube_test_objects.h

using fakes::FakeKubeClient;
using namespace std::chrono_literals;

const Resource kNamespaces{"", "v1", "namespaces", false};

Json configMap(const std::string& ns, const std::string& name, Json labels = Json::object()) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata",
           {{"name", name},
            {"namespace", ns},
            {"labels", labels},
            {"managedFields", Json::array({{{"manager", "kubectl"}}})}}},
          {"data", {{"k", "v"}}}};
}

// Collects handler calls as "add ns/name", "update ns/name", "delete ns/name".
class Recorder {
 public:
  EventHandlers handlers() {
    return EventHandlers{
        [this](const ObjectPtr& o) { push("add " + Informer::keyOf(*o)); },
        [this](const ObjectPtr&, const ObjectPtr& o) { push("update " + Informer::keyOf(*o)); },
        [this](const ObjectPtr& o) { push("delete " + Informer::keyOf(*o)); },
    };
  }
  bool waitForCount(size_t n, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return calls_.size() >= n; });
  }
  std::vector<std::string> calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }

 private:
  void push(std::string s) {
    std::lock_guard lock(mu_);
    calls_.push_back(std::move(s));
    cv_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> calls_;
};

InformerOptions options(const Resource& r, std::string ns = "") {
  InformerOptions o;
  o.resource = r;
  o.ns = std::move(ns);
  o.backoff = BackoffPolicy{1ms, 10ms, 2.0, 0.0};
  return o;
}

static_assert(std::is_same_v<ObjectPtr, std::shared_ptr<const Json>>, "the cache hands out const objects only");

TEST(InformerTest, SyncsTheCacheAndCallsHandlers) {
  auto client = std::make_shared<FakeKubeClient>();
  EXPECT_TRUE(client->create(kConfigMaps, "a", configMap("a", "one")).ok());
  EXPECT_TRUE(client->create(kConfigMaps, "b", configMap("b", "two")).ok());
  Informer informer(client, options(kConfigMaps));
  Recorder recorder;
  informer.addHandlers(recorder.handlers());
  EXPECT_FALSE(informer.hasSynced());
  informer.start();
  ASSERT_TRUE(informer.waitForSync(5s));
  EXPECT_EQ(recorder.calls(), (std::vector<std::string>{"add a/one", "add b/two"}));
  ASSERT_NE(informer.get("a", "one"), nullptr);
  EXPECT_EQ((*informer.get("a", "one"))["data"]["k"], "v");
  EXPECT_FALSE((*informer.get("a", "one"))["metadata"].contains("managedFields"));
  EXPECT_EQ(informer.get("a", "missing"), nullptr);
  EXPECT_EQ(informer.list().size(), 2u);
  EXPECT_EQ(informer.list("b").size(), 1u);

  ASSERT_TRUE(client->waitForWatches(1));
  Json changed = *client->get(kConfigMaps, "a", "one");
  changed["data"]["k"] = "v2";
  EXPECT_TRUE(client->update(kConfigMaps, "a", changed).ok());
  EXPECT_TRUE(client->remove(kConfigMaps, "b", "two").ok());
  ASSERT_TRUE(recorder.waitForCount(4));
  EXPECT_EQ(recorder.calls()[2], "update a/one");
  EXPECT_EQ(recorder.calls()[3], "delete b/two");
  EXPECT_EQ((*informer.get("a", "one"))["data"]["k"], "v2");
  EXPECT_EQ(informer.get("b", "two"), nullptr);
}

TEST(InformerTest, ObjectsHandedOutStayUnchangedWhenTheCacheMovesOn) {
  auto client = std::make_shared<FakeKubeClient>();
  EXPECT_TRUE(client->create(kConfigMaps, "a", configMap("a", "one")).ok());
  Informer informer(client, options(kConfigMaps));
  Recorder recorder;
  informer.addHandlers(recorder.handlers());
  informer.start();
  ASSERT_TRUE(informer.waitForSync(5s));
  ObjectPtr held = informer.get("a", "one");
  ASSERT_TRUE(client->waitForWatches(1));
  Json changed = *held;  // the way to change an object: copy, then write through the client
  changed["data"]["k"] = "v2";
  ASSERT_TRUE(client->update(kConfigMaps, "a", changed).ok());
  ASSERT_TRUE(recorder.waitForCount(2));
  EXPECT_EQ((*held)["data"]["k"], "v");
  EXPECT_EQ((*informer.get("a", "one"))["data"]["k"], "v2");
}

TEST(InformerTest, DetectsDeletesAcrossARelist) {
  auto client = std::make_shared<FakeKubeClient>();
  EXPECT_TRUE(client->create(kConfigMaps, "ns", configMap("ns", "stays")).ok());
  EXPECT_TRUE(client->create(kConfigMaps, "ns", configMap("ns", "vanishes")).ok());
  Informer informer(client, options(kConfigMaps, "ns"));
  Recorder recorder;
  informer.addHandlers(recorder.handlers());
  informer.start();
  ASSERT_TRUE(informer.waitForSync(5s));
  ASSERT_TRUE(client->waitForWatches(1));
  // While the watch is down, one object is deleted, one changes, one is created, and the history
  // is compacted: the resumed watch gets 410 and the informer must re-list and diff.
  client->failNext(FakeKubeClient::Verb::kWatch, absl::UnavailableError("down"), 1000000);
  client->closeWatches();
  for (int i = 0; i < 500 && client->activeWatches() > 0; ++i) std::this_thread::sleep_for(2ms);
  EXPECT_TRUE(client->remove(kConfigMaps, "ns", "vanishes").ok());
  Json stays = *client->get(kConfigMaps, "ns", "stays");
  stays["data"]["k"] = "changed";
  EXPECT_TRUE(client->update(kConfigMaps, "ns", stays).ok());
  EXPECT_TRUE(client->create(kConfigMaps, "ns", configMap("ns", "appears")).ok());
  client->compact();
  client->failNext(FakeKubeClient::Verb::kWatch, absl::OkStatus(), 0);
  ASSERT_TRUE(recorder.waitForCount(5));
  std::vector<std::string> calls = recorder.calls();
  std::vector<std::string> afterRelist(calls.begin() + 2, calls.end());
  EXPECT_EQ(afterRelist, (std::vector<std::string>{"delete ns/vanishes", "add ns/appears", "update ns/stays"}));
  EXPECT_EQ(informer.size(), 2u);
  EXPECT_EQ(informer.reflector().listCount(), 2);
}

TEST(InformerTest, NamespaceScopeAndLabelSelectorLimitTheCache) {
  auto client = std::make_shared<FakeKubeClient>();
  EXPECT_TRUE(client->create(kConfigMaps, "ns", configMap("ns", "match", {{"app", "web"}})).ok());
  EXPECT_TRUE(client->create(kConfigMaps, "ns", configMap("ns", "other-label", {{"app", "db"}})).ok());
  EXPECT_TRUE(client->create(kConfigMaps, "elsewhere", configMap("elsewhere", "match", {{"app", "web"}})).ok());
  InformerOptions o = options(kConfigMaps, "ns");
  o.labelSelector = "app=web";
  Informer informer(client, o);
  Recorder recorder;
  informer.addHandlers(recorder.handlers());
  informer.start();
  ASSERT_TRUE(informer.waitForSync(5s));
  EXPECT_EQ(recorder.calls(), std::vector<std::string>{"add ns/match"});
  ASSERT_TRUE(client->waitForWatches(1));
  // Relabelling an object out of the selector is a delete for this informer.
  Json relabelled = *client->get(kConfigMaps, "ns", "match");
  relabelled["metadata"]["labels"]["app"] = "db";
  EXPECT_TRUE(client->update(kConfigMaps, "ns", relabelled).ok());
  ASSERT_TRUE(recorder.waitForCount(2));
  EXPECT_EQ(recorder.calls()[1], "delete ns/match");
  EXPECT_EQ(informer.size(), 0u);
}

TEST(InformerTest, ClusterScopedResourcesAreKeyedByName) {
  auto client = std::make_shared<FakeKubeClient>();
  EXPECT_TRUE(client->create(kNamespaces, "", {{"metadata", {{"name", "default"}}}}).ok());
  Informer informer(client, options(kNamespaces));
  informer.start();
  ASSERT_TRUE(informer.waitForSync(5s));
  ASSERT_NE(informer.getByKey("default"), nullptr);
  EXPECT_NE(informer.get("", "default"), nullptr);
}

TEST(InformerTest, LateHandlersGetTheCacheReplayedAsAdds) {
  auto client = std::make_shared<FakeKubeClient>();
  EXPECT_TRUE(client->create(kConfigMaps, "ns", configMap("ns", "a")).ok());
  Informer informer(client, options(kConfigMaps));
  informer.start();
  ASSERT_TRUE(informer.waitForSync(5s));
  Recorder recorder;
  informer.addHandlers(recorder.handlers());
  EXPECT_EQ(recorder.calls(), std::vector<std::string>{"add ns/a"});
  ASSERT_TRUE(client->waitForWatches(1));
  EXPECT_TRUE(client->create(kConfigMaps, "ns", configMap("ns", "b")).ok());
  ASSERT_TRUE(recorder.waitForCount(2));
  EXPECT_EQ(recorder.calls()[1], "add ns/b");
}

TEST(InformerTest, ConcurrentReadersSeeConsistentObjects) {
  auto client = std::make_shared<FakeKubeClient>();
  EXPECT_TRUE(client->create(kConfigMaps, "ns", configMap("ns", "a")).ok());
  Informer informer(client, options(kConfigMaps));
  informer.start();
  ASSERT_TRUE(informer.waitForSync(5s));
  ASSERT_TRUE(client->waitForWatches(1));
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!done) {
        for (const ObjectPtr& o : informer.list()) EXPECT_TRUE((*o)["data"].contains("k"));
        ++reads;
      }
    });
  }
  Json obj = *client->get(kConfigMaps, "ns", "a");
  for (int i = 0; i < 100; ++i) {
    obj["data"]["k"] = std::to_string(i);
    obj = *client->update(kConfigMaps, "ns", obj);
  }
  for (int i = 0; i < 1000 && (*informer.get("ns", "a"))["data"]["k"] != "99"; ++i) std::this_thread::sleep_for(2ms);
  done = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ((*informer.get("ns", "a"))["data"]["k"], "99");
  EXPECT_GT(reads.load(), 0);
}

}  // namespace
}  // namespace pennant::kube
