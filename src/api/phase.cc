#include "api/phase.h"

#include "common/name_table.h"

namespace pennant::api {
namespace {

constexpr NameTable<Phase, 12> kPhaseNames{{
    {Phase::kNone, ""},
    {Phase::kInitializing, "Initializing"},
    {Phase::kInitialized, "Initialized"},
    {Phase::kWaiting, "Waiting"},
    {Phase::kProgressing, "Progressing"},
    {Phase::kWaitingPromotion, "WaitingPromotion"},
    {Phase::kPromoting, "Promoting"},
    {Phase::kFinalising, "Finalising"},
    {Phase::kSucceeded, "Succeeded"},
    {Phase::kFailed, "Failed"},
    {Phase::kTerminating, "Terminating"},
    {Phase::kTerminated, "Terminated"},
}};

}  // namespace

std::string_view phaseName(Phase phase) { return nameIn(kPhaseNames, phase); }

std::optional<Phase> parsePhase(std::string_view name) { return valueIn(kPhaseNames, name); }

std::vector<std::string> phaseNames() {
  std::vector<std::string> out;
  for (const auto& [p, name] : kPhaseNames) {
    if (p != Phase::kNone) out.emplace_back(name);
  }
  return out;
}

bool isInitialising(Phase phase) { return phase == Phase::kNone || phase == Phase::kInitializing; }

bool isAnalysing(Phase phase) { return phase == Phase::kProgressing || phase == Phase::kWaitingPromotion; }

bool isActive(Phase phase) {
  return isAnalysing(phase) || phase == Phase::kWaiting || phase == Phase::kPromoting || phase == Phase::kFinalising;
}

bool isResting(Phase phase) {
  return phase == Phase::kInitialized || phase == Phase::kSucceeded || phase == Phase::kFailed;
}

std::ostream& operator<<(std::ostream& out, Phase phase) {
  return out << (phase == Phase::kNone ? std::string_view("(none)") : phaseName(phase));
}

}  // namespace pennant::api
