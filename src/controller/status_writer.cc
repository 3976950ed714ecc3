#include "controller/status_writer.h"

#include <algorithm>

#include "kube/errors.h"
#include "kube/resource.h"

namespace pennant::controller {
namespace {

void setString(Json& out, const char* key, const std::string& value) {
  if (value.empty()) {
    out.erase(key);
  } else {
    out[key] = value;
  }
}

}  // namespace

Json statusToJson(const api::CanaryStatus& status, const Json& existing) {
  Json out = existing.is_object() ? existing : Json::object();
  setString(out, "phase", std::string(api::phaseName(status.phase)));
  out["failedChecks"] = status.failedChecks;
  out["canaryWeight"] = status.canaryWeight;
  out["iterations"] = status.iterations;
  setString(out, "lastAppliedSpec", status.lastAppliedSpec);
  setString(out, "lastPromotedSpec", status.lastPromotedSpec);
  setString(out, "lastTransitionTime", status.lastTransitionTime);
  setString(out, "sessionAffinityCookie", status.sessionAffinityCookie);
  setString(out, "primarySessionAffinityCookie", status.primarySessionAffinityCookie);
  setString(out, "previousSessionAffinityCookie", status.previousSessionAffinityCookie);
  if (status.trackedConfigs.is_object() && !status.trackedConfigs.empty()) {
    out["trackedConfigs"] = status.trackedConfigs;
  } else {
    out.erase("trackedConfigs");
  }
  out["conditions"] = Json::array();
  for (const auto& c : status.conditions.is_array() ? status.conditions : Json::array()) {
    if (c.is_object() && c.value("type", "") == api::kDrainingCondition && !status.draining) continue;
    out["conditions"].push_back(c);
  }
  const bool recorded = std::any_of(out["conditions"].begin(), out["conditions"].end(), [](const Json& c) {
    return c.is_object() && c.value("type", "") == api::kDrainingCondition && c.value("status", "") == "True";
  });
  if (status.draining && !recorded) {
    out["conditions"].push_back({{"type", api::kDrainingCondition},
                                 {"status", "True"},
                                 {"reason", "ScaleDownPending"},
                                 {"message", "the canary lost its traffic; it is scaled down after the drain period"},
                                 {"lastTransitionTime", status.lastTransitionTime}});
  }
  if (!status.handledRequests.promote.empty() || !status.handledRequests.abort.empty()) {
    Json handled = Json::object();
    setString(handled, "promote", status.handledRequests.promote);
    setString(handled, "abort", status.handledRequests.abort);
    out["handledRequests"] = handled;
  }
  return out;
}

Json withInvalidCondition(const Json& conditions, std::string_view reason, std::string_view message,
                          Clock::TimePoint now) {
  Json out = Json::array();
  std::string since = formatRfc3339(now);
  if (conditions.is_array()) {
    for (const auto& c : conditions) {
      if (c.is_object() && c.value("type", "") == kValidatedCondition) {
        if (c.value("status", "") == "False") since = c.value("lastTransitionTime", since);
        continue;
      }
      out.push_back(c);
    }
  }
  out.push_back({{"type", kValidatedCondition},
                 {"status", "False"},
                 {"reason", std::string(reason)},
                 {"message", std::string(message)},
                 {"lastTransitionTime", since},
                 {"lastUpdateTime", formatRfc3339(now)}});
  return out;
}

Json withoutInvalidCondition(const Json& conditions) {
  Json out = Json::array();
  if (!conditions.is_array()) return out;
  for (const auto& c : conditions) {
    if (c.is_object() && c.value("type", "") == kValidatedCondition) continue;
    out.push_back(c);
  }
  return out;
}

Status writeStatus(kube::Client& client, const Json& canary, const api::CanaryStatus& status, int attempts) {
  return writeStatusJson(
      client, canary, [&](const Json& existing) { return statusToJson(status, existing); }, attempts);
}

Status writeStatusJson(kube::Client& client, const Json& canary, const std::function<Json(const Json&)>& makeStatus,
                       int attempts) {
  const auto& r = kube::resources::canaries();
  const std::string ns = stringAt(canary, {"metadata", "namespace"});
  const std::string name = stringAt(canary, {"metadata", "name"});
  Json current = canary;
  Status last = absl::OkStatus();
  for (int i = 0; i < attempts; ++i) {
    Json object = current;
    const Json* existing = findPath(current, {"status"});
    object["status"] = makeStatus(existing && existing->is_object() ? *existing : Json::object());
    auto written = client.updateStatus(r, ns, object);
    if (written.ok()) return absl::OkStatus();
    last = written.status();
    if (!kube::isConflict(last)) return annotate(last, "write status of canary " + ns + "/" + name);
    // Someone else changed the Canary since our read: write our decision on their version.
    auto fresh = client.get(r, ns, name);
    if (!fresh.ok()) return annotate(fresh.status(), "re-read canary " + ns + "/" + name + " after a conflict");
    current = std::move(*fresh);
  }
  return annotate(last, "write status of canary " + ns + "/" + name);
}

}  // namespace pennant::controller
