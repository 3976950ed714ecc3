#include "workload/readiness.h"

#include <gtest/gtest.h>

namespace pennant::workload {
namespace {

using std::chrono::seconds;

// 2026-01-01T00:10:00Z
const Clock::TimePoint kNow = std::chrono::sys_days{std::chrono::year{2026} / 1 / 1} + std::chrono::minutes(10);

Json deployment(int generation, int observed, int desired, int replicas, int updated, int available,
                Json conditions = Json::array()) {
  return {{"metadata", {{"name", "podinfo"}, {"generation", generation}}},
          {"spec", {{"replicas", desired}}},
          {"status",
           {{"observedGeneration", observed},
            {"replicas", replicas},
            {"updatedReplicas", updated},
            {"availableReplicas", available},
            {"conditions", conditions}}}};
}

Json progressing(const std::string& reason) {
  return {
      {"type", "Progressing"}, {"status", reason == "ProgressDeadlineExceeded" ? "False" : "True"}, {"reason", reason}};
}

Json unavailableSince(const std::string& time) {
  return {
      {"type", "Available"}, {"status", "False"}, {"reason", "MinimumReplicasUnavailable"}, {"lastUpdateTime", time}};
}

TEST(ReadinessTest, EveryCondition) {
  struct Case {
    const char* name;
    Json deployment;
    int threshold;
    Readiness expected;
  };
  const Case cases[] = {
      {"ready", deployment(2, 2, 3, 3, 3, 3, {progressing("NewReplicaSetAvailable")}), 100, {true, true, ""}},
      {"generation not observed",
       deployment(3, 2, 3, 3, 3, 3),
       100,
       {false, true, "waiting for rollout to finish: observed deployment generation less than desired generation"}},
      {"progress deadline exceeded",
       deployment(2, 2, 3, 3, 1, 1, {progressing("ProgressDeadlineExceeded")}),
       100,
       {false, false, "deployment \"podinfo\" exceeded its progress deadline"}},
      {"replicas not updated",
       deployment(2, 2, 3, 3, 1, 1, {progressing("ReplicaSetUpdated")}),
       100,
       {false, true, "waiting for rollout to finish: 1 out of 3 new replicas have been updated"}},
      {"old replicas terminating",
       deployment(2, 2, 3, 5, 3, 3),
       100,
       {false, true, "waiting for rollout to finish: 2 old replicas are pending termination"}},
      {"not enough available",
       deployment(2, 2, 3, 3, 3, 2),
       100,
       {false, true, "waiting for rollout to finish: 2 of 3 (readyThreshold 100%) updated replicas are available"}},
      {"threshold met", deployment(2, 2, 3, 3, 3, 2), 50, {true, true, ""}},
      {"threshold floors 3*66% to 1",
       deployment(2, 2, 3, 3, 3, 0),
       66,
       {false, true, "waiting for rollout to finish: 0 of 1 (readyThreshold 66%) updated replicas are available"}},
      {"scaled to zero is ready", deployment(2, 2, 0, 0, 0, 0), 100, {true, true, ""}},
      {"unavailable within the deadline",
       deployment(2, 2, 3, 3, 3, 0, {progressing("ReplicaSetUpdated"), unavailableSince("2026-01-01T00:05:00Z")}),
       100,
       {false, true, "waiting for rollout to finish: 0 of 3 (readyThreshold 100%) updated replicas are available"}},
      {"unavailable past the deadline",
       deployment(2, 2, 3, 3, 3, 0, {progressing("ReplicaSetUpdated"), unavailableSince("2026-01-01T00:00:00Z")}),
       100,
       {false, false, "waiting for rollout to finish: 0 of 3 (readyThreshold 100%) updated replicas are available"}},
      {"unavailable past the deadline without a Progressing condition",
       deployment(2, 2, 3, 3, 3, 0, {unavailableSince("2026-01-01T00:00:00Z")}),
       100,
       {false, true, "waiting for rollout to finish: 0 of 3 (readyThreshold 100%) updated replicas are available"}},
  };
  for (const Case& c : cases) {
    Readiness got = deploymentReadiness(c.deployment, c.threshold, seconds(300), kNow);
    EXPECT_EQ(got.ready, c.expected.ready) << c.name;
    EXPECT_EQ(got.retriable, c.expected.retriable) << c.name;
    EXPECT_EQ(got.reason, c.expected.reason) << c.name;
  }
}

TEST(ReadinessTest, EmptyObjectIsReadyLikeAZeroStatus) {
  // Nothing requested, nothing pending: Flagger's checks all pass on zero values.
  Readiness got = deploymentReadiness(Json::object(), 100, seconds(600), kNow);
  EXPECT_TRUE(got.ready);
}

}  // namespace
}  // namespace pennant::workload
