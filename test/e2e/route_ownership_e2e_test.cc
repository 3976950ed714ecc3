// Scenarios 4, 7b and the ownership rules (docs/e2e.md), on real traffic through Traefik: a
// GRPCRoute the user owns (spec.routeRef) keeps everything but the two weights byte for byte
// through a promotion, and the traffic of its other rules never changes; an edit during the
// analysis survives (on a referenced route all of it, on a managed route the foreign metadata,
// while drift is undone) and the analysis goes on; an invalid Canary gets a condition and an
// event and its route is never written.
#include "e2e/e2e_scenario.h"
#include "kube/errors.h"

namespace pennant::e2e {
namespace {

// The user's route: rules of their own with real backends (the `farewell` greeters), filters,
// per-backend filters, hostnames, labels, annotations. Only RequestHeaderModifier filters: Traefik
// answers every call of a GRPCRoute rule with another filter type UNAVAILABLE (docs/grpc-canary.md).
Json userRoute(const std::string& host) {
  Json parent = {{"name", "public-gw"}, {"namespace", "gateway-system"}, {"sectionName", "web"}};
  auto setHeader = [](const std::string& name, const std::string& value) {
    return Json{{"type", "RequestHeaderModifier"},
                {"requestHeaderModifier", {{"set", Json::array({{{"name", name}, {"value", value}}})}}}};
  };
  Json farewell = {{"name", "farewell"},
                   {"matches", Json::array({{{"method", {{"service", "helloworld.Farewell"}}}}})},
                   {"filters", Json::array({setHeader("x-legacy", "1")})},
                   {"backendRefs", Json::array({{{"name", "farewell"}, {"port", kGrpcPort}}})}};
  Json greeter = {{"name", "greeter"},
                  {"matches", Json::array({{{"method", {{"service", "helloworld.Greeter"}}}}})},
                  {"filters", Json::array({setHeader("x-env", "prod")})},
                  {"backendRefs", Json::array({{{"name", "greeter-primary"},
                                                {"port", kGrpcPort},
                                                {"weight", 100},
                                                {"filters", Json::array({setHeader("x-track", "stable")})}},
                                               {{"name", "greeter-canary"}, {"port", kGrpcPort}, {"weight", 0}}})}};
  // More specific than "greeter" (a method as well as the service): wins for SayHello with x-debug.
  Json debug = {{"name", "debug"},
                {"matches", Json::array({{{"method", {{"service", "helloworld.Greeter"}, {"method", "SayHello"}}},
                                          {"headers", Json::array({{{"name", "x-debug"}, {"value", "on"}}})}}})},
                {"backendRefs", Json::array({{{"name", "farewell"}, {"port", kGrpcPort}}})}};
  return {
      {"apiVersion", "gateway.networking.k8s.io/v1"},
      {"kind", "GRPCRoute"},
      {"metadata",
       {{"name", "greeter"},
        {"labels", {{"app.kubernetes.io/managed-by", "argocd"}, {"team", "greeters"}}},
        {"annotations", {{"argocd.argoproj.io/tracking-id", "greeters:gateway.networking.k8s.io/GRPCRoute:greeter"}}}}},
      {"spec",
       {{"parentRefs", Json::array({parent})},
        {"hostnames", Json::array({host, "grpc." + host})},
        {"rules", Json::array({farewell, greeter, debug})}}}};
}

Json routeRefCanary(const std::string& host, const Json& analysis) {
  Json canary = grpcCanary("greeter", host, analysis);
  canary["spec"]["service"] = {{"port", kGrpcPort},
                               {"portName", "grpc"},
                               {"appProtocol", "kubernetes.io/h2c"},
                               {"route", {{"kind", "GRPCRoute"}}}};
  canary["spec"]["routeRef"] = {
      {"apiVersion", "gateway.networking.k8s.io/v1"}, {"kind", "GRPCRoute"}, {"name", "greeter"}};
  return canary;
}

// `route` with the two weights Pennant owns (rule "greeter") put back to 100/0.
Json withUserWeights(Json route) {
  for (auto& rule : route["spec"]["rules"]) {
    if (rule.value("name", "") != "greeter") continue;
    for (auto& ref : rule["backendRefs"]) {
      if (ref["name"] == "greeter-primary") ref["weight"] = 100;
      if (ref["name"] == "greeter-canary") ref["weight"] = 0;
    }
  }
  return route;
}

class RouteOwnership : public Scenario {
 protected:
  // The user's other backend: Deployment and Service `farewell`, version "farewell".
  void deployFarewell() {
    E2E_ASSERT_OK(testbed::createSoon(*admin, res::deployments(), ns, greeterDeployment("farewell", "farewell")));
    E2E_ASSERT_OK(testbed::createSoon(*admin, res::services(), ns, greeterService("farewell", "farewell")));
  }
};

TEST_F(RouteOwnership, UserGrpcRouteKeepsEverythingButWeightsThroughAPromotion) {
  recorder = std::make_unique<RouteRecorder>(admin, res::grpcRoutes(), ns, "greeter", "greeter");
  ASSERT_NO_FATAL_FAILURE(deployFarewell());
  auto created = testbed::createSoon(*admin, res::grpcRoutes(), ns, userRoute(host()));
  ASSERT_TRUE(created.ok()) << created.status();
  Json analysis = {{"interval", "10s"}, {"threshold", 2}, {"stepWeights", {25, 50}}, {"metrics", grpcChecks()}};
  ASSERT_NO_FATAL_FAILURE(deployAndInitialise(routeRefCanary(host(), analysis)));
  // 0: the rule Pennant shifts; 1 and 2: the user's own rules, which must never change.
  ASSERT_NO_FATAL_FAILURE(startTraffic({grpcCall("Greeter/SayHello"), grpcCall("Farewell/Wave", {}, 10),
                                        grpcCall("Greeter/SayHello", {{"x-debug", "on"}}, 10)}));
  E2E_ASSERT_OK(release(*admin, ns, "greeter", "v2"));
  ASSERT_EQ(waitForPhase({"Succeeded", "Failed"}, 240s), "Succeeded")
      << "phases: " << join(phasesSeen, " ") << "; route: " << recorder->joined();
  traffic->stop();
  EXPECT_EQ(recorder->sequence(),
            (std::vector<std::string>{"greeter=100/0", "greeter=75/25", "greeter=50/50", "greeter=100/0"}))
      << recorder->joined();
  ASSERT_NO_FATAL_FAILURE(expectSharesFollowWeights(0, "greeter", "greeter"));
  // The traffic of the rules Pennant does not own went to the user's backend, all of it, all along.
  for (size_t i = 1; i < 3; ++i) {
    Split s = splitOf(traffic->calls(i), Clock::time_point::min(), Clock::time_point::max(), "greeter");
    std::cout << traffic->classes()[i].name << (i == 2 ? " (x-debug)" : "") << ": " << s.text() << "\n";
    EXPECT_GT(s.calls, 0);
    EXPECT_EQ(s.byVersion["farewell"], s.calls) << s.text();
    EXPECT_EQ(s.failed, 0) << s.text();
  }

  // Every version of the route the API server ever held differs from the user's only in the two
  // weights: spec, labels and annotations compared as serialised bytes.
  const std::string userSpec = (*created)["spec"].dump();
  const Json& meta = (*created)["metadata"];
  auto objects = recorder->objects();
  ASSERT_GE(objects.size(), 4u);
  for (const auto& seen : objects) {
    EXPECT_EQ(withUserWeights(seen)["spec"].dump(), userSpec) << "route changed beyond the weights:\n" << seen.dump(2);
    EXPECT_EQ(seen["metadata"]["labels"].dump(), meta["labels"].dump());
    EXPECT_EQ(seen["metadata"]["annotations"].dump(), meta["annotations"].dump());
    EXPECT_FALSE(seen["metadata"].contains("ownerReferences")) << "Pennant took ownership of the user's route";
  }
  auto last = admin->get(res::grpcRoutes(), ns, "greeter");
  ASSERT_TRUE(last.ok());
  EXPECT_EQ((*last)["spec"].dump(), userSpec) << "the route does not end as the user wrote it";
  EXPECT_EQ(imageOf(*admin, ns, "greeter-primary"), "example.com/greeter:v2");
}

TEST_F(RouteOwnership, UserEditDuringTheAnalysisSurvivesAndTheAnalysisContinues) {
  recorder = std::make_unique<RouteRecorder>(admin, res::grpcRoutes(), ns, "greeter", "greeter");
  ASSERT_NO_FATAL_FAILURE(deployFarewell());
  E2E_ASSERT_OK(testbed::createSoon(*admin, res::grpcRoutes(), ns, userRoute(host())));
  Json analysis = {{"interval", "10s"}, {"threshold", 2}, {"stepWeights", {20, 40, 60}}, {"metrics", grpcChecks()}};
  ASSERT_NO_FATAL_FAILURE(deployAndInitialise(routeRefCanary(host(), analysis)));
  ASSERT_NO_FATAL_FAILURE(startTraffic({grpcCall("Greeter/SayHello")}));
  E2E_ASSERT_OK(release(*admin, ns, "greeter", "v2"));
  ASSERT_TRUE(waitForWeights("greeter=80/20", 120s)) << recorder->joined();

  // GitOps applies a change: a new hostname, an annotation, a new rule. Read-modify-write, so the
  // weights the controller set stay as they are; a conflict with the controller's write retries.
  Json newRule = {
      {"name", "wave"},
      {"matches", Json::array({{{"method", {{"service", "helloworld.Farewell"}, {"method", "WaveMany"}}}}})},
      {"backendRefs", Json::array({{{"name", "farewell"}, {"port", kGrpcPort}}})}};
  bool edited = false;
  for (int attempt = 0; attempt < 10 && !edited; ++attempt) {
    auto route = admin->get(res::grpcRoutes(), ns, "greeter");
    ASSERT_TRUE(route.ok());
    (*route)["spec"]["hostnames"].push_back("edited." + host());
    (*route)["metadata"]["annotations"]["edited-by"] = "someone";
    (*route)["spec"]["rules"].push_back(newRule);
    edited = admin->update(res::grpcRoutes(), ns, *route).ok();
  }
  ASSERT_TRUE(edited);

  ASSERT_EQ(waitForPhase({"Succeeded", "Failed"}, 240s), "Succeeded")
      << "phases: " << join(phasesSeen, " ") << "; route: " << recorder->joined();
  traffic->stop();
  EXPECT_EQ(recorder->sequence(), (std::vector<std::string>{"greeter=100/0", "greeter=80/20", "greeter=60/40",
                                                            "greeter=40/60", "greeter=100/0"}))
      << recorder->joined();
  // Through the edit, every call went where the route said at that moment; none failed.
  ASSERT_NO_FATAL_FAILURE(expectSharesFollowWeights(0, "greeter", "greeter"));
  Split all = splitOf(traffic->calls(0), Clock::time_point::min(), Clock::time_point::max(), "greeter");
  EXPECT_EQ(all.failed, 0) << all.text();
  auto last = admin->get(res::grpcRoutes(), ns, "greeter");
  ASSERT_TRUE(last.ok());
  const Json& hosts = (*last)["spec"]["hostnames"];
  EXPECT_NE(std::find(hosts.begin(), hosts.end(), Json("edited." + host())), hosts.end()) << hosts.dump();
  EXPECT_EQ(stringAt(*last, {"metadata", "annotations", "edited-by"}), "someone");
  bool ruleKept = false;
  for (const auto& rule : (*last)["spec"]["rules"]) ruleKept = ruleKept || rule.value("name", "") == "wave";
  EXPECT_TRUE(ruleKept) << (*last)["spec"].dump(2);
  EXPECT_EQ(imageOf(*admin, ns, "greeter-primary"), "example.com/greeter:v2");
}

TEST_F(RouteOwnership, ManagedRouteEditKeepsForeignMetadataAndDriftIsUndoneWithoutResettingWeights) {
  recorder = std::make_unique<RouteRecorder>(admin, res::grpcRoutes(), ns, "greeter", "greeter");
  Json analysis = {{"interval", "10s"}, {"threshold", 2}, {"stepWeights", {20, 40, 60}}, {"metrics", grpcChecks()}};
  ASSERT_NO_FATAL_FAILURE(deployAndInitialise(grpcCanary("greeter", host(), analysis)));
  ASSERT_NO_FATAL_FAILURE(startTraffic({grpcCall("Greeter/SayHello")}));
  E2E_ASSERT_OK(release(*admin, ns, "greeter", "v2"));
  ASSERT_TRUE(waitForWeights("80/20", 120s)) << recorder->joined();

  // Someone edits the route Pennant owns: a label and an annotation of their own (they stay) and
  // a hostname (drift from the Canary: undone, at the current weights).
  bool edited = false;
  for (int attempt = 0; attempt < 10 && !edited; ++attempt) {
    auto route = admin->get(res::grpcRoutes(), ns, "greeter");
    ASSERT_TRUE(route.ok());
    (*route)["metadata"]["labels"]["cost-center"] = "42";
    (*route)["metadata"]["annotations"]["edited-by"] = "someone";
    (*route)["spec"]["hostnames"].push_back("sneaky." + host());
    edited = admin->update(res::grpcRoutes(), ns, *route).ok();
  }
  ASSERT_TRUE(edited);
  ASSERT_TRUE(testbed::eventually(
      [&] {
        auto route = admin->get(res::grpcRoutes(), ns, "greeter");
        return route.ok() && (*route)["spec"]["hostnames"] == Json::array({host()});
      },
      60s))
      << "the hostname drift was not undone";

  ASSERT_EQ(waitForPhase({"Succeeded", "Failed"}, 240s), "Succeeded")
      << "phases: " << join(phasesSeen, " ") << "; route: " << recorder->joined();
  traffic->stop();
  EXPECT_EQ(recorder->sequence(), (std::vector<std::string>{"100/0", "80/20", "60/40", "40/60", "100/0"}))
      << recorder->joined();
  ASSERT_NO_FATAL_FAILURE(expectSharesFollowWeights(0, "", "greeter"));
  auto last = admin->get(res::grpcRoutes(), ns, "greeter");
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(stringAt(*last, {"metadata", "labels", "cost-center"}), "42");
  EXPECT_EQ(stringAt(*last, {"metadata", "annotations", "edited-by"}), "someone");
  EXPECT_EQ((*last)["spec"]["hostnames"], Json::array({host()}));
}

TEST_F(RouteOwnership, InvalidCanaryGetsAConditionAndAnEventAndTheRouteIsUntouched) {
  // The user's route sends to greeter-primary only: no rule lists both backends.
  Json route = userRoute(host());
  auto& refs = route["spec"]["rules"][1]["backendRefs"];
  refs.erase(1);
  auto created = testbed::createSoon(*admin, res::grpcRoutes(), ns, route);
  ASSERT_TRUE(created.ok()) << created.status();
  E2E_ASSERT_OK(testbed::createSoon(*admin, res::deployments(), ns, greeterDeployment("greeter", "v1")));
  Json analysis = {{"interval", "10s"}, {"threshold", 2}, {"stepWeight", 50}, {"metrics", grpcChecks()}};
  canaryName = "greeter";
  E2E_ASSERT_OK(testbed::createSoon(*admin, res::canaries(), ns, routeRefCanary(host(), analysis)));

  std::string message;
  ASSERT_TRUE(testbed::eventually(
      [&] {
        auto c = admin->get(res::canaries(), ns, "greeter");
        if (!c.ok()) return false;
        const Json* conditions = findPath(*c, {"status", "conditions"});
        if (!conditions || !conditions->is_array()) return false;
        for (const auto& cond : *conditions) {
          if (cond.value("type", "") == "Validated" && cond.value("status", "") == "False") {
            message = cond.value("message", "");
            return true;
          }
        }
        return false;
      },
      90s));
  EXPECT_NE(message.find("spec.routeRef"), std::string::npos) << message;
  EXPECT_NE(message.find("greeter-canary"), std::string::npos) << message;
  // The route's content is checked before initialisation writes anything; the Event's reason is
  // InvalidRoute (InvalidSpec is for problems in the Canary alone).
  std::string event;
  EXPECT_TRUE(testbed::eventually(
      [&] {
        for (const auto& e : eventsOf(*admin, ns, "greeter")) {
          if (e.rfind("Warning/InvalidRoute: ", 0) == 0) event = e;
        }
        return !event.empty();
      },
      30s))
      << join(eventsOf(*admin, ns, "greeter"), "\n");
  EXPECT_NE(event.find("spec.routeRef"), std::string::npos) << event;
  EXPECT_NE(event.find("greeter-canary"), std::string::npos) << event;

  // Two analysis intervals later the route's spec has never been written (its generation is the
  // user's; Traefik's status writes change only the resourceVersion), the Canary has not got past
  // initialisation, and no workload was touched: the route is checked before anything is created,
  // so there is no greeter-primary and the target still runs its replica. (The wait is what the
  // assertion is about: nothing may happen in it.)
  const auto deadline = std::chrono::steady_clock::now() + 25s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto now = admin->get(res::grpcRoutes(), ns, "greeter");
    ASSERT_TRUE(now.ok());
    ASSERT_EQ((*now)["metadata"]["generation"], (*created)["metadata"]["generation"]);
    std::this_thread::sleep_for(1s);
  }
  auto after = admin->get(res::grpcRoutes(), ns, "greeter");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*after)["spec"].dump(), (*created)["spec"].dump());
  const std::string phase = testbed::phaseOf(*admin, ns, "greeter");
  EXPECT_TRUE(phase.empty() || phase == "Initializing") << phase;
  EXPECT_TRUE(kube::isNotFound(admin->get(res::deployments(), ns, "greeter-primary").status()));
  EXPECT_TRUE(kube::isNotFound(admin->get(res::services(), ns, "greeter-primary").status()));
  EXPECT_GT(testbed::replicasOf(*admin, ns, "greeter"), 0) << "the target was scaled down";
}

}  // namespace
}  // namespace pennant::e2e
