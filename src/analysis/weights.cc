#include "analysis/weights.h"

#include <algorithm>

namespace pennant::analysis {

int64_t maxWeight(const api::Analysis& analysis) {
  if (!analysis.stepWeights.empty()) return std::min(kTotalWeight, analysis.stepWeights.back());
  if (analysis.maxWeight && *analysis.maxWeight > 0) return *analysis.maxWeight;
  return kTotalWeight;
}

int64_t nextStepWeight(const api::Analysis& analysis, int64_t weight) {
  int64_t stepWeight = analysis.stepWeight.value_or(0);
  const auto& steps = analysis.stepWeights;
  if (stepWeight > 0 || steps.empty()) return stepWeight;
  int64_t maxStep = kTotalWeight - weight;
  if (maxStep <= 0) return 1;
  if (weight == 0) return std::min(maxStep, steps.front());
  for (size_t i = 0; i + 1 < steps.size(); ++i) {
    if (steps[i] == weight) return std::min(maxStep, steps[i + 1] - weight);
  }
  return maxStep;
}

int64_t advancedWeight(const api::Analysis& analysis, int64_t weight) {
  return std::clamp<int64_t>(weight + nextStepWeight(analysis, weight), 0, kTotalWeight);
}

bool isFinalStep(const api::Analysis& analysis, int64_t weight) { return weight >= maxWeight(analysis); }

int64_t promotionWeight(const api::Analysis& analysis, int64_t weight) {
  int64_t step = analysis.stepWeightPromotion.value_or(0);
  if (step <= 0) return 0;
  return std::max<int64_t>(0, weight - step);
}

}  // namespace pennant::analysis
