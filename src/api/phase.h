#pragma once
// The Canary's status.phase (Flagger's CanaryPhase) as a type: one name table, parse and name
// functions, and the groupings the controller, the analysis and the CLI ask about, defined once.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace pennant::api {

enum class Phase : uint8_t {
  kNone,  // no status yet (Flagger writes "")
  kInitializing,
  kInitialized,
  kWaiting,
  kProgressing,
  kWaitingPromotion,
  kPromoting,
  kFinalising,
  kSucceeded,
  kFailed,
  kTerminating,
  kTerminated,
};

// Flagger's spelling ("Progressing", "WaitingPromotion", ...); "" for kNone.
std::string_view phaseName(Phase phase);
// "" -> kNone; a name Flagger does not define -> nullopt.
std::optional<Phase> parsePhase(std::string_view name);
// Every named phase in lifecycle order (the CLI's choices).
std::vector<std::string> phaseNames();

// Before the primary is Ready: no route is trusted or written yet (kNone, Initializing).
bool isInitialising(Phase phase);
// The analysis is judging the canary (Progressing, WaitingPromotion).
bool isAnalysing(Phase phase);
// A rollout is under way and paced by analysis.interval: Waiting, the analysing phases,
// Promoting, Finalising.
bool isActive(Phase phase);
// Nothing to do until something changes: Initialized, Succeeded, Failed.
bool isResting(Phase phase);

std::ostream& operator<<(std::ostream& out, Phase phase);

}  // namespace pennant::api
