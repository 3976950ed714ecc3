#pragma once
// `pennant status` as text: pure functions from Canary and Event objects (JSON as the API server
// returns them) and the current time to what is printed. No I/O, so the views are unit-tested.
//   describeCanary  the detailed view of one Canary (`pennant status NAME`)
//   canaryTable     one row per Canary (`pennant status`, `-A`)
//   watchRow        one line per change (`pennant status --watch`, as `kubectl get -w`)
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/json.h"

namespace pennant::cli {

// One events.k8s.io/v1 Event about a Canary, reduced to what the views print.
struct EventLine {
  std::string type;    // Normal | Warning
  std::string reason;  // Synced, InvalidSpec, ...
  std::string note;
  Clock::TimePoint at{};  // the latest of series.lastObservedTime, eventTime, creationTimestamp
  int count = 1;          // series.count (repeated events are aggregated)
};

// The Events whose `regarding` is the Canary `ns/name`, oldest first.
std::vector<EventLine> canaryEvents(const std::vector<Json>& events, std::string_view ns, std::string_view name);

// kubectl's age format (HumanDuration): 45s, 3m12s, 25m, 5h12m, 3d4h, ...
std::string formatAge(Clock::TimePoint::duration age);

// The detailed view of one Canary; `events` oldest first (the last `maxEvents` are shown).
std::string describeCanary(const Json& canary, const std::vector<EventLine>& events, Clock::TimePoint now,
                           size_t maxEvents = 8);

// A table of Canaries: NAMESPACE (when `withNamespace`) NAME PHASE WEIGHT FAILED LAST TRANSITION.
std::string canaryTable(const std::vector<Json>& canaries, bool withNamespace, Clock::TimePoint now);

// --watch: a header, then one line per observed change, fixed-width so lines align as they come.
std::string watchHeader(bool withNamespace);
std::string watchRow(const Json& canary, const std::optional<EventLine>& lastEvent, bool withNamespace,
                     Clock::TimePoint now);

// "Progressing", "" when the Canary has no status yet.
std::string phaseOf(const Json& canary);

}  // namespace pennant::cli
