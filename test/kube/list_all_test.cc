#include <gtest/gtest.h>

#include "kube/client.h"
#include "kube/errors.h"
#include "kube/kube_test_objects.h"
#include "kube/rest_test_support.h"

namespace pennant::kube {
namespace {

using namespace kube::test_objects;  // NOLINT: kube_test_objects.h

using testing::TestRequest;
using testing::TestResponse;

Json page(std::vector<std::string> names, const std::string& rv, const std::string& next) {
  Json items = Json::array();
  for (const auto& n : names) items.push_back({{"metadata", {{"name", n}}}});
  return {{"kind", "PodList"},
          {"apiVersion", "v1"},
          {"metadata", {{"resourceVersion", rv}, {"continue", next}}},
          {"items", items}};
}

class ListAllTest : public ::testing::Test, public RestFixture {
 protected:
  std::shared_ptr<RestClient> client_ = makeClient();
};

TEST_F(ListAllTest, FollowsContinueTokensToTheLastPage) {
  server.on("GET", kPodsPath, [](const TestRequest& req) {
    if (req.param("continue").empty()) return TestResponse::json(200, page({"a", "b"}, "10", "p2"));
    if (req.param("continue") == "p2") return TestResponse::json(200, page({"c", "d"}, "10", "p3"));
    return TestResponse::json(200, page({"e"}, "10", ""));
  });
  ListOptions opts;
  opts.limit = 2;
  opts.labelSelector = "app=web";
  auto all = listAll(*client_, resources::pods(), "default", opts);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->items.size(), 5u);
  EXPECT_EQ(stringAt(all->items[4], {"metadata", "name"}), "e");
  EXPECT_EQ(all->items[4]["kind"], "Pod");
  EXPECT_EQ(all->resourceVersion, "10");
  EXPECT_TRUE(all->continueToken.empty());
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 3u);
  for (const auto& r : seen) {
    EXPECT_EQ(r.param("limit"), "2");
    EXPECT_EQ(r.param("labelSelector"), "app=web");
  }
}

TEST_F(ListAllTest, ExpiredContinueTokenRestartsWithOneFullList) {
  server.on("GET", kPodsPath, [](const TestRequest& req) {
    if (req.param("continue") == "p2") return TestResponse::kubeStatus(410, "Expired", "continue token expired");
    if (req.hasParam("limit")) return TestResponse::json(200, page({"a"}, "10", "p2"));
    return TestResponse::json(200, page({"a", "b", "c"}, "20", ""));
  });
  ListOptions opts;
  opts.limit = 1;
  auto all = listAll(*client_, resources::pods(), "default", opts);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->items.size(), 3u);
  EXPECT_EQ(all->resourceVersion, "20");
}

TEST_F(ListAllTest, ErrorsPropagateAndRepeatedTokensStop) {
  server.enqueue("GET", kPodsPath, TestResponse::kubeStatus(403, "Forbidden", "no list"));
  EXPECT_TRUE(isForbidden(listAll(*client_, resources::pods(), "default", {}).status()));
  server.on("GET", kPodsPath, [](const TestRequest&) { return TestResponse::json(200, page({"a"}, "1", "same")); });
  ListOptions opts;
  opts.continueToken = "same";
  EXPECT_EQ(listAll(*client_, resources::pods(), "default", opts).status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace pennant::kube
