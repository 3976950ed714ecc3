// The manager over the in-memory API server: informers feed one work queue, and watch events on
// the target and primary Deployments drive the Canary at once, long before its interval (60s
// here) would, with the readiness the fake's "Deployment controller" (markReady) reports.
#include "controller/manager.h"

#include <gtest/gtest.h>

#include <thread>

#include "controller_fixtures.h"

namespace pennant::controller::testing {
namespace {

using namespace std::chrono_literals;
using kube::resources::canaries;
using kube::resources::deployments;

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return condition();
}

class ManagerTest : public ::testing::Test, public ControllerTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fake->create(deployments(), kNs, targetDeployment("greeter:v1")).ok());
    markReady("greeter");
    ManagerOptions options;
    options.ns = kNs;
    options.workers = 2;
    options.syncTimeout = 10s;
    manager = std::make_unique<Manager>(fake, options);
    runner = std::thread([this] { runStatus = manager->run(); });
    ASSERT_TRUE(eventually([&] { return manager->ready(); }, 10s));
  }
  void TearDown() override {
    manager->stop();
    runner.join();
    EXPECT_TRUE(runStatus.ok()) << runStatus;
  }

  std::unique_ptr<Manager> manager;
  std::thread runner;
  Status runStatus;
};

TEST_F(ManagerTest, WatchEventsDriveTheCanaryWithoutWaitingForTheInterval) {
  Json canary = grpcCanary();
  canary["spec"]["analysis"]["interval"] = "1m";
  ASSERT_TRUE(fake->create(canaries(), kNs, canary).ok());
  ASSERT_TRUE(eventually([&] { return !get(deployments(), "greeter-primary").is_null(); }, 5s));
  ASSERT_TRUE(eventually([&] { return phase() == "Initializing"; }, 5s)) << phase();

  // The primary becoming Ready is a Deployment event: initialisation completes at once.
  markReady("greeter-primary");
  ASSERT_TRUE(eventually([&] { return phase() == "Initialized"; }, 5s)) << phase();
  EXPECT_EQ(routeCanaryWeight(), 0);

  // A new revision of the target is seen from the watch, not at the next interval.
  Json target = get(deployments(), "greeter");
  target["spec"]["template"]["spec"]["containers"][0]["image"] = "greeter:v2";
  ASSERT_TRUE(fake->update(deployments(), kNs, target).ok());
  EXPECT_TRUE(eventually([&] { return phase() == "Progressing"; }, 5s)) << phase();
  EXPECT_TRUE(manager->isLeader());
  EXPECT_NE(manager->metrics()->scrape().find("flagger_canary_status{name=\"greeter\",namespace=\"shop\"} 0"),
            std::string::npos);
}

TEST_F(ManagerTest, OurOwnStatusWritesDoNotRetriggerReconciles) {
  Json canary = grpcCanary();
  canary["spec"]["analysis"]["interval"] = "1m";
  canary["spec"]["analysis"]["stepWeight"] = 0;  // invalid: one condition write, then quiet
  ASSERT_TRUE(fake->create(canaries(), kNs, canary).ok());
  ASSERT_TRUE(eventually([&] { return canaryStatus().contains("conditions"); }, 5s));
  int writes = fake->callCount(fakes::FakeKubeClient::Verb::kUpdateStatus);
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(fake->callCount(fakes::FakeKubeClient::Verb::kUpdateStatus), writes);
}

}  // namespace
}  // namespace pennant::controller::testing
