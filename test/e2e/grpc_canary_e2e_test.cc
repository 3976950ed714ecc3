// Scenarios 1-3 (docs/e2e.md), counted from real calls through Traefik: a GRPCRoute canary
// promoted step by step, rolled back when the canary answers UNAVAILABLE, and an A/B test on a
// header limited to one gRPC method.
#include <absl/strings/str_replace.h>

#include "e2e/e2e_scenario.h"
#include "load/grpc_load.h"

namespace pennant::e2e {
namespace {

class GrpcCanary : public Scenario {};

// The manifests are testdata/traefik-greeter.yaml, which docs/grpc-canary.md shows as they are.
TEST_F(GrpcCanary, PromotedStepByStep) {
  recorder = std::make_unique<RouteRecorder>(admin, res::grpcRoutes(), ns, "greeter", "greeter");
  auto text = readFile(std::string(PENNANT_E2E_SOURCE_DIR) + "/testdata/traefik-greeter.yaml");
  ASSERT_TRUE(text.ok()) << text.status();
  auto docs = parseYamlStream(absl::StrReplaceAll(*text, {{"greeter.example.test", host()}}));
  ASSERT_TRUE(docs.ok() && docs->size() == 2) << docs.status();
  ASSERT_NO_FATAL_FAILURE(deployAndInitialise((*docs)[1], (*docs)[0]));
  ASSERT_NO_FATAL_FAILURE(startTraffic({grpcCall("Greeter/SayHello")}));

  E2E_ASSERT_OK(release(*admin, ns, "greeter", "v2"));
  ASSERT_EQ(waitForPhase({"Succeeded", "Failed"}, 240s), "Succeeded")
      << "phases: " << join(phasesSeen, " ") << "; route: " << recorder->joined();
  EXPECT_TRUE(sawPhase("Progressing")) << join(phasesSeen, " ");
  EXPECT_EQ(recorder->sequence(), (std::vector<std::string>{"100/0", "90/10", "70/30", "40/60", "100/0"}))
      << recorder->joined();
  // A stretch of calls after the promotion and the canary's scale-down.
  EXPECT_TRUE(testbed::eventually([&] { return testbed::replicasOf(*admin, ns, "greeter") == 0; }, 30s));
  std::this_thread::sleep_for(5s);
  traffic->stop();

  ASSERT_NO_FATAL_FAILURE(expectSharesFollowWeights(0, "", "greeter"));
  auto calls = traffic->calls(0);
  Split all = splitOf(calls, Clock::time_point::min(), Clock::time_point::max(), "greeter");
  EXPECT_EQ(all.failed, 0) << "calls failed during the release: " << all.text();
  // After the promotion every call reaches v2, on the primary.
  auto steps = stepsOf(recorder->versions(), "", kSettle, Clock::now());
  ASSERT_FALSE(steps.empty());
  Split after = splitOf(calls, steps.back().from, Clock::time_point::max(), "greeter");
  EXPECT_GT(after.calls, 0);
  EXPECT_EQ(after.primary, after.calls) << after.text();
  EXPECT_EQ(after.byVersion["v2"], after.calls) << after.text();
  // The builtin checks were evaluated by Prometheus from the greeters' own metrics.
  const std::string scrape = controller->scrapeMetrics();
  EXPECT_EQ(metricAnalysisValue(scrape, "grpc-success-rate"), 100) << scrape;
  EXPECT_GT(metricAnalysisValue(scrape, "grpc-request-duration"), 0) << scrape;
}

TEST_F(GrpcCanary, RolledBackWhenTheCanaryAnswersUnavailable) {
  recorder = std::make_unique<RouteRecorder>(admin, res::grpcRoutes(), ns, "greeter", "greeter");
  Json analysis = {
      {"interval", "10s"}, {"threshold", 2}, {"stepWeight", 20}, {"maxWeight", 80}, {"metrics", grpcChecks()}};
  ASSERT_NO_FATAL_FAILURE(deployAndInitialise(grpcCanary("greeter", host(), analysis)));
  ASSERT_NO_FATAL_FAILURE(startTraffic({grpcCall("Greeter/SayHello")}));

  // v2 answers every fifth call with UNAVAILABLE (the greeter's deterministic fault knob).
  E2E_ASSERT_OK(release(*admin, ns, "greeter", "v2", {{"GREETER_FAULT_RATE", "0.2"}}));
  ASSERT_EQ(waitForPhase({"Succeeded", "Failed"}, 180s), "Failed")
      << "phases: " << join(phasesSeen, " ") << "; route: " << recorder->joined();
  // The first step is taken before any check (Flagger's order); two failed checks (threshold 2)
  // hold the weight at 20%, then everything is back on the primary.
  EXPECT_EQ(recorder->sequence(), (std::vector<std::string>{"100/0", "80/20", "100/0"})) << recorder->joined();
  EXPECT_EQ(imageOf(*admin, ns, "greeter-primary"), "example.com/greeter:v1");
  EXPECT_TRUE(testbed::eventually([&] { return testbed::replicasOf(*admin, ns, "greeter") == 0; }, 60s));
  std::this_thread::sleep_for(5s);
  traffic->stop();

  ASSERT_NO_FATAL_FAILURE(expectSharesFollowWeights(0, "", "greeter"));
  auto calls = traffic->calls(0);
  auto steps = stepsOf(recorder->versions(), "", kSettle, Clock::now());
  ASSERT_EQ(steps.size(), 3u);
  // At 20%, a fifth of the canary's calls failed, and only the canary's.
  Split shifted = splitOf(calls, steps[1].from, steps[1].to, "greeter");
  EXPECT_GT(shifted.canary, 20) << shifted.text();
  EXPECT_NEAR(static_cast<double>(shifted.failed), 0.2 * static_cast<double>(shifted.canary), 2) << shifted.text();
  Split all = splitOf(calls, Clock::time_point::min(), Clock::time_point::max(), "greeter");
  for (const auto& f : all.failures) EXPECT_NE(f.find("UNAVAILABLE v2 greeter-"), std::string::npos) << f;
  // After the rollback every call reaches v1 on the primary, and none fails.
  Split after = splitOf(calls, steps.back().from, Clock::time_point::max(), "greeter");
  EXPECT_GT(after.calls, 0);
  EXPECT_EQ(after.primary, after.calls) << after.text();
  EXPECT_EQ(after.byVersion["v1"], after.calls) << after.text();
  EXPECT_EQ(after.failed, 0) << after.text();
  // Prometheus computed the success rate from the greeters' own grpc_server_handled_total.
  const double rate = metricAnalysisValue(controller->scrapeMetrics(), "grpc-success-rate");
  EXPECT_TRUE(rate > 70 && rate < 90) << rate;
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
  Json analysis = {
      {"interval", "10s"},
      {"threshold", 2},
      {"iterations", 3},
      {"match", Json::array({{{"headers", {{"x-canary", {{"exact", "insider"}}}}},
                              {"grpcMethod", {{"service", "helloworld.Greeter"}, {"method", "SayHello"}}}}})},
      {"metrics",
       Json::array({{{"name", "grpc-success-rate"}, {"interval", "20s"}, {"thresholdRange", {{"min", 99}}}}})}};
  Json canary = grpcCanary("greeter", host(), analysis);
  canary["spec"]["service"]["route"]["rules"] = Json::array(
      {{{"name", "greeter"}, {"matches", Json::array({{{"method", {{"service", "helloworld.Greeter"}}}}})}}});
  ASSERT_NO_FATAL_FAILURE(deployAndInitialise(canary));
  const std::vector<std::pair<std::string, std::string>> insider = {{"x-canary", "insider"}};
  // 0: SayHello from insiders (the only calls the A/B rule may take), 1: SayGoodbye from
  // insiders, 2: SayHello from everyone else, 3: SayGoodbye from everyone else.
  ASSERT_NO_FATAL_FAILURE(
      startTraffic({grpcCall("Greeter/SayHello", insider, 10), grpcCall("Greeter/SayGoodbye", insider, 10),
                    grpcCall("Greeter/SayHello", {}, 10), grpcCall("Greeter/SayGoodbye", {}, 10)}));

  E2E_ASSERT_OK(release(*admin, ns, "greeter", "v2"));
  ASSERT_EQ(waitForPhase({"Succeeded", "Failed"}, 240s), "Succeeded")
      << "phases: " << join(phasesSeen, " ") << "; route: " << recorder->joined();
  traffic->stop();
  // The A/B rule exists only during the analysis, sends everything it matches to the canary,
  // and the base rule never leaves the primary.
  EXPECT_EQ(recorder->sequence(),
            (std::vector<std::string>{"greeter=100/0", "pennant-ab-greeter=0/100 greeter=100/0", "greeter=100/0"}))
      << recorder->joined();
  EXPECT_EQ(imageOf(*admin, ns, "greeter-primary"), "example.com/greeter:v2");
  // While the A/B rule was in effect: every insider SayHello reached the canary; nothing else did.
  auto abSteps = stepsOf(recorder->versions(), "pennant-ab-greeter", kSettle, Clock::now());
  ASSERT_EQ(abSteps.size(), 1u);
  std::string report;
  for (size_t i = 0; i < 4; ++i) {
    Split s = splitOf(traffic->calls(i), abSteps[0].from, abSteps[0].to, "greeter");
    report += "  " + traffic->classes()[i].name + (i % 2 == 0 ? " " : "") + (i < 2 ? " insider: " : " other:   ") +
              s.text() + "\n";
    EXPECT_EQ(s.failed, 0) << s.text();
    EXPECT_GT(s.calls, 0);
    if (i == 0) {
      EXPECT_EQ(s.canary, s.calls) << "an insider's SayHello reached the primary during the A/B test: " << s.text();
    } else {
      EXPECT_EQ(s.canary, 0) << traffic->classes()[i].name << " reached the canary: " << s.text();
    }
  }
  std::cout << "calls during the A/B test:\n" << report;
  for (size_t i = 1; i < 4; ++i) {
    Split whole = splitOf(traffic->calls(i), Clock::time_point::min(), Clock::time_point::max(), "greeter");
    EXPECT_EQ(whole.canary, 0) << whole.text();
  }
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

// The GRPCRoute features a canary's rules use, as Traefik serves them: method and header matches,
// a RequestHeaderModifier filter, hostnames; and everything outside the rules is refused.
TEST_F(GrpcCanary, MatchesFiltersAndHostnamesAreServedAsWritten) {
  recorder = std::make_unique<RouteRecorder>(admin, res::grpcRoutes(), ns, "greeter", "greeter");
  Json analysis = {{"interval", "10s"}, {"threshold", 2}, {"stepWeight", 50}, {"maxWeight", 50}};
  Json canary = grpcCanary("greeter", host(), analysis);
  Json tagged = {{"type", "RequestHeaderModifier"},
                 {"requestHeaderModifier", {{"set", Json::array({{{"name", "x-route"}, {"value", "hello"}}})}}}};
  canary["spec"]["service"]["route"]["rules"] = Json::array(
      {{{"name", "hello"},
        {"matches", Json::array({{{"method", {{"service", "helloworld.Greeter"}, {"method", "SayHello"}}}}})},
        {"filters", Json::array({tagged})}},
       {{"name", "tenant"},
        {"matches", Json::array({{{"method", {{"service", "helloworld.Greeter"}, {"method", "SayGoodbye"}}},
                                  {"headers", Json::array({{{"name", "x-tenant"}, {"value", "acme"}}})}}})}}});
  ASSERT_NO_FATAL_FAILURE(deployAndInitialise(canary));
  CallClass hello = grpcCall("Greeter/SayHello", {}, 10);
  CallClass tenant = grpcCall("Greeter/SayGoodbye", {{"x-tenant", "acme"}}, 10);
  CallClass otherTenant = grpcCall("Greeter/SayGoodbye", {{"x-tenant", "globex"}}, 5);
  CallClass otherService = grpcCall("Farewell/Wave", {}, 5);
  CallClass otherHost = grpcCall("Greeter/SayHello", {}, 5);
  otherHost.authority = "elsewhere.test";
  ASSERT_NO_FATAL_FAILURE(startTraffic({hello, tenant, otherTenant, otherService, otherHost}));
  // The filter's header reaches the backend (the greeter echoes x-* request headers).
  load::LoadOptions o;
  o.target = gateway;
  o.authority = host();
  o.method = hello.method;
  o.payload = hello.payload;
  o.calls = 5;
  o.tallyHeaders = {"echo-x-route"};
  auto echoed = load::runGrpcLoad(o);
  ASSERT_TRUE(echoed.ok());
  EXPECT_EQ(echoed->byHeader["echo-x-route"]["hello"], 5) << echoed->toText();

  E2E_ASSERT_OK(release(*admin, ns, "greeter", "v2"));
  ASSERT_EQ(waitForPhase({"Succeeded", "Failed"}, 240s), "Succeeded")
      << "phases: " << join(phasesSeen, " ") << "; route: " << recorder->joined();
  traffic->stop();
  EXPECT_EQ(recorder->sequence(), (std::vector<std::string>{"hello=100/0 tenant=100/0", "hello=50/50 tenant=50/50",
                                                            "hello=100/0 tenant=100/0"}))
      << recorder->joined();
  // Both rules were shifted, each split exactly.
  ASSERT_NO_FATAL_FAILURE(expectSharesFollowWeights(0, "hello", "greeter"));
  ASSERT_NO_FATAL_FAILURE(expectSharesFollowWeights(1, "tenant", "greeter"));
  // What no rule matches is never answered by the workload: Traefik answers 404, which gRPC
  // clients see as UNIMPLEMENTED.
  for (size_t i = 2; i < 5; ++i) {
    Split s = splitOf(traffic->calls(i), Clock::time_point::min(), Clock::time_point::max(), "greeter");
    std::cout << traffic->classes()[i].name << " (" << i << "): " << s.text() << "\n";
    EXPECT_GT(s.calls, 0);
    EXPECT_EQ(s.byCode["UNIMPLEMENTED"], s.calls) << s.text();
    EXPECT_EQ(s.primary + s.canary, 0) << s.text();
  }
}

}  // namespace
}  // namespace pennant::e2e
