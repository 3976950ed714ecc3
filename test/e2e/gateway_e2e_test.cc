// Scenario 6 (docs/e2e.md): the Accepted gate on the status Traefik writes. Pennant advances
// only once the gateway has accepted the route's current generation, and a route the gateway
// rejects holds the weight, with the reason on the Canary.
#include <signal.h>

#include "e2e/e2e_scenario.h"

namespace pennant::e2e {
namespace {

// The first parent's condition of `type` in a route's status ({} when there is none).
Json parentCondition(const Json& route, const std::string& type) {
  const Json* parents = findPath(route, {"status", "parents"});
  if (!parents || !parents->is_array() || parents->empty()) return Json::object();
  for (const auto& c : (*parents)[0].value("conditions", Json::array())) {
    if (c.value("type", "") == type) return c;
  }
  return Json::object();
}

class Gateway : public Scenario {
 protected:
  bool hasEvent(const std::string& text) {
    for (const auto& e : eventsOf(*admin, ns, canaryName)) {
      if (e.find(text) != std::string::npos) return true;
    }
    return false;
  }
};

// Runs alone (RUN_SERIAL): it stops the shared Traefik for a while.
TEST_F(Gateway, AdvancesOnlyOnceTheGatewayAcceptsTheRoutesGeneration) {
  auto pidText = fixtureValue("TRAEFIK_PID");
  ASSERT_TRUE(pidText.ok()) << pidText.status();
  const pid_t traefik = std::stoi(*pidText);
  recorder = std::make_unique<RouteRecorder>(admin, res::grpcRoutes(), ns, "greeter", "greeter");
  // No metric checks: while Traefik is stopped no call gets through.
  Json analysis = {{"interval", "10s"}, {"threshold", 2}, {"stepWeights", {20, 40, 60}}};
  ASSERT_NO_FATAL_FAILURE(deployAndInitialise(grpcCanary("greeter", host(), analysis)));
  E2E_ASSERT_OK(release(*admin, ns, "greeter", "v2"));
  ASSERT_TRUE(waitForWeights("80/20", 120s)) << recorder->joined();

  // The gateway stops reconciling: the next step's write (generation N+1) is never accepted.
  ASSERT_EQ(kill(traefik, SIGSTOP), 0);
  bool held = testbed::eventually(
      [&] { return recorder->sequence().back() == "60/40" && hasEvent("the route is at generation"); }, 60s);
  // Two more intervals: no step beyond the one the gateway has not accepted.
  std::this_thread::sleep_for(20s);
  const auto whileStopped = recorder->sequence();
  ASSERT_EQ(kill(traefik, SIGCONT), 0);
  ASSERT_TRUE(held) << recorder->joined() << "\n" << join(eventsOf(*admin, ns, canaryName), "\n");
  EXPECT_EQ(whileStopped.back(), "60/40") << recorder->joined();

  // Traefik catches up, accepts the generation, and the analysis goes on from where it was.
  ASSERT_EQ(waitForPhase({"Succeeded", "Failed"}, 240s), "Succeeded")
      << "phases: " << join(phasesSeen, " ") << "; route: " << recorder->joined();
  EXPECT_EQ(recorder->sequence(), (std::vector<std::string>{"100/0", "80/20", "60/40", "40/60", "100/0"}))
      << recorder->joined();
  // The status Traefik wrote names the route's last generation.
  auto route = admin->get(res::grpcRoutes(), ns, "greeter");
  ASSERT_TRUE(route.ok());
  EXPECT_EQ(parentCondition(*route, "Accepted").value("observedGeneration", int64_t{-1}),
            (*route)["metadata"].value("generation", int64_t{0}))
      << (*route)["status"].dump();
}

TEST_F(Gateway, RouteTheGatewayRejectsHoldsTheWeightAndSaysWhy) {
  recorder = std::make_unique<RouteRecorder>(admin, res::grpcRoutes(), ns, "greeter", "greeter");
  Json analysis = {{"interval", "10s"}, {"threshold", 2}, {"stepWeight", 50}};
  Json canary = grpcCanary("greeter", host(), analysis);
  // restricted-gw admits routes from its own namespace only.
  canary["spec"]["service"]["gatewayRefs"] =
      Json::array({{{"name", "restricted-gw"}, {"namespace", "gateway-system"}}});
  ASSERT_NO_FATAL_FAILURE(deployAndInitialise(canary));
  ASSERT_TRUE(testbed::eventually(
      [&] {
        auto r = admin->get(res::grpcRoutes(), ns, "greeter");
        return r.ok() && parentCondition(*r, "Accepted").value("status", "") == "False";
      },
      60s));
  auto route = admin->get(res::grpcRoutes(), ns, "greeter");
  ASSERT_TRUE(route.ok());
  std::cout << "Traefik's status: " << parentCondition(*route, "Accepted").dump() << "\n";

  E2E_ASSERT_OK(release(*admin, ns, "greeter", "v2"));
  ASSERT_TRUE(testbed::eventually([&] { return hasEvent("has not accepted the route (Accepted=False"); }, 60s))
      << join(eventsOf(*admin, ns, canaryName), "\n");
  std::this_thread::sleep_for(20s);  // two intervals: the weight must still not move
  EXPECT_EQ(recorder->sequence(), (std::vector<std::string>{"100/0"})) << recorder->joined();
  const std::string phase = testbed::phaseOf(*admin, ns, "greeter");
  EXPECT_TRUE(phase == "Initialized") << phase;
  EXPECT_TRUE(hasEvent("NotAllowedByListeners")) << join(eventsOf(*admin, ns, canaryName), "\n");
}

}  // namespace
}  // namespace pennant::e2e
