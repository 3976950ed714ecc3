#include "kube/cache_transform.h"

#include <gtest/gtest.h>

#include "fakes/fake_kube_client.h"
#include "kube/informer.h"
#include "kube/packed_object.h"

namespace pennant::kube {
namespace {

Json applied() {
  return Json::parse(R"({"apiVersion": "v1", "kind": "ConfigMap",
    "metadata": {"name": "a", "namespace": "ns", "managedFields": [{"manager": "kubectl"}],
                 "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{\"big\": 1}", "team": "x"}},
    "data": {"k": "v"}})");
}

TEST(CacheTransform, DropBookkeepingKeepsEverythingElse) {
  Json object = applied();
  dropBookkeeping(object);
  EXPECT_FALSE(object["metadata"].contains("managedFields"));
  EXPECT_EQ(object["metadata"]["annotations"], Json({{"team", "x"}}));
  EXPECT_EQ(object["data"], Json({{"k", "v"}}));
  Json onlyApplied = applied();
  onlyApplied["metadata"]["annotations"].erase("team");
  dropBookkeeping(onlyApplied);
  EXPECT_FALSE(onlyApplied["metadata"].contains("annotations"));  // no empty map left behind
  Json odd = Json::parse(R"({"metadata": "not an object"})");
  dropBookkeeping(odd);
  EXPECT_EQ(odd["metadata"], "not an object");
}

TEST(CacheTransform, ChainRunsInOrder) {
  Json object = applied();
  chain({dropManagedFields, nullptr, [](Json& o) { o["data"]["seen"] = o["metadata"].contains("managedFields"); }})(
      object);
  EXPECT_EQ(object["data"]["seen"], false);
}

TEST(CacheTransform, InformerCachesAndHandsOutTheTransformedObject) {
  auto fake = std::make_shared<fakes::FakeKubeClient>();
  const Resource configMaps{"", "v1", "configmaps", true};
  ASSERT_TRUE(fake->create(configMaps, "ns", applied()).ok());
  InformerOptions options;
  options.resource = configMaps;
  options.transform = dropBookkeeping;
  Informer informer(fake, options);
  ObjectPtr added;
  informer.addHandlers({[&](const ObjectPtr& o) { added = o; }, nullptr, nullptr});
  informer.start();
  ASSERT_TRUE(informer.waitForSync(std::chrono::seconds(10)));
  informer.stop();
  ObjectPtr cached = informer.get("ns", "a");
  ASSERT_NE(cached, nullptr);
  EXPECT_EQ(cached, added);
  EXPECT_FALSE((*cached)["metadata"].contains("managedFields"));
  EXPECT_EQ((*cached)["metadata"]["annotations"], Json({{"team", "x"}}));
}

TEST(PackedObject, RoundTripsAndRejectsForeignBytes) {
  Json object = applied();
  object["spec"] = Json::parse(R"({"n": 3, "f": 1.5, "b": true, "nul": null, "list": [1, "two", {"x": []}]})");
  const std::string packed = packObject(object);
  EXPECT_LT(packed.size(), object.dump().size());
  EXPECT_EQ(unpackObject(packed), object);
  EXPECT_TRUE(unpackObject("junk").is_discarded());
  EXPECT_TRUE(unpackObject("").is_discarded());
}

// Objects far larger than zlib's 8 KB window (a big ConfigMap), non-ASCII text, and bytes cut
// short: the preset dictionary must not limit what round-trips.
TEST(PackedObject, RoundTripsLargeAndUnicodeObjectsAndRejectsTruncatedBytes) {
  Json object = applied();
  std::string big;
  for (int i = 0; i < 20000; ++i) big += std::to_string(i * 7919 % 10007) + (i % 13 == 0 ? "\n" : ",");
  object["data"] = {{"big.csv", big}, {"greeting", "h\u00e9llo \u4e16\u754c"}};
  const std::string packed = packObject(object);
  ASSERT_FALSE(packed.empty());
  EXPECT_LT(packed.size(), big.size());
  EXPECT_EQ(unpackObject(packed), object);
  EXPECT_TRUE(unpackObject(std::string_view(packed).substr(0, packed.size() / 2)).is_discarded());
  std::string corrupted = packed;
  corrupted[0] = static_cast<char>(corrupted[0] + 1);  // the length header no longer matches
  EXPECT_TRUE(unpackObject(corrupted).is_discarded());
}

TEST(PackedStorage, ReadsHandlersAndRelistsSeeTheSameObjectsAsTrees) {
  auto fake = std::make_shared<fakes::FakeKubeClient>();
  const Resource configMaps{"", "v1", "configmaps", true};
  InformerOptions options;
  options.resource = configMaps;
  options.storage = CacheStorage::kPacked;
  Informer informer(fake, options);
  std::vector<std::string> seen;
  informer.addHandlers({[&](const ObjectPtr& o) { seen.push_back("add " + (*o)["data"]["k"].get<std::string>()); },
                        [&](const ObjectPtr& before, const ObjectPtr& after) {
                          seen.push_back("update " + (*before)["data"]["k"].get<std::string>() + "->" +
                                         (*after)["data"]["k"].get<std::string>());
                        },
                        [&](const ObjectPtr& o) { seen.push_back("delete " + Informer::keyOf(*o)); }});
  Json a = applied();
  Json b = applied();
  b["metadata"]["name"] = "b";
  b["metadata"]["namespace"] = "other";
  informer.replace({a, b}, "1");
  ASSERT_EQ(informer.size(), 2u);
  Json stored = *informer.get("ns", "a");
  EXPECT_FALSE(stored["metadata"].contains("managedFields"));
  stored["metadata"]["managedFields"] = a["metadata"]["managedFields"];
  EXPECT_EQ(stored, a);
  ASSERT_EQ(informer.list("other").size(), 1u);
  EXPECT_EQ((*informer.list("other")[0])["metadata"]["name"], "b");
  EXPECT_EQ(informer.list().size(), 2u);
  Json changed = a;
  changed["metadata"]["resourceVersion"] = "2";
  changed["data"]["k"] = "w";
  informer.apply(WatchEvent::Type::kModified, changed);
  EXPECT_EQ((*informer.get("ns", "a"))["data"]["k"], "w");
  informer.replace({changed}, "3");  // b vanished while the watch was down; a is unchanged
  informer.apply(WatchEvent::Type::kDeleted, changed);
  EXPECT_EQ(informer.get("ns", "a"), nullptr);
  EXPECT_EQ(seen, (std::vector<std::string>{"add v", "add v", "update v->w", "delete other/b", "delete ns/a"}));
}

TEST(InformerIndex, FindsObjectsByIndexedValueAcrossUpdatesDeletesAndRelists) {
  const Resource configMaps{"", "v1", "configmaps", true};
  for (CacheStorage storage : {CacheStorage::kTree, CacheStorage::kPacked}) {
    InformerOptions options;
    options.resource = configMaps;
    options.storage = storage;
    Informer informer(std::make_shared<fakes::FakeKubeClient>(), options);
    informer.addIndex("owner", [](const Json& o) {
      return std::vector<std::string>{o["metadata"]["namespace"].get<std::string>() + "/" +
                                      o["data"]["k"].get<std::string>()};
    });
    Json a = applied();
    Json b = applied();
    b["metadata"]["name"] = "b";
    informer.replace({a, b}, "1");
    EXPECT_EQ(informer.keysByIndex("owner", "ns/v"), (std::vector<std::string>{"ns/a", "ns/b"}));
    Json moved = a;
    moved["metadata"]["resourceVersion"] = "2";
    moved["data"]["k"] = "w";
    informer.apply(WatchEvent::Type::kModified, moved);
    EXPECT_EQ(informer.keysByIndex("owner", "ns/v"), (std::vector<std::string>{"ns/b"}));
    EXPECT_EQ(informer.keysByIndex("owner", "ns/w"), (std::vector<std::string>{"ns/a"}));
    informer.apply(WatchEvent::Type::kDeleted, b);
    EXPECT_TRUE(informer.keysByIndex("owner", "ns/v").empty());
    informer.replace({b}, "3");
    EXPECT_TRUE(informer.keysByIndex("owner", "ns/w").empty());
    EXPECT_EQ(informer.keysByIndex("owner", "ns/v"), (std::vector<std::string>{"ns/b"}));
    EXPECT_TRUE(informer.keysByIndex("missing", "ns/v").empty());
  }
}

}  // namespace
}  // namespace pennant::kube
