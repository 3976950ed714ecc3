#include "analysis/hooks.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace pennant::analysis {
namespace {

TEST(HookTypes, RoundTripFlaggerNames) {
  for (const char* name : {"confirm-rollout", "pre-rollout", "rollout", "confirm-traffic-increase", "confirm-promotion",
                           "post-rollout", "rollback", "event"}) {
    auto type = parseHookType(name);
    ASSERT_TRUE(type) << name;
    EXPECT_EQ(hookTypeName(*type), name);
  }
  EXPECT_EQ(parseHookType(""), HookType::kRollout);
  EXPECT_EQ(parseHookType("pre_rollout"), std::nullopt);
}

TEST(HooksOfType, FiltersInSpecOrder) {
  Json hooks = Json::array({testing::hook("a", "rollout"),
                            {{"name", "b"}, {"url", "http://x"}},
                            testing::hook("gate", "confirm-promotion", true),
                            testing::hook("c", "bogus"),
                            42});
  api::Canary canary = testing::makeCanary(testing::analysisPatch({{"webhooks", hooks}}));
  auto rollout = hooksOfType(canary, HookType::kRollout);
  ASSERT_EQ(rollout.size(), 2u);
  EXPECT_EQ(rollout[0].name, "a");
  EXPECT_EQ(rollout[1].name, "b");  // type "" is rollout
  auto gates = hooksOfType(canary, HookType::kConfirmPromotion);
  ASSERT_EQ(gates.size(), 1u);
  EXPECT_TRUE(gates[0].muteAlert);
  EXPECT_TRUE(hooksOfType(canary, HookType::kRollback).empty());
}

}  // namespace
}  // namespace pennant::analysis
