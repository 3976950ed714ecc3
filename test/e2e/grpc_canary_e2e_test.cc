// Scenarios 1-3 (docs/e2e.md): a GRPCRoute canary promoted step by step, rolled back when the
// canary's UNAVAILABLE rate rises, and an A/B test on a header limited to one gRPC method.
#include "e2e/e2e_scenario.h"

namespace pennant::e2e {
namespace {

class GrpcCanary : public Scenario {};

TEST_F(GrpcCanary, PromotedStepByStep) {
  recorder = std::make_unique<RouteRecorder>(admin, res::grpcRoutes(), ns, "greeter", "greeter");
  follow(res::grpcRoutes(), "greeter", true, {greeterCall()});
  Json analysis = {{"interval", "10s"}, {"threshold", 2}, {"stepWeights", {10, 30, 60}}, {"metrics", grpcChecks()}};
  ASSERT_NO_FATAL_FAILURE(deployAndInitialise(grpcCanary("greeter", analysis)));

  ASSERT_TRUE(setImage(*admin, ns, "greeter", "example.com/greeter:2").ok());
  ASSERT_EQ(waitForPhase({"Succeeded", "Failed"}, 240s), "Succeeded")
      << "phases: " << join(phasesSeen, " ") << "; route: " << recorder->joined();
  EXPECT_TRUE(sawPhase("Progressing")) << join(phasesSeen, " ");
  EXPECT_EQ(recorder->sequence(), (std::vector<std::string>{"100/0", "90/10", "70/30", "40/60", "100/0"}))
      << recorder->joined();
  // The primary runs the new version; the canary is scaled to zero.
  EXPECT_EQ(imageOf(*admin, ns, "greeter-primary"), "example.com/greeter:2");
  EXPECT_TRUE(testbed::eventually([&] { return replicasOf(*admin, ns, "greeter") == 0; }, 30s));
  // The canary took real traffic through the route, and takes none now.
  EXPECT_GT(follower->routed("greeter-canary", 0), 0);
  int64_t atEnd = follower->routed("greeter-canary", 0);
  int64_t ticks = follower->ticks();
  ASSERT_TRUE(testbed::eventually([&] { return follower->ticks() >= ticks + 3; }, 30s));
  EXPECT_EQ(follower->routed("greeter-canary", 0), atEnd);
  EXPECT_EQ(follower->lastError(), "");
  // The builtin checks were evaluated by Prometheus (not skipped): the controller's last values.
  const std::string scrape = controller->scrapeMetrics();
  EXPECT_EQ(metricAnalysisValue(scrape, "grpc-success-rate"), 100) << scrape;
  const double p99 = metricAnalysisValue(scrape, "grpc-request-duration");  // ms; every call took 20 ms
  EXPECT_TRUE(p99 > 10 && p99 <= 25) << p99;
}

TEST_F(GrpcCanary, RolledBackWhenUnavailableRises) {
  recorder = std::make_unique<RouteRecorder>(admin, res::grpcRoutes(), ns, "greeter", "greeter");
  follow(res::grpcRoutes(), "greeter", true, {greeterCall()});
  Json analysis = {
      {"interval", "10s"}, {"threshold", 2}, {"stepWeight", 20}, {"maxWeight", 80}, {"metrics", grpcChecks()}};
  ASSERT_NO_FATAL_FAILURE(deployAndInitialise(grpcCanary("greeter", analysis)));

  ASSERT_TRUE(setImage(*admin, ns, "greeter", "example.com/greeter:2").ok());
  // Healthy up to 40%; then the canary starts answering 30% of calls with UNAVAILABLE.
  ASSERT_TRUE(testbed::eventually(
      [&] {
        auto seq = recorder->sequence();
        return !seq.empty() && seq.back() == "60/40";
      },
      120s))
      << recorder->joined();
  follower->setProfile("greeter-canary", {0.3, 0.02});

  ASSERT_EQ(waitForPhase({"Succeeded", "Failed"}, 180s), "Failed")
      << "phases: " << join(phasesSeen, " ") << "; route: " << recorder->joined();
  // Never beyond 40%: two failed checks (threshold 2) hold the weight, then everything is back
  // on the primary.
  EXPECT_EQ(recorder->sequence(), (std::vector<std::string>{"100/0", "80/20", "60/40", "100/0"})) << recorder->joined();
  EXPECT_EQ(imageOf(*admin, ns, "greeter-primary"), "example.com/greeter:1");
  EXPECT_TRUE(testbed::eventually([&] { return replicasOf(*admin, ns, "greeter") == 0; }, 30s));
  int64_t atEnd = follower->routed("greeter-canary", 0);
  int64_t ticks = follower->ticks();
  ASSERT_TRUE(testbed::eventually([&] { return follower->ticks() >= ticks + 3; }, 30s));
  EXPECT_EQ(follower->routed("greeter-canary", 0), atEnd) << "traffic still reaches the canary after the rollback";
  const double rate = metricAnalysisValue(controller->scrapeMetrics(), "grpc-success-rate");
  EXPECT_TRUE(rate < 99 && rate > 50) << rate;  // 30% of the canary's calls failing for part of the window
  // The failed check is an Event naming the metric.
  EXPECT_TRUE(testbed::eventually(
      [&] {
        for (const auto& e : eventsOf(*admin, ns, "greeter")) {
          if (e.find("grpc-success-rate") != std::string::npos) return true;
        }
        return false;
      },
      30s))
      << join(eventsOf(*admin, ns, "greeter"), "\n");
}

TEST_F(GrpcCanary, AbTestOnHeaderLimitedToOneMethod) {
  recorder = std::make_unique<RouteRecorder>(admin, res::grpcRoutes(), ns, "greeter", "greeter");
  const std::map<std::string, std::string> insider = {{"x-canary", "insider"}};
  // 0: SayHello from insiders (the only calls the A/B rule may take), 1: SayGoodbye from
  // insiders, 2: SayHello from everyone else, 3: SayGoodbye from everyone else.
  follow(res::grpcRoutes(), "greeter", true,
         {greeterCall("SayHello", insider), greeterCall("SayGoodbye", insider), greeterCall("SayHello"),
          greeterCall("SayGoodbye")});
  Json analysis = {
      {"interval", "10s"},
      {"threshold", 2},
      {"iterations", 3},
      {"match", Json::array({{{"headers", {{"x-canary", {{"exact", "insider"}}}}},
                              {"grpcMethod", {{"service", "helloworld.Greeter"}, {"method", "SayHello"}}}}})},
      {"metrics", grpcChecks()}};
  Json canary = grpcCanary("greeter", analysis);
  canary["spec"]["service"]["route"]["rules"] = Json::array(
      {{{"name", "greeter"}, {"matches", Json::array({{{"method", {{"service", "helloworld.Greeter"}}}}})}}});
  ASSERT_NO_FATAL_FAILURE(deployAndInitialise(canary));

  ASSERT_TRUE(setImage(*admin, ns, "greeter", "example.com/greeter:2").ok());
  ASSERT_EQ(waitForPhase({"Succeeded", "Failed"}, 240s), "Succeeded")
      << "phases: " << join(phasesSeen, " ") << "; route: " << recorder->joined();
  // The A/B rule exists only during the analysis, sends everything it matches to the canary,
  // and the base rule never leaves the primary.
  EXPECT_EQ(recorder->sequence(),
            (std::vector<std::string>{"greeter=100/0", "pennant-ab-greeter=0/100 greeter=100/0", "greeter=100/0"}))
      << recorder->joined();
  EXPECT_EQ(imageOf(*admin, ns, "greeter-primary"), "example.com/greeter:2");
  EXPECT_GT(follower->routed("greeter-canary", 0), 0);
  EXPECT_EQ(follower->routed("greeter-canary", 1), 0) << "SayGoodbye from an insider reached the canary";
  EXPECT_EQ(follower->routed("greeter-canary", 2), 0) << "SayHello without the header reached the canary";
  EXPECT_EQ(follower->routed("greeter-canary", 3), 0) << "SayGoodbye without the header reached the canary";
  EXPECT_GT(follower->routed("greeter-primary", 1), 0);
  EXPECT_GT(follower->routed("greeter-primary", 3), 0);
  // The A/B rule carries both conditions, as the API server stored them.
  bool checked = false;
  for (const auto& route : recorder->objects()) {
    for (const auto& rule : route["spec"]["rules"]) {
      if (rule.value("name", "") != "pennant-ab-greeter") continue;
      checked = true;
      ASSERT_EQ(rule["matches"].size(), 1u) << rule.dump();
      const Json& m = rule["matches"][0];
      EXPECT_EQ(m["method"].value("method", ""), "SayHello") << rule.dump();
      EXPECT_EQ(m["method"].value("service", ""), "helloworld.Greeter") << rule.dump();
      ASSERT_EQ(m["headers"].size(), 1u) << rule.dump();
      EXPECT_EQ(m["headers"][0].value("name", ""), "x-canary");
      EXPECT_EQ(m["headers"][0].value("value", ""), "insider");
    }
  }
  EXPECT_TRUE(checked);
}

}  // namespace
}  // namespace pennant::e2e
