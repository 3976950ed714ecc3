// Paged lists over 1,200 ConfigMaps: limit/continue pages are the requested size, listAll()
// follows every continue token, and nothing is lost or repeated.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "integration/cluster_env.h"
#include "kube/resource.h"

namespace pennant::testbed {
namespace {

using kube::resources::configMaps;
constexpr int kObjects = 1200;

TEST(Pagination, ListsTwelveHundredConfigMapsInPages) {
  ScopedNamespace ns("paging");
  ASSERT_TRUE(ns.ok());
  auto client = adminClient();
  ASSERT_NE(client, nullptr);

  // Two writers: the API server is the bottleneck, and ctest runs another test beside this one.
  auto createRange = [&](int from, int to, int* failures) {
    for (int i = from; i < to; ++i) {
      Json cm = {{"apiVersion", "v1"},
                 {"kind", "ConfigMap"},
                 {"metadata", {{"name", "cm-" + std::to_string(i)}, {"labels", {{"batch", "paging"}}}}},
                 {"data", {{"index", std::to_string(i)}}}};
      if (!client->create(configMaps(), ns.name(), cm).ok()) ++*failures;
    }
  };
  int failuresA = 0, failuresB = 0;
  std::thread writer(createRange, 0, kObjects / 2, &failuresA);
  createRange(kObjects / 2, kObjects, &failuresB);
  writer.join();
  ASSERT_EQ(failuresA + failuresB, 0);

  // Page by page by hand: every page but the last is full.
  std::set<std::string> seen;
  kube::ListOptions opts{.labelSelector = "batch=paging", .limit = 100};
  int pages = 0;
  do {
    auto page = client->list(configMaps(), ns.name(), opts);
    ASSERT_TRUE(page.ok()) << page.status();
    ++pages;
    if (!page->continueToken.empty()) {
      EXPECT_EQ(page->items.size(), 100u);
    }
    for (const Json& item : page->items) {
      EXPECT_TRUE(seen.insert(stringAt(item, {"metadata", "name"})).second) << "repeated across pages";
    }
    opts.continueToken = page->continueToken;
  } while (!opts.continueToken.empty() && pages < 100);
  EXPECT_EQ(pages, kObjects / 100);
  EXPECT_EQ(seen.size(), static_cast<size_t>(kObjects));

  // listAll() does the same.
  auto all = kube::listAll(*client, configMaps(), ns.name(), {.labelSelector = "batch=paging", .limit = 250});
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->items.size(), static_cast<size_t>(kObjects));
  EXPECT_TRUE(all->continueToken.empty());
  EXPECT_FALSE(all->resourceVersion.empty());
}

}  // namespace
}  // namespace pennant::testbed
