#include "fakes/fake_kube_client.h"

#include <gtest/gtest.h>

#include <thread>

#include "kube/errors.h"

namespace pennant::fakes {
namespace {

using kube::WatchEvent;

const kube::Resource kConfigMaps{"", "v1", "configmaps", true};

Json configMap(const std::string& ns, const std::string& name, Json labels = Json::object()) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", ns}, {"labels", labels}}},
          {"data", {{"k", "v"}}}};
}

TEST(LabelSelectorTest, ParsesAndMatchesEqualitySetAndExistence) {
  auto reqs = parseLabelSelector("a=b,c!=d,e in (x, y),f,!g,h notin (z)");
  ASSERT_TRUE(reqs.ok()) << reqs.status();
  ASSERT_EQ(reqs->size(), 6u);
  EXPECT_TRUE(matchesLabels(*reqs, {{"a", "b"}, {"c", "q"}, {"e", "y"}, {"f", ""}, {"h", "w"}}));
  EXPECT_TRUE(matchesLabels(*reqs, {{"a", "b"}, {"e", "x"}, {"f", "1"}}));       // c and h absent are fine
  EXPECT_FALSE(matchesLabels(*reqs, {{"a", "b"}, {"c", "d"}, {"e", "x"}, {"f", "1"}}));
  EXPECT_FALSE(matchesLabels(*reqs, {{"a", "b"}, {"e", "q"}, {"f", "1"}}));
  EXPECT_FALSE(matchesLabels(*reqs, {{"a", "b"}, {"e", "x"}}));                    // f missing
  EXPECT_FALSE(matchesLabels(*reqs, {{"a", "b"}, {"e", "x"}, {"f", "1"}, {"g", "1"}}));
  EXPECT_FALSE(matchesLabels(*reqs, {{"a", "b"}, {"e", "x"}, {"f", "1"}, {"h", "z"}}));
  EXPECT_TRUE(matchesLabels(*parseLabelSelector(""), Json()));
  EXPECT_FALSE(parseLabelSelector("a in x,y)").ok());
  EXPECT_FALSE(parseLabelSelector("a,,b").ok());
}

TEST(FakeKubeClientTest, CreateAssignsMonotonicResourceVersionsAndRejectsDuplicates) {
  FakeKubeClient client;
  auto a = client.create(kConfigMaps, "ns", configMap("ns", "a"));
  auto b = client.create(kConfigMaps, "ns", configMap("ns", "b"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_LT(std::stoll(stringAt(*a, {"metadata", "resourceVersion"})),
            std::stoll(stringAt(*b, {"metadata", "resourceVersion"})));
  EXPECT_FALSE(stringAt(*a, {"metadata", "uid"}).empty());
  auto again = client.create(kConfigMaps, "ns", configMap("ns", "a"));
  EXPECT_TRUE(kube::isAlreadyExists(again.status()));
  EXPECT_EQ(kube::reasonOf(again.status()), "AlreadyExists");
  EXPECT_TRUE(kube::isNotFound(client.get(kConfigMaps, "other", "a").status()));
}

TEST(FakeKubeClientTest, UpdateWithStaleResourceVersionIsConflict) {
  FakeKubeClient client;
  Json created = *client.create(kConfigMaps, "ns", configMap("ns", "a"));
  Json first = created;
  first["data"]["k"] = "v2";
  ASSERT_TRUE(client.update(kConfigMaps, "ns", first).ok());
  Json stale = created;
  stale["data"]["k"] = "v3";
  auto result = client.update(kConfigMaps, "ns", stale);
  EXPECT_TRUE(kube::isConflict(result.status()));
  EXPECT_EQ(kube::reasonOf(result.status()), "Conflict");
  EXPECT_EQ(stringAt(*client.get(kConfigMaps, "ns", "a"), {"data", "k"}), "v2");
}

TEST(FakeKubeClientTest, InjectedConflictsAffectOnlyTheNextUpdates) {
  FakeKubeClient client;
  Json obj = *client.create(kConfigMaps, "ns", configMap("ns", "a"));
  client.failNextUpdates(2);
  obj["data"]["k"] = "x";
  EXPECT_TRUE(kube::isConflict(client.update(kConfigMaps, "ns", obj).status()));
  EXPECT_TRUE(kube::isConflict(client.update(kConfigMaps, "ns", obj).status()));
  EXPECT_TRUE(client.update(kConfigMaps, "ns", obj).ok());
}

TEST(FakeKubeClientTest, StatusSubresourceIsSeparateFromSpec) {
  FakeKubeClient client;
  const kube::Resource deployments{"apps", "v1", "deployments", true};
  Json d = {{"metadata", {{"name", "d"}, {"namespace", "ns"}}}, {"spec", {{"replicas", 1}}}};
  Json created = *client.create(deployments, "ns", d);
  EXPECT_EQ(created["metadata"]["generation"], 1);
  Json withStatus = created;
  withStatus["status"] = {{"readyReplicas", 1}};
  withStatus["spec"]["replicas"] = 5;
  Json afterStatus = *client.updateStatus(deployments, "ns", withStatus);
  EXPECT_EQ(afterStatus["status"]["readyReplicas"], 1);
  EXPECT_EQ(afterStatus["spec"]["replicas"], 1);  // updateStatus ignores spec
  Json specChange = afterStatus;
  specChange["spec"]["replicas"] = 3;
  specChange.erase("status");
  Json afterUpdate = *client.update(deployments, "ns", specChange);
  EXPECT_EQ(afterUpdate["status"]["readyReplicas"], 1);  // update keeps status
  EXPECT_EQ(afterUpdate["metadata"]["generation"], 2);
  // A no-op write does not bump the resourceVersion.
  Json same = *client.update(deployments, "ns", afterUpdate);
  EXPECT_EQ(same["metadata"]["resourceVersion"], afterUpdate["metadata"]["resourceVersion"]);
}

TEST(FakeKubeClientTest, ListPaginatesAndFiltersByLabels) {
  FakeKubeClient client;
  for (int i = 0; i < 7; ++i) {
    Json labels = {{"app", i % 2 == 0 ? "even" : "odd"}};
    ASSERT_TRUE(client.create(kConfigMaps, "ns", configMap("ns", "cm" + std::to_string(i), labels)).ok());
  }
  ASSERT_TRUE(client.create(kConfigMaps, "other", configMap("other", "x")).ok());
  kube::ListOptions opts;
  opts.limit = 3;
  auto page1 = client.list(kConfigMaps, "ns", opts);
  ASSERT_TRUE(page1.ok());
  EXPECT_EQ(page1->items.size(), 3u);
  EXPECT_FALSE(page1->continueToken.empty());
  opts.continueToken = page1->continueToken;
  auto page2 = client.list(kConfigMaps, "ns", opts);
  opts.continueToken = page2->continueToken;
  auto page3 = client.list(kConfigMaps, "ns", opts);
  EXPECT_EQ(page3->items.size(), 1u);
  EXPECT_TRUE(page3->continueToken.empty());
  EXPECT_EQ(stringAt(page3->items[0], {"metadata", "name"}), "cm6");

  kube::ListOptions even;
  even.labelSelector = "app in (even)";
  EXPECT_EQ(client.list(kConfigMaps, "ns", even)->items.size(), 4u);
  EXPECT_EQ(client.list(kConfigMaps, "", {})->items.size(), 8u);
  kube::ListOptions byName;
  byName.fieldSelector = "metadata.name=cm3";
  EXPECT_EQ(client.list(kConfigMaps, "", byName)->items.size(), 1u);
}

TEST(FakeKubeClientTest, WatchResumesFromResourceVersionAndReports410AfterCompaction) {
  FakeKubeClient client;
  Json a = *client.create(kConfigMaps, "ns", configMap("ns", "a"));
  const std::string afterA = stringAt(a, {"metadata", "resourceVersion"});
  ASSERT_TRUE(client.create(kConfigMaps, "ns", configMap("ns", "b")).ok());
  ASSERT_TRUE(client.remove(kConfigMaps, "ns", "a").ok());

  std::vector<std::pair<WatchEvent::Type, std::string>> seen;
  kube::WatchOptions opts;
  opts.resourceVersion = afterA;
  Status s = client.watch(kConfigMaps, "ns", opts, [&](const WatchEvent& e) {
    seen.emplace_back(e.type, stringAt(e.object, {"metadata", "name"}));
    return seen.size() < 2;
  });
  EXPECT_TRUE(s.ok()) << s;
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], std::make_pair(WatchEvent::Type::kAdded, std::string("b")));
  EXPECT_EQ(seen[1], std::make_pair(WatchEvent::Type::kDeleted, std::string("a")));

  client.compact();
  s = client.watch(kConfigMaps, "ns", opts, [](const WatchEvent&) { return true; });
  EXPECT_TRUE(kube::isGone(s)) << s;
}

TEST(FakeKubeClientTest, WatchFaultsAndLiveDelivery) {
  FakeKubeClient client;
  client.failNextWatchesGone(1);
  kube::WatchOptions opts;
  opts.resourceVersion = "0";
  EXPECT_TRUE(kube::isGone(client.watch(kConfigMaps, "ns", opts, [](const WatchEvent&) { return true; })));

  client.disconnectNextWatchAfter(2, absl::UnavailableError("connection reset"));
  std::thread writer([&] {
    client.waitForWatches(1);
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(client.create(kConfigMaps, "ns", configMap("ns", "w" + std::to_string(i))).ok());
  });
  int events = 0;
  Status s = client.watch(kConfigMaps, "ns", opts, [&](const WatchEvent&) { return ++events, true; });
  writer.join();
  EXPECT_EQ(events, 2);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(client.activeWatches(), 0);
}

TEST(FakeKubeClientTest, WatchTranslatesLabelChangesAndSendsBookmarks) {
  FakeKubeClient client;
  Json obj = *client.create(kConfigMaps, "ns", configMap("ns", "a", {{"app", "x"}}));
  kube::WatchOptions opts;
  opts.resourceVersion = stringAt(obj, {"metadata", "resourceVersion"});
  opts.labelSelector = "app=x";
  std::vector<WatchEvent::Type> types;
  std::thread writer([&] {
    client.waitForWatches(1);
    obj["metadata"]["labels"]["app"] = "y";
    obj = *client.update(kConfigMaps, "ns", obj);
    obj["metadata"]["labels"]["app"] = "x";
    obj = *client.update(kConfigMaps, "ns", obj);
    client.bookmark();
  });
  Status s = client.watch(kConfigMaps, "ns", opts, [&](const WatchEvent& e) {
    types.push_back(e.type);
    return types.size() < 3;
  });
  writer.join();
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(types, (std::vector<WatchEvent::Type>{WatchEvent::Type::kDeleted, WatchEvent::Type::kAdded,
                                                   WatchEvent::Type::kBookmark}));
}

TEST(FakeKubeClientTest, FinalizersDelayDeletion) {
  FakeKubeClient client;
  Json obj = configMap("ns", "a");
  obj["metadata"]["finalizers"] = {"pennant.dev/cleanup"};
  EXPECT_TRUE(client.create(kConfigMaps, "ns", obj).ok());
  ASSERT_TRUE(client.remove(kConfigMaps, "ns", "a").ok());
  Json terminating = *client.get(kConfigMaps, "ns", "a");
  EXPECT_TRUE(terminating["metadata"].contains("deletionTimestamp"));
  terminating["metadata"]["finalizers"] = Json::array();
  ASSERT_TRUE(client.update(kConfigMaps, "ns", terminating).ok());
  EXPECT_TRUE(kube::isNotFound(client.get(kConfigMaps, "ns", "a").status()));
}

TEST(FakeKubeClientTest, PatchMergesAndReportsBadPatches) {
  FakeKubeClient client;
  EXPECT_TRUE(client.create(kConfigMaps, "ns", configMap("ns", "a")).ok());
  auto merged = client.patch(kConfigMaps, "ns", "a", kube::PatchType::kMerge, {{"data", {{"k2", "v2"}}}});
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ((*merged)["data"]["k"], "v");
  EXPECT_EQ((*merged)["data"]["k2"], "v2");
  auto bad = client.patch(kConfigMaps, "ns", "a", kube::PatchType::kJson,
                          Json::array({{{"op", "remove"}, {"path", "/nope"}}}));
  EXPECT_TRUE(kube::isInvalid(bad.status()));
}

}  // namespace
}  // namespace pennant::fakes
