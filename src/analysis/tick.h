#pragma once
// Internal: one tick of the state machine, shared by step() and plan(). The only difference
// between them is the Gates: step() answers from the observed hook/check results, plan()
// records what was asked and answers "passed" so the path runs as far as it can.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "analysis/hooks.h"
#include "analysis/observations.h"
#include "analysis/step.h"
#include "api/canary.h"

namespace pennant::analysis::internal {

class Gates {
 public:
  virtual ~Gates() = default;
  // Results of the hooks of `type` (empty when the spec has none); nullopt when not run.
  virtual std::optional<std::vector<WebhookResult>> hooks(HookType type) = 0;
  // Results of the metric checks (empty when the spec has none); nullopt when not run.
  virtual std::optional<std::vector<CheckVerdict>> checks() = 0;
};

class Tick {
 public:
  Tick(const api::Canary& canary, const api::CanaryStatus& status, const Observed& observed, Gates& gates);
  Decision run();

 private:
  // Lifecycle (tick.cc).
  bool handleFinalizer();  // true when the tick ends here (deletion)
  void initialize();
  bool newRevision() const;
  std::chrono::seconds untilNextStep() const;  // 0 when an analysis step is due
  void advance();
  void startRun();
  void restartRun();
  void rollback();
  void failPromotion(const std::string& reason);
  void skipAnalysis();
  void promotionShift(int64_t weight);
  void finalise();
  // Drain (tick.cc): a version that lost its traffic keeps running for the drain period, counted
  // from the status transition that moved the traffic, and until the gateway has accepted the
  // route; then it is scaled down.
  void scaleDownCanary();                     // now, or owed (status.draining) after the drain period
  bool finishDrain();                         // true when the tick ends here
  std::chrono::seconds untilDrained() const;  // 0 when the drain period is over

  // User requests, pennant promote / pennant abort (tick_requests.cc).
  bool handleUserRequests();  // true when the tick ends here (an abort rolled back)
  bool promoteRequested() const;
  void dismissRequests(const std::string& why);
  void promoteOnRequest();

  // Analysis and strategies (tick_analysis.cc).
  void analyse(int64_t weight, bool mirrored);
  bool preRolloutPassed();
  bool analysisPassed();
  void countFailedCheck();
  void runAb();
  void runBlueGreen(bool mirrored);
  void runCanary(int64_t weight, bool mirrored);
  bool promotionConfirmed();
  void promote();

  // Outputs.
  // The Event carries `phase` when given, else the phase the tick has reached when it is called.
  void event(kube::EventType type, std::string message, std::optional<Phase> phase = std::nullopt);
  void alert(AlertSeverity severity, std::string message, bool withMetadata = false);
  void setRoute(int64_t weight, Phase phase, bool mirror = false);
  void scaler(ScalerOp op);
  void hold(std::string reason);
  void missing(HookType type);
  void missingChecks();
  std::string name() const;    // "<name>.<namespace>"
  std::string target() const;  // "<target>.<namespace>"

  const api::Canary& canary_;
  const api::CanaryStatus& before_;
  const Observed& obs_;
  Gates& gates_;
  api::CanaryStatus next_;
  Decision decision_;
  bool missing_ = false;  // a consulted stage was not run: hold without deciding
};

}  // namespace pennant::analysis::internal
