// Scenarios 5 and 6 (docs/e2e.md): an HTTPRoute Canary written for Flagger, applied unchanged and
// promoted; the controller SIGKILLed mid-analysis and restarted, resuming where it was.
#include <signal.h>

#include "e2e/e2e_scenario.h"

namespace pennant::e2e {
namespace {

class Lifecycle : public Scenario {};

TEST_F(Lifecycle, FlaggerHttpRouteCanaryAppliedUnchangedIsPromoted) {
  auto text = readFile(std::string(PENNANT_E2E_SOURCE_DIR) + "/testdata/flagger-podinfo-httproute.yaml");
  ASSERT_TRUE(text.ok()) << text.status();
  auto canary = parseYaml(*text);
  ASSERT_TRUE(canary.ok()) << canary.status();
  recorder = std::make_unique<RouteRecorder>(admin, res::httpRoutes(), ns, "podinfo", "podinfo");
  CallClass get;
  get.path = "/api/info";
  follow(res::httpRoutes(), "podinfo", false, {get});
  ASSERT_NO_FATAL_FAILURE(deployAndInitialise(*canary));

  ASSERT_TRUE(setImage(*admin, ns, "podinfo", "example.com/podinfo:2").ok());
  ASSERT_EQ(waitForPhase({"Succeeded", "Failed"}, 240s), "Succeeded")
      << "phases: " << join(phasesSeen, " ") << "; route: " << recorder->joined();
  EXPECT_EQ(recorder->sequence(), (std::vector<std::string>{"100/0", "75/25", "50/50", "100/0"})) << recorder->joined();
  EXPECT_EQ(imageOf(*admin, ns, "podinfo-primary"), "example.com/podinfo:2");
  // Flagger's generated objects and route shape.
  for (const char* s : {"podinfo", "podinfo-primary", "podinfo-canary"}) {
    EXPECT_TRUE(admin->get(res::services(), ns, s).ok()) << s;
  }
  auto route = admin->get(res::httpRoutes(), ns, "podinfo");
  ASSERT_TRUE(route.ok());
  EXPECT_EQ((*route)["spec"]["hostnames"], Json::array({"www.example.com"}));
  EXPECT_EQ(stringAt((*route)["spec"]["parentRefs"][0], {"namespace"}), "istio-ingress");
  EXPECT_GT(follower->routed("podinfo-canary", 0), 0);
  // The builtin checks were evaluated by Prometheus (not skipped): the controller's last values.
  const std::string scrape = controller->scrapeMetrics();
  EXPECT_EQ(metricAnalysisValue(scrape, "request-success-rate"), 100) << scrape;
  const double p99 = metricAnalysisValue(scrape, "request-duration");  // ms; every request took 20 ms
  EXPECT_TRUE(p99 > 10 && p99 <= 25) << p99;
}

TEST_F(Lifecycle, ControllerKilledMidAnalysisResumesWhereItWas) {
  recorder = std::make_unique<RouteRecorder>(admin, res::grpcRoutes(), ns, "greeter", "greeter");
  follow(res::grpcRoutes(), "greeter", true, {greeterCall()});
  Json analysis = {
      {"interval", "10s"}, {"threshold", 2}, {"stepWeight", 20}, {"maxWeight", 80}, {"metrics", grpcChecks()}};
  ASSERT_NO_FATAL_FAILURE(deployAndInitialise(grpcCanary("greeter", analysis)));
  ASSERT_TRUE(setImage(*admin, ns, "greeter", "example.com/greeter:2").ok());
  // Between two ticks: the route is at 40% and the status says so.
  ASSERT_TRUE(testbed::eventually(
      [&] {
        auto seq = recorder->sequence();
        auto c = admin->get(res::canaries(), ns, "greeter");
        return !seq.empty() && seq.back() == "60/40" && c.ok() &&
               (*c)["status"].value("canaryWeight", int64_t{-1}) == 40;
      },
      120s))
      << recorder->joined();

  // No goodbye: the process dies between two ticks, with whatever it had in memory.
  controller->kill(SIGKILL);
  // Down for longer than an interval: nothing moves while no controller runs.
  std::this_thread::sleep_for(15s);
  EXPECT_EQ(recorder->sequence().back(), "60/40") << recorder->joined();
  EXPECT_EQ(phaseOf(*admin, ns, "greeter"), "Progressing");
  ASSERT_TRUE(controller->start().ok());

  ASSERT_EQ(waitForPhase({"Succeeded", "Failed"}, 240s), "Succeeded")
      << "phases: " << join(phasesSeen, " ") << "; route: " << recorder->joined();
  // Resumed at 40%: no step skipped, none repeated, no fall back to 0 before the promotion.
  EXPECT_EQ(recorder->sequence(), (std::vector<std::string>{"100/0", "80/20", "60/40", "40/60", "20/80", "100/0"}))
      << recorder->joined();
  EXPECT_EQ(imageOf(*admin, ns, "greeter-primary"), "example.com/greeter:2");
}

}  // namespace
}  // namespace pennant::e2e
