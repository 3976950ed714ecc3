// Phase names round-trip with Flagger's spelling, and each grouping holds the phases the
// controller and the analysis rely on.
#include "api/phase.h"

#include <gtest/gtest.h>

namespace pennant::api {
namespace {

TEST(Phase, EveryNameRoundTripsAndUnknownNamesAreRefused) {
  EXPECT_EQ(phaseNames().size(), 11u);
  for (const std::string& name : phaseNames()) {
    auto phase = parsePhase(name);
    ASSERT_TRUE(phase.has_value()) << name;
    EXPECT_EQ(phaseName(*phase), name);
  }
  EXPECT_EQ(parsePhase(""), Phase::kNone);
  EXPECT_EQ(phaseName(Phase::kNone), "");
  EXPECT_EQ(parsePhase("progressing"), std::nullopt);  // Flagger's names are case-sensitive
  EXPECT_EQ(parsePhase("Finalizing"), std::nullopt);   // and spelled Finalising
}

TEST(Phase, GroupingsAreFlaggers) {
  for (const std::string& name : phaseNames()) {
    const Phase p = *parsePhase(name);
    EXPECT_EQ(isAnalysing(p), name == "Progressing" || name == "WaitingPromotion") << name;
    EXPECT_EQ(isActive(p), isAnalysing(p) || name == "Waiting" || name == "Promoting" || name == "Finalising") << name;
    EXPECT_EQ(isResting(p), name == "Initialized" || name == "Succeeded" || name == "Failed") << name;
    EXPECT_EQ(isInitialising(p), name == "Initializing") << name;
    EXPECT_FALSE(isActive(p) && isResting(p)) << name;
  }
  EXPECT_TRUE(isInitialising(Phase::kNone));
}

}  // namespace
}  // namespace pennant::api
