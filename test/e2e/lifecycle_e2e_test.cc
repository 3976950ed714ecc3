// Scenarios 5 and 7 (docs/e2e.md) on real traffic: an HTTPRoute Canary written for Flagger,
// applied unchanged and promoted on real HTTP calls judged by request-success-rate; the
// controller SIGKILLed mid-analysis and restarted while calls flow, resuming where it was.
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
  // Only what names this test bed: its Gateway and this scenario's hostname.
  (*canary)["spec"]["service"]["gatewayRefs"] = Json::array({{{"name", "public-gw"}, {"namespace", "gateway-system"}}});
  (*canary)["spec"]["service"]["hosts"] = Json::array({host()});
  recorder = std::make_unique<RouteRecorder>(admin, res::httpRoutes(), ns, "podinfo", "podinfo");
  // podinfo's port 9898 is the greeter's HTTP listener here.
  Json workload = greeterDeployment("podinfo", "v1");
  workload["spec"]["template"]["spec"]["containers"][0]["ports"][1]["containerPort"] = 9898;
  ASSERT_NO_FATAL_FAILURE(deployAndInitialise(*canary, workload));
  CallClass get;
  get.name = "GET /";
  get.httpPath = "/";
  get.authority = host();
  get.rps = 20;
  ASSERT_NO_FATAL_FAILURE(startTraffic({get}));

  E2E_ASSERT_OK(release(*admin, ns, "podinfo", "v2"));
  ASSERT_EQ(waitForPhase({"Succeeded", "Failed"}, 240s), "Succeeded")
      << "phases: " << join(phasesSeen, " ") << "; route: " << recorder->joined();
  std::this_thread::sleep_for(3s);
  traffic->stop();
  EXPECT_EQ(recorder->sequence(), (std::vector<std::string>{"100/0", "75/25", "50/50", "100/0"})) << recorder->joined();
  ASSERT_NO_FATAL_FAILURE(expectSharesFollowWeights(0, "", "podinfo"));
  Split all = splitOf(traffic->calls(0), Clock::time_point::min(), Clock::time_point::max(), "podinfo");
  EXPECT_EQ(all.failed, 0) << all.text();
  EXPECT_EQ(imageOf(*admin, ns, "podinfo-primary"), "example.com/greeter:v2");
  // Flagger's generated objects and route shape.
  for (const char* s : {"podinfo", "podinfo-primary", "podinfo-canary"}) {
    EXPECT_TRUE(admin->get(res::services(), ns, s).ok()) << s;
  }
  auto route = admin->get(res::httpRoutes(), ns, "podinfo");
  ASSERT_TRUE(route.ok());
  EXPECT_EQ((*route)["spec"]["hostnames"], Json::array({host()}));
  EXPECT_EQ(stringAt((*route)["spec"]["rules"][0]["matches"][0], {"path", "value"}), "/");
  // Prometheus computed the checks from the greeters' own http_request_duration_seconds.
  const std::string scrape = controller->scrapeMetrics();
  EXPECT_EQ(metricAnalysisValue(scrape, "request-success-rate"), 100) << scrape;
  EXPECT_GT(metricAnalysisValue(scrape, "request-duration"), 0) << scrape;
}

TEST_F(Lifecycle, ControllerKilledMidAnalysisResumesWhereItWas) {
  recorder = std::make_unique<RouteRecorder>(admin, res::grpcRoutes(), ns, "greeter", "greeter");
  Json analysis = {
      {"interval", "10s"}, {"threshold", 2}, {"stepWeight", 20}, {"maxWeight", 80}, {"metrics", grpcChecks()}};
  ASSERT_NO_FATAL_FAILURE(deployAndInitialise(grpcCanary("greeter", host(), analysis)));
  ASSERT_NO_FATAL_FAILURE(startTraffic({grpcCall("Greeter/SayHello")}));
  E2E_ASSERT_OK(release(*admin, ns, "greeter", "v2"));
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

  // No goodbye: the process dies between two ticks, with whatever it had in memory, and stays
  // down for longer than an interval while the calls go on.
  controller->kill(SIGKILL);
  std::this_thread::sleep_for(15s);
  ASSERT_TRUE(controller->start().ok());

  ASSERT_EQ(waitForPhase({"Succeeded", "Failed"}, 240s), "Succeeded")
      << "phases: " << join(phasesSeen, " ") << "; route: " << recorder->joined();
  traffic->stop();
  // Resumed at 40%: no step skipped, none repeated, no fall back to 0 before the promotion.
  EXPECT_EQ(recorder->sequence(), (std::vector<std::string>{"100/0", "80/20", "60/40", "40/60", "20/80", "100/0"}))
      << recorder->joined();
  // Every call went where the route said at that moment (the 40% stretch spans the restart).
  ASSERT_NO_FATAL_FAILURE(expectSharesFollowWeights(0, "", "greeter"));
  Split all = splitOf(traffic->calls(0), Clock::time_point::min(), Clock::time_point::max(), "greeter");
  EXPECT_EQ(all.failed, 0) << all.text();
  EXPECT_EQ(imageOf(*admin, ns, "greeter-primary"), "example.com/greeter:v2");
}

}  // namespace
}  // namespace pennant::e2e
