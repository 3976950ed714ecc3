#include "workload/metadata.h"

#include <gtest/gtest.h>

namespace pennant::workload {
namespace {

TEST(MetadataTest, OwnerReferenceIsAControllerRefToTheCanary) {
  EXPECT_EQ(ownerReference({"podinfo", "uid-1"}), Json::parse(R"({"apiVersion": "flagger.app/v1beta1",
    "kind": "Canary", "name": "podinfo", "uid": "uid-1", "controller": true, "blockOwnerDeletion": true})"));
}

TEST(MetadataTest, IsControlledByCanary) {
  struct Case {
    const char* name;
    Json refs;
    bool expected;
  };
  const Case cases[] = {
      {"own canary", Json::array({ownerReference({"podinfo", "u"})}), true},
      {"other canary", Json::array({ownerReference({"other", "u"})}), false},
      {"not controller", Json::parse(R"([{"kind": "Canary", "name": "podinfo", "controller": false}])"), false},
      {"controller of another kind", Json::parse(R"([{"kind": "HelmRelease", "name": "podinfo", "controller": true}])"),
       false},
      {"no refs", Json(nullptr), false},
  };
  for (const Case& c : cases) {
    Json object = {{"metadata", {{"name", "svc"}}}};
    if (!c.refs.is_null()) object["metadata"]["ownerReferences"] = c.refs;
    EXPECT_EQ(isControlledByCanary(object, "podinfo"), c.expected) << c.name;
  }
}

TEST(MetadataTest, MapFilters) {
  Json labels = {{"app", "podinfo"}, {"team", "web"}, {"kustomize.toolkit.fluxcd.io/name", "apps"}};
  EXPECT_EQ(withoutToolkitKeys(labels), (Json{{"app", "podinfo"}, {"team", "web"}}));
  EXPECT_EQ(withoutToolkitKeys(nullptr), Json::object());
  EXPECT_EQ(includeByPrefix(labels, {"te"}), (Json{{"team", "web"}}));
  EXPECT_EQ(includeByPrefix(labels, {""}), Json::object());
  EXPECT_EQ(includeByPrefix(labels, {"*"}), (Json{{"app", "podinfo"}, {"team", "web"}}));
  EXPECT_EQ(includeByPrefix(labels, {"kustomize"}), Json::object());
  EXPECT_EQ(withSelectorLabel(labels, "app", "podinfo-primary"), (Json{{"app", "podinfo-primary"}, {"team", "web"}}));
  EXPECT_EQ(withSelectorLabel(nullptr, "app", "x"), (Json{{"app", "x"}}));
}

TEST(MetadataTest, BoolFieldNeverThrows) {
  Json object = {{"yes", true}, {"text", "true"}};
  EXPECT_TRUE(boolField(object, "yes"));
  EXPECT_FALSE(boolField(object, "text"));
  EXPECT_TRUE(boolField(object, "missing", true));
  EXPECT_FALSE(boolField(Json::array(), "yes"));
}

}  // namespace
}  // namespace pennant::workload
