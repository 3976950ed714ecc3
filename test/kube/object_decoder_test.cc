#include "kube/object_decoder.h"

#include <gtest/gtest.h>

namespace pennant::kube {
namespace {

TEST(ObjectDecoderTest, ListItemsGetApiVersionAndKind) {
  const std::string body = R"({"kind":"DeploymentList","apiVersion":"apps/v1",
    "metadata":{"resourceVersion":"42","continue":"tok"},
    "items":[{"metadata":{"name":"a"}},{"kind":"Other","apiVersion":"x/v1","metadata":{"name":"b"}}]})";
  auto list = decodeList(body, resources::deployments(), "list deployments");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->resourceVersion, "42");
  EXPECT_EQ(list->continueToken, "tok");
  ASSERT_EQ(list->items.size(), 2u);
  EXPECT_EQ(list->items[0]["kind"], "Deployment");
  EXPECT_EQ(list->items[0]["apiVersion"], "apps/v1");
  EXPECT_EQ(list->items[1]["kind"], "Other");  // kept when present
}

TEST(ObjectDecoderTest, EmptyListsMayOmitItems) {
  auto list =
      decodeList(R"({"kind":"PodList","metadata":{"resourceVersion":"7"},"items":null})", resources::pods(), "x");
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->items.empty());
  EXPECT_EQ(list->resourceVersion, "7");
}

TEST(ObjectDecoderTest, MalformedAnswersAreDataLoss) {
  EXPECT_EQ(decodeList("{not json", resources::pods(), "x").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(decodeList(R"({"items":{}})", resources::pods(), "x").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(decodeList(R"({"items":[1]})", resources::pods(), "x").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(decodeObject("[1,2]", "x").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(decodeObject("", "x").status().code(), StatusCode::kDataLoss);
  auto ok = decodeObject(R"({"kind":"Pod"})", "x");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)["kind"], "Pod");
}

}  // namespace
}  // namespace pennant::kube
