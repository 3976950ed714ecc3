// The reconcile shell over an in-memory API server: initialisation, a new revision stepped to
// maxWeight and promoted, pacing by analysis.interval, the one-status-write rule, conflicts, and
// invalid Canaries that change nothing but their condition.
#include "controller/reconciler.h"

#include <gtest/gtest.h>

#include "controller/status_writer.h"
#include "controller_fixtures.h"

namespace pennant::controller::testing {
namespace {

using fakes::FakeKubeClient;
using kube::resources::canaries;
using kube::resources::deployments;
using kube::resources::grpcRoutes;
using kube::resources::services;

class ReconcilerTest : public ::testing::Test, public ControllerTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fake->create(deployments(), kNs, targetDeployment("greeter:v1")).ok());
    markReady("greeter");
  }

  // Runs reconciles until Initialized (creating the primary and marking it Ready).
  void initialise() {
    ASSERT_TRUE(fake->create(canaries(), kNs, grpcCanary()).ok());
    ASSERT_TRUE(tick().ok());
    markReady("greeter-primary");
    ASSERT_TRUE(tick().ok());
    ASSERT_EQ(phase(), "Initialized");
  }

  void newRevision(const std::string& image) {
    Json target = get(deployments(), "greeter");
    target["spec"]["template"]["spec"]["containers"][0]["image"] = image;
    ASSERT_TRUE(fake->update(deployments(), kNs, target).ok());
  }

  std::string image(const std::string& deployment) {
    return get(deployments(), deployment)["spec"]["template"]["spec"]["containers"][0].value("image", "");
  }
  int replicas(const std::string& deployment) { return get(deployments(), deployment)["spec"].value("replicas", -1); }
  bool hasEvent(const std::string& text) {
    for (const auto& e : events->entries()) {
      if (e.message.find(text) != std::string::npos) return true;
    }
    return false;
  }
};

TEST_F(ReconcilerTest, InitialisationCreatesPrimaryServicesAndRouteThenScalesTargetToZero) {
  ASSERT_TRUE(fake->create(canaries(), kNs, grpcCanary()).ok());
  auto first = tick();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(image("greeter-primary"), "greeter:v1");
  EXPECT_EQ(get(deployments(), "greeter-primary")["spec"]["selector"]["matchLabels"]["app"], "greeter-primary");
  for (const char* s : {"greeter", "greeter-primary", "greeter-canary"}) {
    Json svc = get(services(), s);
    ASSERT_FALSE(svc.is_null()) << s;
    EXPECT_EQ(svc["spec"]["ports"][0]["port"], 9090) << s;
    EXPECT_EQ(svc["spec"]["ports"][0]["appProtocol"], "kubernetes.io/h2c") << s;
  }
  EXPECT_EQ(get(services(), "greeter")["spec"]["selector"]["app"], "greeter-primary");
  EXPECT_EQ(get(services(), "greeter-canary")["spec"]["selector"]["app"], "greeter");
  // The primary is not Ready yet: no route, the target keeps its replicas.
  EXPECT_EQ(phase(), "Initializing");
  EXPECT_TRUE(get(grpcRoutes(), "greeter").is_null());
  EXPECT_EQ(replicas("greeter"), 1);

  markReady("greeter-primary");
  auto second = tick();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(phase(), "Initialized");
  EXPECT_EQ(routeCanaryWeight(), 0);
  EXPECT_EQ(replicas("greeter"), 0);
  EXPECT_FALSE(canaryStatus().value("lastAppliedSpec", "").empty());
  ASSERT_TRUE(second->requeueAfter.has_value());
  EXPECT_EQ(second->requeueAfter->count(), 10);
  EXPECT_TRUE(hasEvent("Initialization done!"));

  // At rest and left alone, the Canary waits for a watch event (a slow resync as a safety net)
  // instead of being looked at every analysis interval.
  auto resting = tick();
  ASSERT_TRUE(resting.ok()) << resting.status();
  EXPECT_EQ(phase(), "Initialized");
  ASSERT_TRUE(resting->requeueAfter.has_value());
  EXPECT_EQ(resting->requeueAfter->count(), 300);
}

TEST_F(ReconcilerTest, NewRevisionStepsTheRouteUpToMaxWeightThenPromotesWithOneStatusWritePerReconcile) {
  initialise();
  newRevision("greeter:v2");

  auto statusWrites = [&] { return fake->callCount(FakeKubeClient::Verb::kUpdateStatus); };
  int before = statusWrites();
  ASSERT_TRUE(tick().ok());
  EXPECT_EQ(statusWrites() - before, 1);
  EXPECT_EQ(phase(), "Progressing");
  EXPECT_EQ(replicas("greeter"), 1);  // scaled up from zero for the analysis
  EXPECT_TRUE(hasEvent("New revision detected!"));
  markReady("greeter");

  std::vector<int64_t> weights;
  for (int i = 0; i < 2; ++i) {
    before = statusWrites();
    ASSERT_TRUE(tick().ok());
    EXPECT_EQ(statusWrites() - before, 1);
    weights.push_back(routeCanaryWeight());
    EXPECT_EQ(canaryStatus().value("canaryWeight", -1), weights.back());
  }
  EXPECT_EQ(weights, (std::vector<int64_t>{25, 50}));

  ASSERT_TRUE(tick().ok());  // at maxWeight: copy the new template to the primary
  EXPECT_EQ(phase(), "Promoting");
  EXPECT_EQ(image("greeter-primary"), "greeter:v2");
  markReady("greeter-primary");

  ASSERT_TRUE(tick().ok());
  EXPECT_EQ(phase(), "Finalising");
  EXPECT_EQ(routeCanaryWeight(), 0);

  ASSERT_TRUE(tick().ok());
  EXPECT_EQ(phase(), "Succeeded");
  EXPECT_EQ(replicas("greeter"), 0);
  EXPECT_EQ(image("greeter-primary"), "greeter:v2");
  EXPECT_TRUE(hasEvent("Promotion completed!"));
}

TEST_F(ReconcilerTest, ReconcilesTriggeredByWatchEventsDoNotStepFasterThanTheInterval) {
  initialise();
  newRevision("greeter:v2");
  ASSERT_TRUE(tick().ok());
  markReady("greeter");
  ASSERT_TRUE(reconciler->reconcile(std::string(kNs) + "/greeter").ok());  // the clock stays
  ASSERT_EQ(routeCanaryWeight(), 25);

  // Three more reconciles within the same interval (as Deployment status events would cause).
  for (int i = 0; i < 3; ++i) {
    auto r = reconciler->reconcile(std::string(kNs) + "/greeter");
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_TRUE(r->requeueAfter.has_value());
    EXPECT_LE(r->requeueAfter->count(), 10);
    EXPECT_GT(r->requeueAfter->count(), 0);
  }
  EXPECT_EQ(routeCanaryWeight(), 25);
  clock->advance(std::chrono::seconds(10));
  ASSERT_TRUE(reconciler->reconcile(std::string(kNs) + "/greeter").ok());
  EXPECT_EQ(routeCanaryWeight(), 50);
}

TEST_F(ReconcilerTest, ARestartedControllerResumesFromTheStatusWithoutJumpingForward) {
  initialise();
  newRevision("greeter:v2");
  ASSERT_TRUE(tick().ok());
  markReady("greeter");
  ASSERT_TRUE(reconciler->reconcile(std::string(kNs) + "/greeter").ok());
  ASSERT_EQ(routeCanaryWeight(), 25);

  // A new process: nothing in memory, only the Canary status. Within the interval it waits...
  ReconcilerDeps deps;
  deps.client = fake;
  deps.store = std::make_shared<ClientObjectStore>(fake);
  deps.clock = clock;
  deps.events = events;
  Reconciler restarted(std::move(deps));
  auto r = restarted.reconcile(std::string(kNs) + "/greeter");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(routeCanaryWeight(), 25);
  EXPECT_EQ(phase(), "Progressing");
  // ...and then carries on from 25, not from 0 and not past the next step.
  clock->advance(std::chrono::seconds(11));
  ASSERT_TRUE(restarted.reconcile(std::string(kNs) + "/greeter").ok());
  EXPECT_EQ(routeCanaryWeight(), 50);
  EXPECT_EQ(canaryStatus().value("canaryWeight", -1), 50);
}

TEST_F(ReconcilerTest, ARevisionChangeMidAnalysisRestartsAtOnceWithoutWaitingForTheInterval) {
  initialise();
  newRevision("greeter:v2");
  ASSERT_TRUE(tick().ok());
  markReady("greeter");
  ASSERT_TRUE(tick().ok());
  ASSERT_EQ(routeCanaryWeight(), 25);
  newRevision("greeter:v3");
  ASSERT_TRUE(reconciler->reconcile(std::string(kNs) + "/greeter").ok());  // no clock advance
  EXPECT_EQ(routeCanaryWeight(), 0);
  EXPECT_EQ(phase(), "Progressing");
  EXPECT_TRUE(hasEvent("Restarting analysis"));
}

TEST_F(ReconcilerTest, AStatusConflictIsRetriedOnTheFreshObject) {
  ASSERT_TRUE(fake->create(canaries(), kNs, grpcCanary()).ok());
  fake->failNextUpdates(1);  // the first reconcile's only update-like call is its status write
  auto r = tick();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(phase(), "Initializing");
}

TEST_F(ReconcilerTest, AnInvalidCanaryGetsAConditionAndAnEventAndNothingElseIsWritten) {
  Json canary = grpcCanary();
  canary["spec"]["analysis"]["stepWeight"] = 0;
  canary["spec"]["service"]["gatewayRefs"] = Json::array();
  ASSERT_TRUE(fake->create(canaries(), kNs, canary).ok());
  auto r = tick();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->requeueAfter.has_value());
  Json conditions = canaryStatus()["conditions"];
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_EQ(conditions[0]["type"], kValidatedCondition);
  EXPECT_EQ(conditions[0]["status"], "False");
  const std::string message = conditions[0]["message"];
  EXPECT_NE(message.find("spec.analysis.stepWeight"), std::string::npos) << message;
  EXPECT_NE(message.find("gatewayRefs"), std::string::npos) << message;
  ASSERT_EQ(events->entries().size(), 1u);
  EXPECT_EQ(events->entries()[0].type, kube::EventType::kWarning);
  EXPECT_EQ(events->entries()[0].reason, "InvalidSpec");
  EXPECT_TRUE(get(deployments(), "greeter-primary").is_null());
  EXPECT_TRUE(get(services(), "greeter").is_null());
  EXPECT_TRUE(get(grpcRoutes(), "greeter").is_null());

  // The same problem again: no second write, no second Event.
  int writes = fake->callCount(FakeKubeClient::Verb::kUpdateStatus);
  ASSERT_TRUE(tick().ok());
  EXPECT_EQ(fake->callCount(FakeKubeClient::Verb::kUpdateStatus), writes);
  EXPECT_EQ(events->entries().size(), 1u);
}

// A webhook without a URL and a metric that is neither builtin nor has a query used to fail at
// the first check and roll the canary back; now they stop the Canary before any workload moves.
TEST_F(ReconcilerTest, AnAnalysisThatWouldFailAtRunTimeIsRefusedBeforeAnythingIsWritten) {
  Json canary = grpcCanary();
  canary["spec"]["analysis"]["webhooks"] = Json::array({{{"name", "load-test"}}});
  canary["spec"]["analysis"]["metrics"] =
      Json::array({{{"name", "error-rate"}, {"thresholdRange", {{"max", 1}}}, {"interval", "1m"}}});
  ASSERT_TRUE(fake->create(canaries(), kNs, canary).ok());
  auto r = tick();
  ASSERT_TRUE(r.ok()) << r.status();
  Json conditions = canaryStatus()["conditions"];
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_EQ(conditions[0]["status"], "False");
  const std::string message = conditions[0]["message"];
  EXPECT_NE(message.find("spec.analysis.webhooks[0].url: required"), std::string::npos) << message;
  EXPECT_NE(message.find("spec.analysis.metrics[0].name"), std::string::npos) << message;
  EXPECT_TRUE(get(deployments(), "greeter-primary").is_null());
  EXPECT_TRUE(get(grpcRoutes(), "greeter").is_null());
}

TEST_F(ReconcilerTest, BreakingAnInitialisedCanaryLeavesTheRouteAsItWasAndFixingItClearsTheCondition) {
  initialise();
  newRevision("greeter:v2");
  ASSERT_TRUE(tick().ok());
  markReady("greeter");
  ASSERT_TRUE(tick().ok());
  ASSERT_EQ(routeCanaryWeight(), 25);
  Json route = get(grpcRoutes(), "greeter");

  Json canary = get(canaries(), "greeter");
  canary["spec"]["analysis"]["maxWeight"] = 150;
  ASSERT_TRUE(fake->update(canaries(), kNs, canary).ok());
  ASSERT_TRUE(tick().ok());
  EXPECT_EQ(get(grpcRoutes(), "greeter"), route);
  EXPECT_EQ(phase(), "Progressing");
  EXPECT_NE(canaryStatus()["conditions"].dump().find("maxWeight"), std::string::npos);

  canary = get(canaries(), "greeter");
  canary["spec"]["analysis"]["maxWeight"] = 50;
  ASSERT_TRUE(fake->update(canaries(), kNs, canary).ok());
  ASSERT_TRUE(tick().ok());
  EXPECT_EQ(routeCanaryWeight(), 50);
  EXPECT_EQ(canaryStatus()["conditions"].dump().find(kValidatedCondition), std::string::npos);
}

// An admission webhook on Deployments refusing the primary's update (the API server's 422, the
// same code as Pennant's own validation) is an error to retry, not an invalid Canary: the
// promotion goes on at the next reconcile.
TEST_F(ReconcilerTest, AnApiServer422DuringPromotionIsRetriedAndThePromotionGoesOn) {
  initialise();
  newRevision("greeter:v2");
  ASSERT_TRUE(tick().ok());
  markReady("greeter");
  ASSERT_TRUE(tick().ok());
  ASSERT_TRUE(tick().ok());
  ASSERT_EQ(routeCanaryWeight(), 50);

  fake->failNext(FakeKubeClient::Verb::kUpdate,
                 absl::InvalidArgumentError("admission webhook \"policy.example.com\" denied the request"));
  auto refused = tick();
  EXPECT_FALSE(refused.ok());  // returned to the work queue, which retries it with back-off
  EXPECT_EQ(image("greeter-primary"), "greeter:v1");
  EXPECT_EQ(canaryStatus().value("conditions", Json::array()).dump().find(kValidatedCondition), std::string::npos);
  EXPECT_TRUE(hasEvent("denied the request"));
  EXPECT_EQ(routeCanaryWeight(), 50);

  ASSERT_TRUE(tick().ok());
  EXPECT_EQ(phase(), "Promoting");
  EXPECT_EQ(image("greeter-primary"), "greeter:v2");
  markReady("greeter-primary");
  ASSERT_TRUE(tick().ok());
  ASSERT_TRUE(tick().ok());
  EXPECT_EQ(phase(), "Succeeded");
}

TEST_F(ReconcilerTest, ADeletedCanaryIsForgotten) {
  auto r = reconciler->reconcile(std::string(kNs) + "/missing");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->requeueAfter.has_value());
}

TEST_F(ReconcilerTest, AMissingTargetIsReportedAndRetriedAtTheInterval) {
  Json canary = grpcCanary();
  canary["spec"]["targetRef"]["name"] = "nope";
  ASSERT_TRUE(fake->create(canaries(), kNs, canary).ok());
  auto r = tick();
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->requeueAfter.has_value());
  EXPECT_EQ(r->requeueAfter->count(), 10);
  EXPECT_TRUE(hasEvent("nope.shop not found"));
  EXPECT_TRUE(get(deployments(), "nope-primary").is_null());
}

}  // namespace
}  // namespace pennant::controller::testing
