// Scenarios 4, 7 and 8 (docs/e2e.md): a GRPCRoute the user owns (spec.routeRef) keeps everything
// but the two weights byte for byte through a promotion; an edit during the analysis survives
// (on a referenced route all of it, on a managed route the foreign metadata, while drift is
// undone) and the analysis goes on; an invalid Canary gets a condition and an event and its route
// is never written.
#include "e2e/e2e_scenario.h"
#include "kube/errors.h"

namespace pennant::e2e {
namespace {

// The user's route: other rules, filters, per-backend filters, hostnames, labels, annotations.
Json userRoute() {
  Json parent = {{"name", "public-gw"}, {"namespace", "gateway-system"}, {"sectionName", "grpc"}};
  Json legacy = {
      {"name", "legacy"},
      {"matches", Json::array({{{"method", {{"service", "legacy.Greeter"}}}}})},
      {"filters",
       Json::array({{{"type", "RequestHeaderModifier"},
                     {"requestHeaderModifier", {{"set", Json::array({{{"name", "x-legacy"}, {"value", "1"}}})}}}}})},
      {"backendRefs", Json::array({{{"name", "legacy-greeter"}, {"port", 9090}}})}};
  Json greeter = {
      {"name", "greeter"},
      {"matches", Json::array({{{"method", {{"service", "helloworld.Greeter"}}}}})},
      {"filters",
       Json::array(
           {{{"type", "RequestHeaderModifier"},
             {"requestHeaderModifier", {{"add", Json::array({{{"name", "x-env"}, {"value", "prod"}}})}}}},
            {{"type", "ResponseHeaderModifier"}, {"responseHeaderModifier", {{"remove", Json::array({"x-debug"})}}}}})},
      {"backendRefs",
       Json::array(
           {{{"name", "greeter-primary"},
             {"port", 9090},
             {"weight", 100},
             {"filters", Json::array({{{"type", "RequestHeaderModifier"},
                                       {"requestHeaderModifier",
                                        {{"set", Json::array({{{"name", "x-track"}, {"value", "stable"}}})}}}}})}},
            {{"name", "greeter-canary"}, {"port", 9090}, {"weight", 0}}})}};
  Json debug = {{"matches", Json::array({{{"headers", Json::array({{{"name", "x-debug"}, {"value", "on"}}})}}})},
                {"backendRefs", Json::array({{{"name", "greeter-debug"}, {"port", 9090}}})}};
  return {
      {"apiVersion", "gateway.networking.k8s.io/v1"},
      {"kind", "GRPCRoute"},
      {"metadata",
       {{"name", "greeter"},
        {"labels", {{"app.kubernetes.io/managed-by", "argocd"}, {"team", "greeters"}}},
        {"annotations", {{"argocd.argoproj.io/tracking-id", "greeters:gateway.networking.k8s.io/GRPCRoute:greeter"}}}}},
      {"spec",
       {{"parentRefs", Json::array({parent})},
        {"hostnames", Json::array({"greeter.example.com", "grpc.example.com"})},
        {"rules", Json::array({legacy, greeter, debug})}}}};
}

Json routeRefCanary(const Json& analysis) {
  Json canary = grpcCanary("greeter", analysis);
  canary["spec"]["service"] = {{"port", 9090}, {"route", {{"kind", "GRPCRoute"}}}};
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

class RouteOwnership : public Scenario {};

TEST_F(RouteOwnership, UserGrpcRouteKeepsEverythingButWeightsThroughAPromotion) {
  recorder = std::make_unique<RouteRecorder>(admin, res::grpcRoutes(), ns, "greeter", "greeter");
  auto created = createSoon(*admin, res::grpcRoutes(), ns, userRoute());
  ASSERT_TRUE(created.ok()) << created.status();
  follow(res::grpcRoutes(), "greeter", true, {greeterCall()});
  Json analysis = {{"interval", "10s"}, {"threshold", 2}, {"stepWeights", {25, 50}}, {"metrics", grpcChecks()}};
  ASSERT_NO_FATAL_FAILURE(deployAndInitialise(routeRefCanary(analysis)));
  ASSERT_TRUE(setImage(*admin, ns, "greeter", "example.com/greeter:2").ok());
  ASSERT_EQ(waitForPhase({"Succeeded", "Failed"}, 240s), "Succeeded")
      << "phases: " << join(phasesSeen, " ") << "; route: " << recorder->joined();
  EXPECT_EQ(recorder->sequence(),
            (std::vector<std::string>{"greeter=100/0", "greeter=75/25", "greeter=50/50", "greeter=100/0"}))
      << recorder->joined();

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
  EXPECT_EQ(imageOf(*admin, ns, "greeter-primary"), "example.com/greeter:2");
  // The canary took traffic through the user's rule while it was shifted.
  EXPECT_GT(follower->routed("greeter-canary", 0), 0);
}

TEST_F(RouteOwnership, UserEditDuringTheAnalysisSurvivesAndTheAnalysisContinues) {
  recorder = std::make_unique<RouteRecorder>(admin, res::grpcRoutes(), ns, "greeter", "greeter");
  E2E_ASSERT_OK(createSoon(*admin, res::grpcRoutes(), ns, userRoute()));
  follow(res::grpcRoutes(), "greeter", true, {greeterCall()});
  Json analysis = {{"interval", "10s"}, {"threshold", 2}, {"stepWeights", {20, 40, 60}}, {"metrics", grpcChecks()}};
  ASSERT_NO_FATAL_FAILURE(deployAndInitialise(routeRefCanary(analysis)));
  ASSERT_TRUE(setImage(*admin, ns, "greeter", "example.com/greeter:2").ok());
  ASSERT_TRUE(testbed::eventually(
      [&] {
        auto seq = recorder->sequence();
        return !seq.empty() && seq.back() == "greeter=80/20";
      },
      120s))
      << recorder->joined();

  // GitOps applies a change: a new hostname, an annotation, a new rule. Read-modify-write, so the
  // weights the controller set stay as they are; a conflict with the controller's write retries.
  Json newRule = {{"name", "farewell"},
                  {"matches", Json::array({{{"method", {{"service", "farewell.Greeter"}}}}})},
                  {"backendRefs", Json::array({{{"name", "farewell"}, {"port", 9090}}})}};
  bool edited = false;
  for (int attempt = 0; attempt < 10 && !edited; ++attempt) {
    auto route = admin->get(res::grpcRoutes(), ns, "greeter");
    ASSERT_TRUE(route.ok());
    (*route)["spec"]["hostnames"].push_back("greeter.example.org");
    (*route)["metadata"]["annotations"]["edited-by"] = "someone";
    (*route)["spec"]["rules"].push_back(newRule);
    edited = admin->update(res::grpcRoutes(), ns, *route).ok();
  }
  ASSERT_TRUE(edited);

  ASSERT_EQ(waitForPhase({"Succeeded", "Failed"}, 240s), "Succeeded")
      << "phases: " << join(phasesSeen, " ") << "; route: " << recorder->joined();
  EXPECT_EQ(recorder->sequence(), (std::vector<std::string>{"greeter=100/0", "greeter=80/20", "greeter=60/40",
                                                            "greeter=40/60", "greeter=100/0"}))
      << recorder->joined();
  auto last = admin->get(res::grpcRoutes(), ns, "greeter");
  ASSERT_TRUE(last.ok());
  const Json& hosts = (*last)["spec"]["hostnames"];
  EXPECT_NE(std::find(hosts.begin(), hosts.end(), Json("greeter.example.org")), hosts.end()) << hosts.dump();
  EXPECT_EQ(stringAt(*last, {"metadata", "annotations", "edited-by"}), "someone");
  bool ruleKept = false;
  for (const auto& rule : (*last)["spec"]["rules"]) ruleKept = ruleKept || rule.value("name", "") == "farewell";
  EXPECT_TRUE(ruleKept) << (*last)["spec"].dump(2);
  EXPECT_EQ(imageOf(*admin, ns, "greeter-primary"), "example.com/greeter:2");
}

TEST_F(RouteOwnership, ManagedRouteEditKeepsForeignMetadataAndDriftIsUndoneWithoutResettingWeights) {
  recorder = std::make_unique<RouteRecorder>(admin, res::grpcRoutes(), ns, "greeter", "greeter");
  follow(res::grpcRoutes(), "greeter", true, {greeterCall()});
  Json analysis = {{"interval", "10s"}, {"threshold", 2}, {"stepWeights", {20, 40, 60}}, {"metrics", grpcChecks()}};
  Json canary = grpcCanary("greeter", analysis);
  canary["spec"]["service"]["hosts"] = Json::array({"greeter.example.com"});
  ASSERT_NO_FATAL_FAILURE(deployAndInitialise(canary));
  ASSERT_TRUE(setImage(*admin, ns, "greeter", "example.com/greeter:2").ok());
  ASSERT_TRUE(testbed::eventually(
      [&] {
        auto seq = recorder->sequence();
        return !seq.empty() && seq.back() == "80/20";
      },
      120s))
      << recorder->joined();

  // Someone edits the route Pennant owns: a label and an annotation of their own (they stay) and
  // a hostname (drift from the Canary: undone, at the current weights).
  bool edited = false;
  for (int attempt = 0; attempt < 10 && !edited; ++attempt) {
    auto route = admin->get(res::grpcRoutes(), ns, "greeter");
    ASSERT_TRUE(route.ok());
    (*route)["metadata"]["labels"]["cost-center"] = "42";
    (*route)["metadata"]["annotations"]["edited-by"] = "someone";
    (*route)["spec"]["hostnames"].push_back("sneaky.example.com");
    edited = admin->update(res::grpcRoutes(), ns, *route).ok();
  }
  ASSERT_TRUE(edited);
  ASSERT_TRUE(testbed::eventually(
      [&] {
        auto route = admin->get(res::grpcRoutes(), ns, "greeter");
        return route.ok() && (*route)["spec"]["hostnames"] == Json::array({"greeter.example.com"});
      },
      60s))
      << "the hostname drift was not undone";

  ASSERT_EQ(waitForPhase({"Succeeded", "Failed"}, 240s), "Succeeded")
      << "phases: " << join(phasesSeen, " ") << "; route: " << recorder->joined();
  EXPECT_EQ(recorder->sequence(), (std::vector<std::string>{"100/0", "80/20", "60/40", "40/60", "100/0"}))
      << recorder->joined();
  auto last = admin->get(res::grpcRoutes(), ns, "greeter");
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(stringAt(*last, {"metadata", "labels", "cost-center"}), "42");
  EXPECT_EQ(stringAt(*last, {"metadata", "annotations", "edited-by"}), "someone");
  EXPECT_EQ((*last)["spec"]["hostnames"], Json::array({"greeter.example.com"}));
}

TEST_F(RouteOwnership, InvalidCanaryGetsAConditionAndAnEventAndTheRouteIsUntouched) {
  // The user's route sends to greeter-primary only: no rule lists both backends.
  Json route = userRoute();
  auto& refs = route["spec"]["rules"][1]["backendRefs"];
  refs.erase(1);
  auto created = createSoon(*admin, res::grpcRoutes(), ns, route);
  ASSERT_TRUE(created.ok()) << created.status();
  E2E_ASSERT_OK(createSoon(*admin, res::deployments(), ns, deployment("greeter", "example.com/greeter:1")));
  Json analysis = {{"interval", "10s"}, {"threshold", 2}, {"stepWeight", 50}, {"metrics", grpcChecks()}};
  canaryName = "greeter";
  E2E_ASSERT_OK(createSoon(*admin, res::canaries(), ns, routeRefCanary(analysis)));

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

  // Two analysis intervals later the route has never been written, the Canary has not got past
  // initialisation, and no workload was touched: the route is checked before anything is created,
  // so there is no greeter-primary and the target still runs its replica.
  std::this_thread::sleep_for(25s);
  auto after = admin->get(res::grpcRoutes(), ns, "greeter");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*after)["metadata"]["resourceVersion"], (*created)["metadata"]["resourceVersion"]);
  EXPECT_EQ((*after)["spec"].dump(), (*created)["spec"].dump());
  const std::string phase = phaseOf(*admin, ns, "greeter");
  EXPECT_TRUE(phase.empty() || phase == "Initializing") << phase;
  EXPECT_TRUE(kube::isNotFound(admin->get(res::deployments(), ns, "greeter-primary").status()));
  EXPECT_TRUE(kube::isNotFound(admin->get(res::services(), ns, "greeter-primary").status()));
  EXPECT_GT(replicasOf(*admin, ns, "greeter"), 0) << "the target was scaled down";
}

}  // namespace
}  // namespace pennant::e2e
