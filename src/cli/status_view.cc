#include "cli/status_view.h"

#include <absl/time/time.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "analysis/user_requests.h"

namespace pennant::cli {
namespace {

std::optional<Clock::TimePoint> parseTime(const std::string& text) {
  absl::Time t;
  std::string error;
  if (text.empty() || !absl::ParseTime(absl::RFC3339_full, text, &t, &error)) return std::nullopt;
  return std::chrono::time_point_cast<Clock::TimePoint::duration>(absl::ToChronoTime(t));
}

int64_t intAt(const Json& root, std::initializer_list<std::string_view> path, int64_t fallback) {
  const Json* v = findPath(root, path);
  return v && v->is_number() ? v->get<int64_t>() : fallback;
}

std::string ageSince(const std::string& timestamp, Clock::TimePoint now) {
  auto t = parseTime(timestamp);
  return t ? formatAge(now - *t) : "-";
}

std::string failedChecks(const Json& canary) {
  if (phaseOf(canary).empty()) return "-";
  // analysis.threshold is at least 1 (as the controller reads it).
  int64_t threshold = std::max<int64_t>(1, intAt(canary, {"spec", "analysis", "threshold"}, 1));
  return fmt::format("{}/{}", intAt(canary, {"status", "failedChecks"}, 0), threshold);
}

std::string weight(const Json& canary) {
  if (phaseOf(canary).empty()) return "-";
  return std::to_string(intAt(canary, {"status", "canaryWeight"}, 0));
}

bool suspended(const Json& canary) {
  const Json* s = findPath(canary, {"spec", "suspend"});
  return s && s->is_boolean() && s->get<bool>();
}

// PHASE, marked when the Canary is paused (the controller then does nothing for it).
std::string phaseColumn(const Json& canary) {
  std::string p = phaseOf(canary);
  if (p.empty()) p = "<none>";
  return suspended(canary) ? p + " (paused)" : p;
}

std::string strategy(const Json& canary) {
  const Json* a = findPath(canary, {"spec", "analysis"});
  if (!a || !a->is_object()) return "-";
  std::string every = fmt::format("every {}, threshold {}", stringAt(*a, {"interval"}, "60s"),
                                  std::max<int64_t>(1, intAt(*a, {"threshold"}, 1)));
  int64_t iterations = intAt(*a, {"iterations"}, 0);
  const Json* match = findPath(*a, {"match"});
  if (iterations > 0 && match && match->is_array() && !match->empty()) {
    return fmt::format("A/B testing, {} iterations, {}", iterations, every);
  }
  if (iterations > 0) return fmt::format("blue/green, {} iterations, {}", iterations, every);
  std::string steps;
  const Json* list = findPath(*a, {"stepWeights"});
  if (list && list->is_array() && !list->empty()) {
    steps = "stepWeights " + list->dump();
  } else {
    steps = fmt::format("stepWeight {}", intAt(*a, {"stepWeight"}, 0));
  }
  return fmt::format("canary, {}, maxWeight {}, {}", steps, intAt(*a, {"maxWeight"}, 50), every);
}

std::string route(const Json& canary) {
  const Json* ref = findPath(canary, {"spec", "routeRef"});
  if (ref && ref->is_object()) return stringAt(*ref, {"kind"}) + "/" + stringAt(*ref, {"name"}) + " (routeRef)";
  std::string apex = stringAt(canary, {"spec", "service", "name"});
  if (apex.empty()) apex = stringAt(canary, {"spec", "targetRef", "name"});
  return stringAt(canary, {"spec", "service", "route", "kind"}, "HTTPRoute") + "/" + apex + " (managed)";
}

std::string requests(const Json& canary) {
  analysis::UserRequests asked = analysis::readUserRequests(canary.value("metadata", Json::object()));
  std::string handledPromote = stringAt(canary, {"status", "handledRequests", "promote"});
  std::string handledAbort = stringAt(canary, {"status", "handledRequests", "abort"});
  std::vector<std::string> parts;
  auto add = [&](const char* verb, const std::string& id, const std::string& handled) {
    if (id.empty()) return;
    parts.push_back(fmt::format("{} {} ({})", verb, id, id == handled ? "handled" : "pending"));
  };
  add("promote", asked.promote, handledPromote);
  add("abort", asked.abort, handledAbort);
  if (parts.empty()) return "none";
  std::string out = parts[0];
  for (size_t i = 1; i < parts.size(); ++i) out += ", " + parts[i];
  return out;
}

// "grpc-success-rate (min 99), latency (max 500, template latency)": the metric checks each step runs.
std::string metricChecks(const Json& canary) {
  const Json* metrics = findPath(canary, {"spec", "analysis", "metrics"});
  if (!metrics || !metrics->is_array()) return "";
  std::string out;
  for (const Json& m : *metrics) {
    std::vector<std::string> limits;
    for (const char* bound : {"min", "max"}) {
      const Json* v = findPath(m, {"thresholdRange", bound});
      if (v && v->is_number()) limits.push_back(fmt::format("{} {}", bound, v->dump()));
    }
    std::string templ = stringAt(m, {"templateRef", "name"});
    if (!templ.empty()) limits.push_back("template " + templ);
    std::string item = stringAt(m, {"name"});
    if (!limits.empty()) item += " (" + fmt::format("{}", fmt::join(limits, ", ")) + ")";
    out += (out.empty() ? "" : ", ") + item;
  }
  return out;
}

// "load-test (rollout), gate (confirm-promotion)".
std::string webhooks(const Json& canary) {
  const Json* hooks = findPath(canary, {"spec", "analysis", "webhooks"});
  if (!hooks || !hooks->is_array()) return "";
  std::string out;
  for (const Json& h : *hooks) {
    out += (out.empty() ? "" : ", ") + stringAt(h, {"name"}) + " (" + stringAt(h, {"type"}, "rollout") + ")";
  }
  return out;
}

std::string oneLine(std::string text, size_t max) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  if (text.size() > max) text = text.substr(0, max - 3) + "...";
  return text;
}

}  // namespace

std::string phaseOf(const Json& canary) { return stringAt(canary, {"status", "phase"}); }

std::vector<EventLine> canaryEvents(const std::vector<Json>& events, std::string_view ns, std::string_view name) {
  std::vector<EventLine> out;
  for (const Json& e : events) {
    if (stringAt(e, {"regarding", "kind"}) != "Canary" || stringAt(e, {"regarding", "name"}) != name) continue;
    std::string eventNs = stringAt(e, {"regarding", "namespace"}, stringAt(e, {"metadata", "namespace"}));
    if (eventNs != ns) continue;
    EventLine line;
    line.type = stringAt(e, {"type"}, "Normal");
    line.reason = stringAt(e, {"reason"});
    line.note = stringAt(e, {"note"});
    line.count = static_cast<int>(intAt(e, {"series", "count"}, 1));
    for (const auto& stamp :
         {stringAt(e, {"series", "lastObservedTime"}), stringAt(e, {"eventTime"}),
          stringAt(e, {"deprecatedLastTimestamp"}), stringAt(e, {"metadata", "creationTimestamp"})}) {
      if (auto t = parseTime(stamp); t && *t > line.at) line.at = *t;
    }
    out.push_back(std::move(line));
  }
  std::stable_sort(out.begin(), out.end(), [](const EventLine& a, const EventLine& b) { return a.at < b.at; });
  return out;
}

// Hand-written: kubectl's HumanDuration (apimachinery/pkg/util/duration) has no C++ counterpart.
std::string formatAge(Clock::TimePoint::duration age) {
  const int64_t seconds = std::chrono::round<std::chrono::seconds>(age).count();
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return fmt::format("{}s", seconds);
  const int64_t minutes = seconds / 60;
  if (minutes < 10)
    return seconds % 60 == 0 ? fmt::format("{}m", minutes) : fmt::format("{}m{}s", minutes, seconds % 60);
  if (minutes < 180) return fmt::format("{}m", minutes);
  const int64_t hours = minutes / 60;
  if (hours < 8) return minutes % 60 == 0 ? fmt::format("{}h", hours) : fmt::format("{}h{}m", hours, minutes % 60);
  if (hours < 48) return fmt::format("{}h", hours);
  if (hours < 24 * 8)
    return hours % 24 == 0 ? fmt::format("{}d", hours / 24) : fmt::format("{}d{}h", hours / 24, hours % 24);
  if (hours < 24 * 365 * 2) return fmt::format("{}d", hours / 24);
  const int64_t years = hours / 24 / 365;
  const int64_t days = (hours / 24) % 365;
  if (hours < 24 * 365 * 8) return days == 0 ? fmt::format("{}y", years) : fmt::format("{}y{}d", years, days);
  return fmt::format("{}y", years);
}

std::string describeCanary(const Json& canary, const std::vector<EventLine>& events, Clock::TimePoint now,
                           size_t maxEvents) {
  std::string out;
  auto field = [&](std::string_view label, const std::string& value) {
    out += fmt::format("{:<17}{}\n", std::string(label) + ":", value);
  };
  const std::string p = phaseOf(canary);
  const std::string target = stringAt(canary, {"spec", "targetRef", "name"});
  field("Name", stringAt(canary, {"metadata", "name"}));
  field("Namespace", stringAt(canary, {"metadata", "namespace"}, "default"));
  field("Target", stringAt(canary, {"spec", "targetRef", "kind"}, "Deployment") + "/" + target + " (primary " + target +
                      "-primary)");
  field("Route", route(canary));
  field("Strategy", strategy(canary));
  if (std::string checks = metricChecks(canary); !checks.empty()) field("Checks", checks);
  if (std::string hooks = webhooks(canary); !hooks.empty()) field("Webhooks", hooks);
  field("Phase", p.empty() ? "<none> (not yet seen by the controller)" : p);
  if (!p.empty()) {
    int64_t w = intAt(canary, {"status", "canaryWeight"}, 0);
    field("Traffic", fmt::format("primary {}%, canary {}%", 100 - w, w));
    field("Failed checks", failedChecks(canary));
    int64_t total = intAt(canary, {"spec", "analysis", "iterations"}, 0);
    if (total > 0) field("Iterations", fmt::format("{}/{}", intAt(canary, {"status", "iterations"}, 0), total));
  }
  field("Paused", suspended(canary) ? "yes (spec.suspend: `pennant resume` to continue)" : "no");
  const std::string since = stringAt(canary, {"status", "lastTransitionTime"});
  if (!since.empty()) field("Last transition", since + " (" + ageSince(since, now) + " ago)");
  field("Requests", requests(canary));
  const Json* conditions = findPath(canary, {"status", "conditions"});
  if (conditions && conditions->is_array() && !conditions->empty()) {
    out += "Conditions:\n";
    for (const Json& c : *conditions) {
      out += fmt::format("  {}={}  {}  {}\n", stringAt(c, {"type"}), stringAt(c, {"status"}), stringAt(c, {"reason"}),
                         oneLine(stringAt(c, {"message"}), 200));
    }
  }
  out += "Events:";
  if (events.empty()) return out + " <none>\n";
  out += "\n";
  size_t first = events.size() > maxEvents ? events.size() - maxEvents : 0;
  out += fmt::format("  {:<9}{:<9}{:<13}{}\n", "AGE", "TYPE", "REASON", "MESSAGE");
  for (size_t i = first; i < events.size(); ++i) {
    const EventLine& e = events[i];
    std::string age = formatAge(now - e.at);
    if (e.count > 1) age += " (x" + std::to_string(e.count) + ")";
    out += fmt::format("  {:<9}{:<9}{:<13}{}\n", age, e.type, e.reason, oneLine(e.note, 160));
  }
  return out;
}

std::string canaryTable(const std::vector<Json>& canaries, bool withNamespace, Clock::TimePoint now) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"NAME", "PHASE", "WEIGHT", "FAILED", "LAST TRANSITION"};
  if (withNamespace) header.insert(header.begin(), "NAMESPACE");
  rows.push_back(header);
  for (const Json& c : canaries) {
    std::vector<std::string> row = {stringAt(c, {"metadata", "name"}), phaseColumn(c), weight(c), failedChecks(c),
                                    ageSince(stringAt(c, {"status", "lastTransitionTime"}), now)};
    if (withNamespace) row.insert(row.begin(), stringAt(c, {"metadata", "namespace"}));
    rows.push_back(std::move(row));
  }
  std::vector<size_t> widths(header.size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += i + 1 == row.size() ? row[i] : fmt::format("{:<{}}", row[i], widths[i] + 3);
    }
    out += line + "\n";
  }
  return out;
}

namespace {
// Fixed widths for --watch lines (they are printed one by one and cannot be re-aligned).
constexpr int kNsWidth = 14;
constexpr int kNameWidth = 18;
constexpr int kPhaseWidth = 27;  // "WaitingPromotion (paused)"
}  // namespace

std::string watchHeader(bool withNamespace) {
  std::string ns = withNamespace ? fmt::format("{:<{}}", "NAMESPACE", kNsWidth) : "";
  return fmt::format("{:<10}{}{:<{}}{:<{}}{:<8}{:<8}{}\n", "TIME", ns, "NAME", kNameWidth, "PHASE", kPhaseWidth,
                     "WEIGHT", "FAILED", "LAST EVENT");
}

std::string watchRow(const Json& canary, const std::optional<EventLine>& lastEvent, bool withNamespace,
                     Clock::TimePoint now) {
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count() % 86400;
  std::string time = fmt::format("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
  std::string ns = withNamespace ? fmt::format("{:<{}}", stringAt(canary, {"metadata", "namespace"}), kNsWidth) : "";
  std::string event = lastEvent ? (lastEvent->type == "Warning" ? "! " : "") + oneLine(lastEvent->note, 110) : "";
  return fmt::format("{:<10}{}{:<{}}{:<{}}{:<8}{:<8}{}\n", time, ns, stringAt(canary, {"metadata", "name"}), kNameWidth,
                     phaseColumn(canary), kPhaseWidth, weight(canary), failedChecks(canary), event);
}

}  // namespace pennant::cli
