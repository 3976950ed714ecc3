// Scenario 8 (docs/e2e.md): long-lived calls. Server-streaming calls (10 messages over 5 s) are
// open on the canary when it is promoted and when it is rolled back. Pennant scales a version
// down only once the gateway has accepted the route that took its traffic away, plus the drain
// period (analysis.drainPeriod): no stream is cut. With drainPeriod 0s (Flagger's timing) the
// streams open on a rolled-back canary are cut, which is what the drain is for.
//
// The greeters give in-flight calls 1 s after SIGTERM (after their 2 s preStop sleep), as an app
// with an abrupt shutdown would. An A/B test routes the streams to the canary alone during the
// analysis, so the primary's own rolling update during the promotion carries none of them.
#include "e2e/e2e_scenario.h"

namespace pennant::e2e {
namespace {

constexpr int kMessages = 10;
constexpr int kIntervalMs = 500;

class Drain : public Scenario {
 protected:
  void SetUp() override {
    Scenario::SetUp();
    recorder = std::make_unique<RouteRecorder>(admin, res::grpcRoutes(), ns, "greeter", "greeter");
  }

  Json canary(const std::string& drainPeriod) {
    Json analysis = {
        {"interval", "10s"},
        {"threshold", 2},
        {"iterations", 3},
        {"drainPeriod", drainPeriod},
        {"match", Json::array({{{"headers", {{"x-canary", {{"exact", "insider"}}}}}}})},
        {"metrics",
         Json::array({{{"name", "grpc-success-rate"}, {"interval", "20s"}, {"thresholdRange", {{"min", 99}}}}})}};
    Json c = grpcCanary("greeter", host(), analysis);
    c["spec"]["service"]["route"]["rules"] = Json::array(
        {{{"name", "greeter"}, {"matches", Json::array({{{"method", {{"service", "helloworld.Greeter"}}}}})}}});
    return c;
  }

  std::map<std::string, std::string> env(bool faulty = false) {
    std::map<std::string, std::string> e = {{"GREETER_SHUTDOWN_GRACE", "1"}};
    if (faulty) {
      e["GREETER_FAULT_RATE"] = "0.5";
      e["GREETER_FAULT_METHODS"] = "helloworld.Greeter/SayHello";  // streams are never failed on purpose
    }
    return e;
  }

  void startCalls() {
    const std::vector<std::pair<std::string, std::string>> insider = {{"x-canary", "insider"}};
    CallClass streams = grpcCall("Greeter/StreamHellos", insider, 2);
    streams.stream = true;
    streams.payload = streamRequest("e2e", kMessages, kIntervalMs);
    streams.concurrency = 16;
    ASSERT_NO_FATAL_FAILURE(
        startTraffic({streams, grpcCall("Greeter/SayHello", insider, 10), grpcCall("Greeter/SayHello", {}, 10)}));
  }

  // The streams answered by the canary that were open when the route changed to `signature`.
  int64_t openOnTheCanaryAt(const std::string& signature) {
    int64_t open = 0;
    for (const auto& v : recorder->versions()) {
      if (v.signature != signature) continue;
      for (const auto& c : traffic->calls(0)) {
        if (backendOf(c, "greeter") == Backend::kCanary && c.start < v.at && c.start + c.latency > v.at) ++open;
      }
    }
    return open;
  }

  // Streams that did not end with OK after all their messages.
  std::vector<std::string> cutStreams() {
    std::vector<std::string> cut;
    for (const auto& c : traffic->calls(0)) {
      if (c.code == 0 && c.messages == kMessages) continue;
      cut.push_back(load::grpcCodeName(c.code) + " after " + std::to_string(c.messages) + " messages from " +
                    (c.headers.count("x-pod") ? c.headers.at("x-pod") : "?"));
    }
    return cut;
  }
};

TEST_F(Drain, StreamsOpenOnTheCanaryFinishWhenItIsPromotedAndWhenItIsRolledBack) {
  ASSERT_NO_FATAL_FAILURE(deployAndInitialise(canary("10s"), greeterDeployment("greeter", "v1", env())));
  ASSERT_NO_FATAL_FAILURE(startCalls());

  E2E_ASSERT_OK(release(*admin, ns, "greeter", "v2", env()));
  ASSERT_EQ(waitForPhase({"Succeeded", "Failed"}, 240s), "Succeeded") << recorder->joined();
  ASSERT_TRUE(testbed::eventually([&] { return testbed::replicasOf(*admin, ns, "greeter") == 0; }, 60s));
  phasesSeen.clear();
  E2E_ASSERT_OK(release(*admin, ns, "greeter", "v3", env(true)));
  ASSERT_EQ(waitForPhase({"Failed"}, 240s), "Failed") << join(phasesSeen, " ") << "; " << recorder->joined();
  ASSERT_TRUE(testbed::eventually([&] { return testbed::replicasOf(*admin, ns, "greeter") == 0; }, 60s));
  std::this_thread::sleep_for(std::chrono::milliseconds(kMessages * kIntervalMs + 2000));
  traffic->stop();

  const std::string ab = "pennant-ab-greeter=0/100 greeter=100/0";
  EXPECT_EQ(recorder->sequence(), (std::vector<std::string>{"greeter=100/0", ab, "greeter=100/0", ab, "greeter=100/0"}))
      << recorder->joined();
  // Streams were open on the canary at both moments its traffic was taken away.
  const int64_t open = openOnTheCanaryAt("greeter=100/0");
  auto cut = cutStreams();
  std::cout << "streams: " << traffic->calls(0).size() << " in all, " << open
            << " open on the canary when the route left it (promotion and rollback), " << cut.size() << " cut\n";
  EXPECT_GE(open, 8) << "too few streams open on the canary to prove anything";
  EXPECT_TRUE(cut.empty()) << join(cut, "\n");
}

TEST_F(Drain, WithoutADrainPeriodTheStreamsOnARolledBackCanaryAreCut) {
  ASSERT_NO_FATAL_FAILURE(deployAndInitialise(canary("0s"), greeterDeployment("greeter", "v1", env())));
  ASSERT_NO_FATAL_FAILURE(startCalls());
  E2E_ASSERT_OK(release(*admin, ns, "greeter", "v3", env(true)));
  ASSERT_EQ(waitForPhase({"Failed"}, 240s), "Failed") << join(phasesSeen, " ") << "; " << recorder->joined();
  std::this_thread::sleep_for(std::chrono::milliseconds(kMessages * kIntervalMs + 2000));
  traffic->stop();
  const int64_t open = openOnTheCanaryAt("greeter=100/0");
  auto cut = cutStreams();
  std::cout << "without drain: " << open << " streams open on the canary at the rollback, " << cut.size() << " cut:\n  "
            << join(cut, "\n  ") << "\n";
  EXPECT_GT(open, 0);
  EXPECT_GT(cut.size(), 0u) << "no stream was cut without a drain period: the drain test proves nothing";
}

}  // namespace
}  // namespace pennant::e2e
