#pragma once
// Traffic-weight arithmetic of the canary strategy, as free functions over the analysis spec
// (Flagger's maxWeight / nextStepWeight / promotion shift). Weights are percentages 0..100.
#include <cstdint>

#include "api/canary.h"

namespace pennant::analysis {

inline constexpr int64_t kTotalWeight = 100;

// The weight at which promotion starts: min(100, last stepWeights entry) when stepWeights is set,
// else maxWeight when > 0, else 100.
int64_t maxWeight(const api::Analysis& analysis);

// How much to add to `weight` on the next step: stepWeight when set (or when stepWeights is
// empty); otherwise the distance to the next stepWeights entry, capped at 100 - weight, and 1
// at 100 (any positive step leads to promotion).
int64_t nextStepWeight(const api::Analysis& analysis, int64_t weight);

// The canary weight after one step from `weight`, clamped to 0..100.
int64_t advancedWeight(const api::Analysis& analysis, int64_t weight);

// Whether the canary at `weight` is at its last step (promotion is next).
bool isFinalStep(const api::Analysis& analysis, int64_t weight);

// The canary weight after one promotion step (stepWeightPromotion moved back to the primary),
// clamped at 0. Without stepWeightPromotion promotion moves everything at once: 0.
int64_t promotionWeight(const api::Analysis& analysis, int64_t weight);

}  // namespace pennant::analysis
