#include "workload/readiness.h"

#include <absl/time/time.h>

#include <optional>

namespace pennant::workload {
namespace {

int64_t intAt(const Json& root, std::initializer_list<std::string_view> path, int64_t fallback = 0) {
  const Json* value = findPath(root, path);
  return value != nullptr && value->is_number_integer() ? value->get<int64_t>() : fallback;
}

const Json* condition(const Json& deployment, std::string_view type) {
  const Json* conditions = findPath(deployment, {"status", "conditions"});
  if (conditions == nullptr || !conditions->is_array()) return nullptr;
  for (const Json& c : *conditions) {
    if (stringAt(c, {"type"}) == type) return &c;
  }
  return nullptr;
}

std::optional<Clock::TimePoint> parseTime(const std::string& text) {
  absl::Time parsed;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &parsed, &error)) return std::nullopt;
  return absl::ToChronoTime(parsed);
}

Readiness waiting(bool retriable, std::string reason) { return Readiness{false, retriable, std::move(reason)}; }

}  // namespace

Readiness deploymentReadiness(const Json& deployment, int readyThresholdPercent, std::chrono::seconds progressDeadline,
                              Clock::TimePoint now) {
  if (intAt(deployment, {"metadata", "generation"}) > intAt(deployment, {"status", "observedGeneration"})) {
    return waiting(true, "waiting for rollout to finish: observed deployment generation less than desired generation");
  }
  const Json* progressing = condition(deployment, "Progressing");
  if (progressing != nullptr && stringAt(*progressing, {"reason"}) == "ProgressDeadlineExceeded") {
    return waiting(false,
                   "deployment \"" + stringAt(deployment, {"metadata", "name"}) + "\" exceeded its progress deadline");
  }
  // Stuck: pods have been unavailable for longer than the Canary's deadline (checked only once the
  // Deployment reports progress, as Flagger does).
  bool retriable = true;
  const Json* available = condition(deployment, "Available");
  if (progressing != nullptr && available != nullptr && stringAt(*available, {"status"}) == "False" &&
      stringAt(*available, {"reason"}) == "MinimumReplicasUnavailable") {
    if (auto since = parseTime(stringAt(*available, {"lastUpdateTime"}))) {
      retriable = !(*since + progressDeadline < now);
    }
  }
  int64_t updated = intAt(deployment, {"status", "updatedReplicas"});
  int64_t current = intAt(deployment, {"status", "replicas"});
  int64_t availableReplicas = intAt(deployment, {"status", "availableReplicas"});
  const Json* desired = findPath(deployment, {"spec", "replicas"});
  if (desired != nullptr && desired->is_number_integer() && updated < desired->get<int64_t>()) {
    return waiting(retriable, "waiting for rollout to finish: " + std::to_string(updated) + " out of " +
                                  std::to_string(desired->get<int64_t>()) + " new replicas have been updated");
  }
  if (current > updated) {
    return waiting(retriable, "waiting for rollout to finish: " + std::to_string(current - updated) +
                                  " old replicas are pending termination");
  }
  // Integer floor of updated * threshold% (Flagger multiplies in float32 and truncates).
  int64_t needed = updated * readyThresholdPercent / 100;
  if (availableReplicas < needed) {
    return waiting(retriable, "waiting for rollout to finish: " + std::to_string(availableReplicas) + " of " +
                                  std::to_string(needed) + " (readyThreshold " + std::to_string(readyThresholdPercent) +
                                  "%) updated replicas are available");
  }
  return Readiness{true, true, ""};
}

}  // namespace pennant::workload
