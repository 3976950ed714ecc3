#include "kube/reflector.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "fakes/fake_kube_client.h"
#include "kube/kube_test_objects.h"

namespace pennant::kube {
namespace {

using namespace kube::test_objects;  // NOLINT: kube_test_objects.h

using fakes::FakeKubeClient;
using namespace std::chrono_literals;

Json configMap(const std::string& name) {
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"namespace", "ns"}}}};
}

// Records what a Reflector delivers; thread-safe so the test can wait for it.
class RecordingStore : public ReflectorStore {
 public:
  void replace(std::vector<Json> items, const std::string& rv) override {
    std::lock_guard lock(mu_);
    replaces_.push_back(items.size());
    names_.clear();
    for (const Json& item : items) names_.push_back(stringAt(item, {"metadata", "name"}));
    lastListRv_ = rv;
    cv_.notify_all();
  }
  void apply(WatchEvent::Type type, Json object) override {
    std::lock_guard lock(mu_);
    events_.emplace_back(type, stringAt(object, {"metadata", "name"}));
    cv_.notify_all();
  }
  template <typename Pred>
  bool waitFor(Pred pred, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return pred(*this); });
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<size_t> replaces_;
  std::vector<std::string> names_;
  std::string lastListRv_;
  std::vector<std::pair<WatchEvent::Type, std::string>> events_;
};

ReflectorOptions fastOptions() {
  ReflectorOptions o;
  o.resource = kConfigMaps;
  o.ns = "ns";
  o.pageSize = 2;
  o.backoff = BackoffPolicy{1ms, 10ms, 2.0, 0.0};
  return o;
}

class ReflectorTest : public ::testing::Test {
 protected:
  void startReflector() {
    reflector_ = std::make_unique<Reflector>(client_, fastOptions(), store_);
    thread_ = std::thread([this] { reflector_->run(); });
  }
  void TearDown() override {
    if (reflector_) reflector_->stop();
    if (thread_.joinable()) thread_.join();
  }
  std::shared_ptr<FakeKubeClient> client_ = std::make_shared<FakeKubeClient>();
  RecordingStore store_;
  std::unique_ptr<Reflector> reflector_;
  std::thread thread_;
};

TEST(BackoffTest, GrowsExponentiallyWithJitterUpToTheCapAndResets) {
  Backoff backoff(BackoffPolicy{100ms, 1000ms, 2.0, 0.5}, [] { return 0.5; });
  EXPECT_EQ(backoff.next(), 125ms);  // 100 * (1 + 0.5*0.5)
  EXPECT_EQ(backoff.next(), 250ms);
  EXPECT_EQ(backoff.next(), 500ms);
  EXPECT_EQ(backoff.next(), 1000ms);
  EXPECT_EQ(backoff.next(), 1250ms);  // capped at 1000 before jitter
  EXPECT_EQ(backoff.next(), 1250ms);
  backoff.reset();
  EXPECT_EQ(backoff.next(), 125ms);
}

TEST_F(ReflectorTest, ListsEveryPageThenWatchesFromTheListResourceVersion) {
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(client_->create(kConfigMaps, "ns", configMap("cm" + std::to_string(i))).ok());
  EXPECT_TRUE(client_->create(kConfigMaps, "elsewhere", configMap("x")).ok());
  startReflector();
  ASSERT_TRUE(store_.waitFor([](auto& s) { return !s.replaces_.empty(); }));
  EXPECT_EQ(store_.replaces_[0], 5u);
  EXPECT_EQ(store_.lastListRv_, std::to_string(client_->currentResourceVersion()));
  ASSERT_TRUE(client_->waitForWatches(1));
  EXPECT_TRUE(client_->create(kConfigMaps, "ns", configMap("late")).ok());
  ASSERT_TRUE(store_.waitFor([](auto& s) { return s.events_.size() == 1; }));
  EXPECT_EQ(store_.events_[0], std::make_pair(WatchEvent::Type::kAdded, std::string("late")));
  EXPECT_EQ(client_->callCount(FakeKubeClient::Verb::kList), 3);  // 5 items, pages of 2
}

TEST_F(ReflectorTest, ResumesFromLastResourceVersionAfterDisconnect) {
  client_->disconnectNextWatchAfter(2, absl::UnavailableError("connection reset by peer"));
  startReflector();
  ASSERT_TRUE(client_->waitForWatches(1));
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(client_->create(kConfigMaps, "ns", configMap("cm" + std::to_string(i))).ok());
  ASSERT_TRUE(store_.waitFor([](auto& s) { return s.events_.size() >= 5; }));
  // Every event exactly once, in order: the second watch started where the first one stopped.
  std::vector<std::string> names;
  for (const auto& [type, name] : store_.events_) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"cm0", "cm1", "cm2", "cm3", "cm4"}));
  EXPECT_EQ(reflector_->listCount(), 1);
  EXPECT_GE(reflector_->watchCount(), 2);
  const std::string want = std::to_string(client_->currentResourceVersion());
  for (int i = 0; i < 500 && reflector_->lastResourceVersion() != want; ++i) std::this_thread::sleep_for(2ms);
  EXPECT_EQ(reflector_->lastResourceVersion(), want);
}

TEST_F(ReflectorTest, ListsAgainAfter410) {
  EXPECT_TRUE(client_->create(kConfigMaps, "ns", configMap("before")).ok());
  startReflector();
  ASSERT_TRUE(client_->waitForWatches(1));
  // The stream drops; while it is down the history is compacted past our resourceVersion.
  client_->failNext(FakeKubeClient::Verb::kWatch, absl::UnavailableError("down"), 1000000);
  client_->closeWatches();
  for (int i = 0; i < 500 && client_->activeWatches() > 0; ++i) std::this_thread::sleep_for(2ms);
  ASSERT_EQ(client_->activeWatches(), 0);
  EXPECT_TRUE(client_->remove(kConfigMaps, "ns", "before").ok());
  EXPECT_TRUE(client_->create(kConfigMaps, "ns", configMap("after")).ok());
  client_->compact();
  client_->failNext(FakeKubeClient::Verb::kWatch, absl::OkStatus(), 0);
  ASSERT_TRUE(store_.waitFor([](auto& s) { return s.replaces_.size() == 2; }));
  EXPECT_EQ(store_.names_, std::vector<std::string>{"after"});
  EXPECT_EQ(reflector_->listCount(), 2);
}

TEST_F(ReflectorTest, ListsAgainWhenTheResumedWatchIsGone) {
  startReflector();
  ASSERT_TRUE(client_->waitForWatches(1));
  client_->failNextWatchesGone(1);
  client_->closeWatches();
  ASSERT_TRUE(store_.waitFor([](auto& s) { return s.replaces_.size() == 2; }));
  ASSERT_TRUE(client_->waitForWatches(1));
  EXPECT_TRUE(client_->create(kConfigMaps, "ns", configMap("new")).ok());
  ASSERT_TRUE(store_.waitFor([](auto& s) { return s.events_.size() == 1; }));
}

TEST_F(ReflectorTest, MalformedStreamDataIsRetriedFromTheSameResourceVersion) {
  startReflector();
  ASSERT_TRUE(client_->waitForWatches(1));
  EXPECT_TRUE(client_->create(kConfigMaps, "ns", configMap("a")).ok());
  ASSERT_TRUE(store_.waitFor([](auto& s) { return s.events_.size() == 1; }));
  client_->failNext(FakeKubeClient::Verb::kWatch, absl::DataLossError("watch: malformed event JSON"), 2);
  client_->closeWatches();
  EXPECT_TRUE(client_->create(kConfigMaps, "ns", configMap("b")).ok());
  ASSERT_TRUE(store_.waitFor([](auto& s) { return s.events_.size() == 2; }));
  EXPECT_EQ(store_.events_[1].second, "b");
  EXPECT_EQ(reflector_->listCount(), 1);  // resumed, not re-listed
}

TEST_F(ReflectorTest, RetriesAFailedListWithBackoff) {
  client_->failNext(FakeKubeClient::Verb::kList, absl::UnavailableError("503"), 3);
  EXPECT_TRUE(client_->create(kConfigMaps, "ns", configMap("a")).ok());
  startReflector();
  ASSERT_TRUE(store_.waitFor([](auto& s) { return s.replaces_.size() == 1; }));
  EXPECT_EQ(reflector_->listCount(), 4);
}

TEST_F(ReflectorTest, BookmarksAdvanceTheResourceVersionWithoutEvents) {
  startReflector();
  ASSERT_TRUE(client_->waitForWatches(1));
  EXPECT_TRUE(client_->create(kConfigMaps, "other-ns", configMap("elsewhere")).ok());  // not ours: no event
  client_->bookmark();
  const std::string want = std::to_string(client_->currentResourceVersion());
  for (int i = 0; i < 500 && reflector_->lastResourceVersion() != want; ++i) std::this_thread::sleep_for(2ms);
  EXPECT_EQ(reflector_->lastResourceVersion(), want);
  EXPECT_TRUE(store_.events_.empty());
}

TEST_F(ReflectorTest, StopEndsARunningWatchPromptly) {
  startReflector();
  ASSERT_TRUE(client_->waitForWatches(1));
  auto begin = std::chrono::steady_clock::now();
  reflector_->stop();
  thread_.join();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 1s);
  EXPECT_EQ(client_->activeWatches(), 0);
}

}  // namespace
}  // namespace pennant::kube
