#include "analysis/actions.h"

#include <string>

namespace pennant::analysis {
namespace {

std::string severityName(AlertSeverity s) {
  switch (s) {
    case AlertSeverity::kInfo:
      return "info";
    case AlertSeverity::kWarn:
      return "warn";
    case AlertSeverity::kError:
      return "error";
  }
  return "info";
}

std::string scalerOpName(ScalerOp op) {
  switch (op) {
    case ScalerOp::kReconcilePrimary:
      return "reconcile-primary";
    case ScalerOp::kPauseTarget:
      return "pause-target";
    case ScalerOp::kResumeTarget:
      return "resume-target";
  }
  return "";
}

struct Describer {
  std::string operator()(const SetRoute& a) const {
    return "SetRoute(weight=" + std::to_string(a.state.canaryWeight) + (a.state.abRules ? ", A/B rules" : "") +
           (a.state.mirror ? ", mirror" : "") + ")";
  }
  std::string operator()(const ScaleCanaryFromZero&) const { return "ScaleCanaryFromZero"; }
  std::string operator()(const ScaleCanaryToZero&) const { return "ScaleCanaryToZero"; }
  std::string operator()(const PromotePrimary&) const { return "PromotePrimary"; }
  std::string operator()(const Autoscaler& a) const { return "Autoscaler(" + scalerOpName(a.op) + ")"; }
  std::string operator()(const RunWebhooks& a) const {
    return "RunWebhooks(" + std::string(hookTypeName(a.type)) + ", phase=" + std::string(phaseName(a.phase)) + ")";
  }
  std::string operator()(const RecordEvent& a) const {
    return std::string(kube::eventTypeName(a.type)) + "Event(" + a.message + ")";
  }
  std::string operator()(const SendAlert& a) const {
    return "Alert(" + severityName(a.severity) + ", " + a.message + ")";
  }
  std::string operator()(const RecordOutcome& a) const {
    return std::string(a.success ? "Success" : "Failure") + "(" + a.analysisStatus + ")";
  }
  std::string operator()(const RevertTarget&) const { return "RevertTarget"; }
  std::string operator()(const RevertRouting&) const { return "RevertRouting"; }
  std::string operator()(const AddFinalizer&) const { return "AddFinalizer"; }
  std::string operator()(const RemoveFinalizer&) const { return "RemoveFinalizer"; }
};

}  // namespace

std::string describe(const Action& action) { return std::visit(Describer{}, action); }

}  // namespace pennant::analysis
