#include "kube/work_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "fakes/fake_clock.h"

namespace pennant::kube {
namespace {

using namespace std::chrono_literals;

WorkQueueOptions fakeTime(std::shared_ptr<fakes::FakeClock> clock) {
  WorkQueueOptions o;
  o.clock = std::move(clock);
  o.clockPollInterval = 1ms;
  return o;
}

TEST(WorkQueueTest, DeduplicatesQueuedKeysAndKeepsOrder) {
  WorkQueue q;
  q.add("a");
  q.add("b");
  q.add("a");
  EXPECT_EQ(q.len(), 2u);
  EXPECT_EQ(q.get(), "a");
  EXPECT_EQ(q.get(), "b");
  EXPECT_EQ(q.len(), 0u);
}

TEST(WorkQueueTest, AKeyReaddedWhileProcessingIsHandedOutAgainOnlyAfterDone) {
  WorkQueue q;
  q.add("a");
  ASSERT_EQ(q.get(), "a");
  q.add("a");
  q.add("a");
  EXPECT_EQ(q.len(), 0u);  // not handed to another worker while "a" is in flight
  q.done("a");
  EXPECT_EQ(q.len(), 1u);
  EXPECT_EQ(q.get(), "a");
  q.done("a");
  EXPECT_EQ(q.len(), 0u);
}

TEST(WorkQueueTest, FailureBackoffGrowsExponentiallyToTheCap) {
  EXPECT_EQ(failureBackoff(1, 5ms, 1000ms), 5ms);
  EXPECT_EQ(failureBackoff(2, 5ms, 1000ms), 10ms);
  EXPECT_EQ(failureBackoff(3, 5ms, 1000ms), 20ms);
  EXPECT_EQ(failureBackoff(8, 5ms, 1000ms), 640ms);
  EXPECT_EQ(failureBackoff(9, 5ms, 1000ms), 1000ms);
  EXPECT_EQ(failureBackoff(60, 5ms, 1000ms), 1000ms);
}

TEST(WorkQueueTest, AddRateLimitedBacksOffPerKeyUntilForget) {
  auto clock = std::make_shared<fakes::FakeClock>();
  WorkQueueOptions o = fakeTime(clock);
  o.baseDelay = 100ms;
  WorkQueue q(o);
  q.addRateLimited("a");  // 100ms
  EXPECT_EQ(q.numRequeues("a"), 1);
  EXPECT_EQ(q.len(), 0u);
  clock->advance(99ms);
  q.add("probe");
  EXPECT_EQ(q.get(), "probe");  // "a" is not due yet
  q.done("probe");
  clock->advance(1ms);
  EXPECT_EQ(q.get(), "a");
  q.done("a");

  q.addRateLimited("a");  // second failure: 200ms
  clock->advance(199ms);
  q.add("probe");
  EXPECT_EQ(q.get(), "probe");
  q.done("probe");
  EXPECT_EQ(q.waitingCount(), 1u);
  clock->advance(1ms);
  EXPECT_EQ(q.get(), "a");
  q.done("a");

  q.forget("a");
  EXPECT_EQ(q.numRequeues("a"), 0);
  q.addRateLimited("a");  // back to 100ms
  clock->advance(100ms);
  EXPECT_EQ(q.get(), "a");
}

TEST(WorkQueueTest, AddAfterWaitsForTheDelayAndKeepsTheEarliestDeadline) {
  auto clock = std::make_shared<fakes::FakeClock>();
  WorkQueue q(fakeTime(clock));
  q.addAfter("late", 10s);
  q.addAfter("soon", 5s);
  q.addAfter("late", 2s);   // earlier deadline wins
  q.addAfter("soon", 60s);  // later deadline ignored
  q.addAfter("now", 0s);
  EXPECT_EQ(q.get(), "now");
  EXPECT_EQ(q.waitingCount(), 2u);
  std::thread advancer([&] {
    std::this_thread::sleep_for(20ms);
    clock->advance(2s);
  });
  EXPECT_EQ(q.get(), "late");  // blocks until the fake clock passes 2s
  advancer.join();
  clock->advance(3s);
  EXPECT_EQ(q.get(), "soon");
  EXPECT_EQ(q.waitingCount(), 0u);
}

TEST(WorkQueueTest, AddAfterWithTheRealClock) {
  WorkQueue q;
  auto begin = std::chrono::steady_clock::now();
  q.addAfter("a", 30ms);
  EXPECT_EQ(q.get(), "a");
  EXPECT_GE(std::chrono::steady_clock::now() - begin, 30ms);
}

TEST(WorkQueueTest, WorkersNeverProcessOneKeyConcurrently) {
  WorkQueue q;
  std::mutex mu;
  std::set<std::string> inFlight;
  std::map<std::string, int> processed;
  std::atomic<bool> overlap{false};
  std::atomic<int> total{0};
  {
    WorkerPool pool(q, 4, [&](const std::string& key) {
      {
        std::lock_guard lock(mu);
        if (!inFlight.insert(key).second) overlap = true;
      }
      std::this_thread::sleep_for(1ms);
      {
        std::lock_guard lock(mu);
        inFlight.erase(key);
        ++processed[key];
      }
      ++total;
      return absl::OkStatus();
    });
    for (int round = 0; round < 50; ++round) {
      for (const char* key : {"a", "b", "c"}) q.add(key);
      std::this_thread::sleep_for(200us);
    }
    ASSERT_TRUE(q.shutDownWithDrain(5s));
  }
  EXPECT_FALSE(overlap.load());
  EXPECT_GT(total.load(), 3);
  for (const char* key : {"a", "b", "c"}) EXPECT_GE(processed[key], 1);
}

TEST(WorkQueueTest, AKeyAddedDuringItsProcessingIsProcessedAgain) {
  WorkQueue q;
  std::atomic<int> runs{0};
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  WorkerPool pool(q, 2, [&](const std::string&) {
    if (++runs == 1) {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return release; });
    }
    return absl::OkStatus();
  });
  q.add("a");
  for (int i = 0; i < 500 && runs.load() == 0; ++i) std::this_thread::sleep_for(1ms);
  q.add("a");  // while the first run is blocked
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(runs.load(), 1);  // the second worker did not take it
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  for (int i = 0; i < 500 && runs.load() < 2; ++i) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(runs.load(), 2);
}

TEST(WorkQueueTest, FailedKeysAreRetriedWithBackoffAndForgottenOnSuccess) {
  WorkQueueOptions o;
  o.baseDelay = 1ms;
  WorkQueue q(o);
  std::atomic<int> attempts{0};
  WorkerPool pool(
      q, 1, [&](const std::string&) { return ++attempts < 4 ? absl::UnavailableError("flaky") : absl::OkStatus(); });
  q.add("a");
  for (int i = 0; i < 1000 && attempts.load() < 4; ++i) std::this_thread::sleep_for(1ms);
  ASSERT_EQ(attempts.load(), 4);
  for (int i = 0; i < 1000 && q.numRequeues("a") != 0; ++i) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(q.numRequeues("a"), 0);
}

TEST(WorkQueueTest, ShutDownHandsOutQueuedKeysThenStopsAndRefusesNewOnes) {
  WorkQueue q;
  q.add("a");
  q.addAfter("delayed", 1h);
  q.shutDown();
  q.add("b");
  EXPECT_TRUE(q.shuttingDown());
  EXPECT_EQ(q.get(), "a");
  EXPECT_EQ(q.get(), std::nullopt);
  EXPECT_EQ(q.waitingCount(), 0u);
}

TEST(WorkQueueTest, ShutDownWakesBlockedWorkers) {
  WorkQueue q;
  std::optional<std::string> got = "unset";
  std::thread worker([&] { got = q.get(); });
  std::this_thread::sleep_for(10ms);
  q.shutDown();
  worker.join();
  EXPECT_EQ(got, std::nullopt);
}

TEST(WorkQueueTest, ShutDownWithDrainWaitsForInFlightKeys) {
  WorkQueue q;
  std::atomic<bool> finished{false};
  WorkerPool pool(q, 1, [&](const std::string&) {
    std::this_thread::sleep_for(50ms);
    finished = true;
    return absl::OkStatus();
  });
  q.add("slow");
  for (int i = 0; i < 500 && q.len() > 0; ++i) std::this_thread::sleep_for(1ms);
  EXPECT_TRUE(q.shutDownWithDrain(5s));
  EXPECT_TRUE(finished.load());
}

}  // namespace
}  // namespace pennant::kube
