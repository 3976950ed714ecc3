#include "controller/status_writer.h"

#include <gtest/gtest.h>

namespace pennant::controller {
namespace {

api::CanaryStatus reparsed(const Json& status) {
  Json manifest = {{"apiVersion", "flagger.app/v1beta1"},
                   {"kind", "Canary"},
                   {"metadata", {{"name", "c"}, {"namespace", "n"}}},
                   {"spec", {{"targetRef", {{"kind", "Deployment"}, {"name", "c"}}}}},
                   {"status", status}};
  auto canary = api::parseCanary(manifest);
  EXPECT_TRUE(canary.ok()) << canary.status();
  return canary.ok() ? canary->status : api::CanaryStatus{};
}

TEST(StatusWriter, DrainingIsAConditionThatRoundTrips) {
  api::CanaryStatus s;
  s.phase = api::Phase::kFailed;
  s.lastTransitionTime = "2027-01-15T08:00:00Z";
  s.conditions = Json::array({{{"type", "Promoted"}, {"status", "False"}, {"reason", "Failed"}}});
  s.draining = true;
  Json out = statusToJson(s);
  ASSERT_EQ(out["conditions"].size(), 2u) << out.dump();
  EXPECT_EQ(out["conditions"][1]["type"], "Draining");
  EXPECT_EQ(out["conditions"][1]["status"], "True");
  EXPECT_EQ(out["conditions"][1]["reason"], "ScaleDownPending");
  EXPECT_FALSE(out.contains("draining")) << "a field an older CRD schema would prune";
  api::CanaryStatus back = reparsed(out);
  EXPECT_TRUE(back.draining);
  // Written again while still draining: one condition, not two.
  EXPECT_EQ(statusToJson(back)["conditions"].size(), 2u);
  // Drained: the condition goes, the others stay.
  back.draining = false;
  Json done = statusToJson(back);
  ASSERT_EQ(done["conditions"].size(), 1u) << done.dump();
  EXPECT_EQ(done["conditions"][0]["type"], "Promoted");
  EXPECT_FALSE(reparsed(done).draining);
}

}  // namespace
}  // namespace pennant::controller
