#include "kube/leader_election.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "fakes/fake_clock.h"
#include "fakes/fake_kube_client.h"
#include "kube/resource.h"

namespace pennant::kube {
namespace {

using fakes::FakeClock;
using fakes::FakeKubeClient;
using namespace std::chrono_literals;

// Forwards to a shared fake cluster, failing every call while `broken` is set: a replica that has
// lost its connection to the API server while the other one still reaches it.
class PartitionableClient final : public Client {
 public:
  explicit PartitionableClient(std::shared_ptr<FakeKubeClient> cluster) : cluster_(std::move(cluster)) {}
  std::atomic<bool> broken{false};

  StatusOr<Json> get(const Resource& r, std::string_view ns, std::string_view name) override {
    if (broken) return down();
    return cluster_->get(r, ns, name);
  }
  StatusOr<ObjectList> list(const Resource& r, std::string_view ns, const ListOptions& o) override {
    if (broken) return down();
    return cluster_->list(r, ns, o);
  }
  StatusOr<Json> create(const Resource& r, std::string_view ns, const Json& o) override {
    if (broken) return down();
    return cluster_->create(r, ns, o);
  }
  StatusOr<Json> update(const Resource& r, std::string_view ns, const Json& o) override {
    if (broken) return down();
    return cluster_->update(r, ns, o);
  }
  StatusOr<Json> updateStatus(const Resource& r, std::string_view ns, const Json& o) override {
    if (broken) return down();
    return cluster_->updateStatus(r, ns, o);
  }
  Status remove(const Resource& r, std::string_view ns, std::string_view name, const DeleteOptions& o) override {
    if (broken) return down();
    return cluster_->remove(r, ns, name, o);
  }
  StatusOr<Json> patch(const Resource& r, std::string_view ns, std::string_view name, PatchType t, const Json& p,
                       std::string_view sub) override {
    if (broken) return down();
    return cluster_->patch(r, ns, name, t, p, sub);
  }
  Status watch(const Resource& r, std::string_view ns, const WatchOptions& o, const WatchHandler& h) override {
    if (broken) return down();
    return cluster_->watch(r, ns, o, h);
  }

 private:
  static Status down() { return absl::UnavailableError("connection refused"); }
  std::shared_ptr<FakeKubeClient> cluster_;
};

LeaderElectionConfig config(const std::string& identity, std::shared_ptr<const Clock> clock = nullptr) {
  LeaderElectionConfig c;
  c.leaseNamespace = "pennant-system";
  c.leaseName = "pennant-leader";
  c.identity = identity;
  c.clock = std::move(clock);
  return c;
}

LeaderElectionRecord leaseRecord(FakeKubeClient& cluster) {
  return LeaderElectionRecord::fromLease(*cluster.get(resources::leases(), "pennant-system", "pennant-leader"));
}

TEST(LeaderElectionTest, FormatsMicroTime) {
  auto t = std::chrono::sys_days{std::chrono::year{2026} / 11 / 26} + 9h + 21min + 54s + 123456us;
  EXPECT_EQ(formatMicroTime(std::chrono::time_point_cast<Clock::TimePoint::duration>(t)),
            "2026-11-26T09:21:54.123456Z");
}

TEST(LeaderElectionTest, ValidatesDurationsAsClientGo) {
  EXPECT_TRUE(validateLeaderElectionConfig(config("a")).ok());
  LeaderElectionConfig c = config("a");
  c.renewDeadline = c.leaseDuration;
  EXPECT_FALSE(validateLeaderElectionConfig(c).ok());
  c = config("a");
  c.retryPeriod = 9s;  // 1.2 * 9s > renewDeadline 10s
  EXPECT_FALSE(validateLeaderElectionConfig(c).ok());
  EXPECT_FALSE(validateLeaderElectionConfig(config("")).ok());
}

TEST(LeaderElectionTest, OnlyOneCandidateHoldsTheLeaseUntilItExpiresOnTheObserversClock) {
  auto cluster = std::make_shared<FakeKubeClient>();
  auto clock = std::make_shared<FakeClock>();
  LeaderElector a(cluster, config("a", clock));
  LeaderElector b(cluster, config("b", clock));

  ASSERT_TRUE(a.tryAcquireOrRenew());
  LeaderElectionRecord first = leaseRecord(*cluster);
  EXPECT_EQ(first.holderIdentity, "a");
  EXPECT_EQ(first.leaseDurationSeconds, 15);
  EXPECT_EQ(first.leaseTransitions, 0);
  EXPECT_EQ(first.acquireTime, "2026-01-01T00:00:00.000000Z");
  EXPECT_FALSE(b.tryAcquireOrRenew());
  EXPECT_EQ(b.observedLeader(), "a");

  clock->advance(10s);
  EXPECT_FALSE(b.tryAcquireOrRenew());
  ASSERT_TRUE(a.tryAcquireOrRenew());  // renew: renewTime moves, acquireTime stays
  LeaderElectionRecord renewed = leaseRecord(*cluster);
  EXPECT_EQ(renewed.acquireTime, first.acquireTime);
  EXPECT_EQ(renewed.renewTime, "2026-01-01T00:00:10.000000Z");
  EXPECT_FALSE(b.tryAcquireOrRenew());  // b sees the renewal now: expiry counts from here

  clock->advance(14s);
  EXPECT_FALSE(b.tryAcquireOrRenew());
  clock->advance(2s);
  EXPECT_TRUE(b.tryAcquireOrRenew());
  LeaderElectionRecord taken = leaseRecord(*cluster);
  EXPECT_EQ(taken.holderIdentity, "b");
  EXPECT_EQ(taken.leaseTransitions, 1);
  EXPECT_EQ(taken.acquireTime, taken.renewTime);
  EXPECT_FALSE(a.tryAcquireOrRenew());
  EXPECT_EQ(a.observedLeader(), "b");
}

TEST(LeaderElectionTest, AConflictingWriteLosesTheRace) {
  auto cluster = std::make_shared<FakeKubeClient>();
  auto clock = std::make_shared<FakeClock>();
  LeaderElector a(cluster, config("a", clock));
  ASSERT_TRUE(a.tryAcquireOrRenew());
  cluster->failNextUpdates(1);
  EXPECT_FALSE(a.tryAcquireOrRenew());
  EXPECT_TRUE(a.tryAcquireOrRenew());
}

TEST(LeaderElectionTest, ReleaseClearsTheHolderSoTheNextCandidateNeedNotWait) {
  auto cluster = std::make_shared<FakeKubeClient>();
  auto clock = std::make_shared<FakeClock>();
  LeaderElector a(cluster, config("a", clock));
  LeaderElector b(cluster, config("b", clock));
  ASSERT_TRUE(a.tryAcquireOrRenew());
  EXPECT_FALSE(b.tryAcquireOrRenew());
  ASSERT_TRUE(a.release().ok());
  LeaderElectionRecord released = leaseRecord(*cluster);
  EXPECT_EQ(released.holderIdentity, "");
  EXPECT_EQ(released.leaseDurationSeconds, 1);
  EXPECT_TRUE(b.tryAcquireOrRenew());
  EXPECT_EQ(leaseRecord(*cluster).leaseTransitions, 1);
}

// Real-time hand-over with short durations (the Lease holds whole seconds). 2s rather than the
// 1s minimum keeps "waited for expiry" and "released" apart on a loaded machine.
LeaderElectionConfig fast(const std::string& identity, std::atomic<int>& started, std::atomic<int>& stopped) {
  LeaderElectionConfig c = config(identity);
  c.leaseDuration = 2s;
  c.renewDeadline = 1s;
  c.retryPeriod = 100ms;
  c.onStartedLeading = [&started] { ++started; };
  c.onStoppedLeading = [&stopped] { ++stopped; };
  return c;
}

bool waitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 5s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

class HandOverTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (auto* e : {a_.get(), b_.get()}) {
      if (e) e->stop();
    }
    for (auto& t : threads_) t.join();
  }
  void start(LeaderElector& e) {
    threads_.emplace_back([&e] { EXPECT_TRUE(e.run().ok()); });
  }
  std::shared_ptr<FakeKubeClient> cluster_ = std::make_shared<FakeKubeClient>();
  std::atomic<int> aStarted_{0}, aStopped_{0}, bStarted_{0}, bStopped_{0};
  std::unique_ptr<LeaderElector> a_, b_;
  std::vector<std::thread> threads_;
};

TEST_F(HandOverTest, TheOtherTakesOverAfterTheLeaseDurationWhenTheLeaderDiesWithoutReleasing) {
  LeaderElectionConfig ca = fast("a", aStarted_, aStopped_);
  ca.releaseOnCancel = false;  // as if the process were killed
  a_ = std::make_unique<LeaderElector>(cluster_, ca);
  b_ = std::make_unique<LeaderElector>(cluster_, fast("b", bStarted_, bStopped_));
  start(*a_);
  ASSERT_TRUE(waitUntil([&] { return a_->isLeader(); }));
  start(*b_);
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(b_->isLeader());
  EXPECT_EQ(b_->observedLeader(), "a");

  auto stoppedAt = std::chrono::steady_clock::now();
  a_->stop();
  ASSERT_TRUE(waitUntil([&] { return b_->isLeader(); }));
  EXPECT_GE(std::chrono::steady_clock::now() - stoppedAt, 1500ms);  // waited for the 2s lease
  EXPECT_EQ(aStarted_.load(), 1);
  EXPECT_EQ(aStopped_.load(), 1);
  EXPECT_EQ(bStarted_.load(), 1);
  EXPECT_EQ(leaseRecord(*cluster_).holderIdentity, "b");
  EXPECT_EQ(leaseRecord(*cluster_).leaseTransitions, 1);
}

TEST_F(HandOverTest, ReleaseOnShutdownHandsOverWithoutWaitingForExpiry) {
  a_ = std::make_unique<LeaderElector>(cluster_, fast("a", aStarted_, aStopped_));
  b_ = std::make_unique<LeaderElector>(cluster_, fast("b", bStarted_, bStopped_));
  start(*a_);
  ASSERT_TRUE(waitUntil([&] { return a_->isLeader(); }));
  start(*b_);
  std::this_thread::sleep_for(200ms);
  auto stoppedAt = std::chrono::steady_clock::now();
  a_->stop();
  ASSERT_TRUE(waitUntil([&] { return b_->isLeader(); }));
  EXPECT_LT(std::chrono::steady_clock::now() - stoppedAt, 1500ms);
  EXPECT_EQ(aStopped_.load(), 1);
}

TEST_F(HandOverTest, ALeaderThatCannotRenewStepsDownAndTheOtherTakesOver) {
  auto partitioned = std::make_shared<PartitionableClient>(cluster_);
  a_ = std::make_unique<LeaderElector>(partitioned, fast("a", aStarted_, aStopped_));
  b_ = std::make_unique<LeaderElector>(cluster_, fast("b", bStarted_, bStopped_));
  start(*a_);
  ASSERT_TRUE(waitUntil([&] { return a_->isLeader(); }));
  start(*b_);
  std::this_thread::sleep_for(200ms);
  partitioned->broken = true;
  ASSERT_TRUE(waitUntil([&] { return aStopped_.load() == 1; }));  // after renewDeadline
  EXPECT_FALSE(a_->isLeader());
  ASSERT_TRUE(waitUntil([&] { return b_->isLeader(); }));
  EXPECT_EQ(leaseRecord(*cluster_).holderIdentity, "b");
}

}  // namespace
}  // namespace pennant::kube
