// The text of `pennant status`: the detailed view, the table, --watch lines, Event selection and
// kubectl's age format, from Canary/Event JSON as the API server returns it.
#include "cli/status_view.h"

#include <gtest/gtest.h>

namespace pennant::cli {
namespace {

using namespace std::chrono_literals;

const Clock::TimePoint kNow = Clock::TimePoint(std::chrono::seconds(1'800'000'000));  // 2027-01-15T08:00:00Z

Json canary(const Json& patch = Json::object()) {
  Json c = {{"apiVersion", "flagger.app/v1beta1"},
            {"kind", "Canary"},
            {"metadata", {{"name", "greeter"}, {"namespace", "demo"}}},
            {"spec",
             {{"targetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "greeter"}}},
              {"service", {{"port", 9090}, {"route", {{"kind", "GRPCRoute"}}}}},
              {"analysis", {{"interval", "10s"}, {"threshold", 2}, {"stepWeight", 20}, {"maxWeight", 60}}}}},
            {"status",
             {{"phase", "Progressing"},
              {"canaryWeight", 40},
              {"failedChecks", 1},
              {"iterations", 0},
              {"lastTransitionTime", "2027-01-15T07:59:48Z"},
              {"conditions",
               {{{"type", "Promoted"},
                 {"status", "Unknown"},
                 {"reason", "Progressing"},
                 {"message", "New revision detected, progressing canary analysis."}}}}}}};
  c.merge_patch(patch);
  return c;
}

Json event(const std::string& name, const std::string& type, const std::string& note, const std::string& at,
           const std::string& kind = "Canary", const std::string& ns = "demo") {
  return {{"metadata", {{"name", name + ".x"}, {"namespace", ns}, {"creationTimestamp", at}}},
          {"type", type},
          {"reason", "Synced"},
          {"note", note},
          {"eventTime", at},
          {"regarding", {{"kind", kind}, {"name", name}, {"namespace", ns}}}};
}

TEST(StatusView, FormatsAgesLikeKubectl) {
  EXPECT_EQ(formatAge(0s), "0s");
  EXPECT_EQ(formatAge(45s), "45s");
  EXPECT_EQ(formatAge(119s), "119s");
  EXPECT_EQ(formatAge(192s), "3m12s");
  EXPECT_EQ(formatAge(5min), "5m");
  EXPECT_EQ(formatAge(25min), "25m");
  EXPECT_EQ(formatAge(5h + 12min), "5h12m");
  EXPECT_EQ(formatAge(30h), "30h");
  EXPECT_EQ(formatAge(76h), "3d4h");
  EXPECT_EQ(formatAge(-5s), "<invalid>");
}

TEST(StatusView, SelectsTheCanarysEventsOldestFirst) {
  std::vector<Json> events = {
      event("greeter", "Warning", "Halt greeter.demo advancement grpc-success-rate 71 < 99", "2027-01-15T07:59:50Z"),
      event("greeter", "Normal", "New revision detected! Scaling up greeter.demo", "2027-01-15T07:59:00Z"),
      event("greeter", "Normal", "about the Deployment", "2027-01-15T07:59:55Z", "Deployment"),
      event("other", "Normal", "another canary", "2027-01-15T07:59:55Z"),
      event("greeter", "Normal", "same name, other namespace", "2027-01-15T07:59:55Z", "Canary", "prod"),
  };
  // A repeated Event counts from its series.
  events[0]["series"] = {{"count", 3}, {"lastObservedTime", "2027-01-15T07:59:58.000000Z"}};
  auto lines = canaryEvents(events, "demo", "greeter");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].note, "New revision detected! Scaling up greeter.demo");
  EXPECT_EQ(lines[1].type, "Warning");
  EXPECT_EQ(lines[1].count, 3);
  EXPECT_EQ(kNow - lines[1].at, 2s);
}

TEST(StatusView, DescribesOneCanary) {
  std::vector<EventLine> events = {
      {"Normal", "Synced", "New revision detected! Scaling up greeter.demo", kNow - 40s, 1},
      {"Warning", "Synced", "Halt advancement\ngrpc-success-rate", kNow - 12s, 2}};
  std::string text = describeCanary(canary(), events, kNow);
  EXPECT_EQ(text,
            "Name:            greeter\n"
            "Namespace:       demo\n"
            "Target:          Deployment/greeter (primary greeter-primary)\n"
            "Route:           GRPCRoute/greeter (managed)\n"
            "Strategy:        canary, stepWeight 20, maxWeight 60, every 10s, threshold 2\n"
            "Phase:           Progressing\n"
            "Traffic:         primary 60%, canary 40%\n"
            "Failed checks:   1/2\n"
            "Paused:          no\n"
            "Last transition: 2027-01-15T07:59:48Z (12s ago)\n"
            "Requests:        none\n"
            "Conditions:\n"
            "  Promoted=Unknown  Progressing  New revision detected, progressing canary analysis.\n"
            "Events:\n"
            "  AGE      TYPE     REASON       MESSAGE\n"
            "  40s      Normal   Synced       New revision detected! Scaling up greeter.demo\n"
            "  12s (x2) Warning  Synced       Halt advancement grpc-success-rate\n");
}

TEST(StatusView, ListsTheChecksAndWebhooks) {
  Json c = canary({{"spec",
                    {{"analysis",
                      {{"metrics",
                        {{{"name", "grpc-success-rate"}, {"thresholdRange", {{"min", 99}}}, {"interval", "1m"}},
                         {{"name", "latency"},
                          {"templateRef", {{"name", "p99"}}},
                          {"thresholdRange", {{"min", 0}, {"max", 0.5}}}}}},
                       {"webhooks",
                        {{{"name", "load"}, {"url", "http://x"}},
                         {{"name", "gate"}, {"type", "confirm-promotion"}, {"url", "http://y"}}}}}}}}});
  std::string text = describeCanary(c, {}, kNow);
  EXPECT_NE(text.find("Checks:          grpc-success-rate (min 99), latency (min 0, max 0.5, template p99)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Webhooks:        load (rollout), gate (confirm-promotion)\n"), std::string::npos) << text;
}

TEST(StatusView, ShowsPausedCanariesRequestsAndStrategies) {
  Json c = canary({{"metadata", {{"annotations", {{"pennant.io/promote", "p1"}, {"pennant.io/abort", "a1"}}}}},
                   {"spec", {{"suspend", true}, {"analysis", {{"iterations", 5}, {"stepWeight", nullptr}}}}},
                   {"status", {{"iterations", 2}, {"handledRequests", {{"abort", "a1"}}}}}});
  std::string text = describeCanary(c, {}, kNow);
  EXPECT_NE(text.find("Strategy:        blue/green, 5 iterations, every 10s, threshold 2\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("Iterations:      2/5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Paused:          yes"), std::string::npos) << text;
  EXPECT_NE(text.find("Requests:        promote p1 (pending), abort a1 (handled)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Events: <none>\n"), std::string::npos) << text;

  Json fresh = canary({{"status", nullptr}});
  std::string none = describeCanary(fresh, {}, kNow);
  EXPECT_NE(none.find("Phase:           <none> (not yet seen by the controller)\n"), std::string::npos) << none;
  EXPECT_EQ(none.find("Traffic:"), std::string::npos) << none;
}

TEST(StatusView, TablesCanaries) {
  Json other = canary({{"metadata", {{"name", "web-frontend"}, {"namespace", "prod"}}},
                       {"spec", {{"suspend", true}}},
                       {"status", {{"phase", "Succeeded"}, {"canaryWeight", 0}, {"failedChecks", 0}}}});
  EXPECT_EQ(canaryTable({canary(), other}, false, kNow),
            "NAME           PHASE                WEIGHT   FAILED   LAST TRANSITION\n"
            "greeter        Progressing          40       1/2      12s\n"
            "web-frontend   Succeeded (paused)   0        0/2      12s\n");
  std::string all = canaryTable({canary(), other}, true, kNow);
  EXPECT_EQ(all.substr(0, all.find('\n')),
            "NAMESPACE   NAME           PHASE                WEIGHT   FAILED   LAST TRANSITION");
  EXPECT_NE(all.find("\nprod        web-frontend   Succeeded (paused)"), std::string::npos) << all;
  Json fresh = canary({{"status", nullptr}});
  EXPECT_EQ(canaryTable({fresh}, false, kNow),
            "NAME      PHASE    WEIGHT   FAILED   LAST TRANSITION\n"
            "greeter   <none>   -        -        -\n");
}

TEST(StatusView, WatchLinesAlign) {
  EXPECT_EQ(watchHeader(false), "TIME      NAME              PHASE                      WEIGHT  FAILED  LAST EVENT\n");
  EventLine halt{"Warning", "Synced", "Halt greeter.demo advancement", kNow, 1};
  EXPECT_EQ(watchRow(canary(), halt, false, kNow),
            "08:00:00  greeter           Progressing                40      1/2     ! Halt greeter.demo advancement\n");
  EXPECT_EQ(watchRow(canary(), std::nullopt, true, kNow),
            "08:00:00  demo          greeter           Progressing                40      1/2     \n");
  EXPECT_EQ(watchHeader(true).find(" NAME ") + 1, watchRow(canary(), std::nullopt, true, kNow).find("greeter"));
  // A paused Canary in the longest phase still lines up.
  Json paused = canary({{"spec", {{"suspend", true}}}, {"status", {{"phase", "WaitingPromotion"}}}});
  EXPECT_EQ(watchHeader(false).find("WEIGHT"), watchRow(paused, std::nullopt, false, kNow).find("40"));
}

}  // namespace
}  // namespace pennant::cli
