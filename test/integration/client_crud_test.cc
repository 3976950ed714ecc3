// Pennant's REST client against the real API server: create/get/update/patch/delete, optimistic
// concurrency (a stale update is 409 Conflict -> kAborted), AlreadyExists and NotFound.
#include <gtest/gtest.h>

#include "integration/cluster_env.h"
#include "kube/errors.h"
#include "kube/resource.h"

namespace pennant::testbed {
namespace {

using kube::resources::configMaps;

Json configMap(std::string_view name, Json data) {
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}, {"data", std::move(data)}};
}

class ClientCrud : public ::testing::Test {
 protected:
  ScopedNamespace ns_{"crud"};
  kube::ClientPtr client_ = adminClient();
};

TEST_F(ClientCrud, CreateGetUpdatePatchDelete) {
  ASSERT_TRUE(ns_.ok());
  auto created = client_->create(configMaps(), ns_.name(), configMap("settings", {{"mode", "a"}}));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_FALSE(stringAt(*created, {"metadata", "uid"}).empty());
  EXPECT_EQ((*created)["kind"], "ConfigMap");

  auto got = client_->get(configMaps(), ns_.name(), "settings");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ((*got)["data"]["mode"], "a");

  Json changed = *got;
  changed["data"]["mode"] = "b";
  auto updated = client_->update(configMaps(), ns_.name(), changed);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ((*updated)["data"]["mode"], "b");
  EXPECT_NE(stringAt(*updated, {"metadata", "resourceVersion"}), stringAt(*got, {"metadata", "resourceVersion"}));

  auto patched =
      client_->patch(configMaps(), ns_.name(), "settings", kube::PatchType::kMerge, {{"data", {{"extra", "1"}}}});
  ASSERT_TRUE(patched.ok()) << patched.status();
  EXPECT_EQ((*patched)["data"]["mode"], "b");
  EXPECT_EQ((*patched)["data"]["extra"], "1");

  auto jsonPatched = client_->patch(configMaps(), ns_.name(), "settings", kube::PatchType::kJson,
                                    Json::array({{{"op", "remove"}, {"path", "/data/extra"}}}));
  ASSERT_TRUE(jsonPatched.ok()) << jsonPatched.status();
  EXPECT_FALSE((*jsonPatched)["data"].contains("extra"));

  ASSERT_TRUE(client_->remove(configMaps(), ns_.name(), "settings").ok());
  auto gone = client_->get(configMaps(), ns_.name(), "settings");
  EXPECT_TRUE(kube::isNotFound(gone.status())) << gone.status();
  EXPECT_TRUE(kube::isNotFound(client_->remove(configMaps(), ns_.name(), "settings")));
}

TEST_F(ClientCrud, StaleUpdateIsConflict) {
  ASSERT_TRUE(ns_.ok());
  auto created = client_->create(configMaps(), ns_.name(), configMap("shared", {{"owner", "none"}}));
  ASSERT_TRUE(created.ok()) << created.status();

  Json first = *created;
  first["data"]["owner"] = "first";
  ASSERT_TRUE(client_->update(configMaps(), ns_.name(), first).ok());

  Json stale = *created;  // still carries the original resourceVersion
  stale["data"]["owner"] = "second";
  auto conflict = client_->update(configMaps(), ns_.name(), stale);
  ASSERT_FALSE(conflict.ok());
  EXPECT_TRUE(kube::isConflict(conflict.status())) << conflict.status();
  EXPECT_EQ(kube::reasonOf(conflict.status()).value_or(""), "Conflict");
  EXPECT_NE(conflict.status().message().find("update"), std::string::npos) << conflict.status();

  auto current = client_->get(configMaps(), ns_.name(), "shared");
  ASSERT_TRUE(current.ok());
  EXPECT_EQ((*current)["data"]["owner"], "first") << "the stale write must not land";
}

TEST_F(ClientCrud, CreateTwiceIsAlreadyExists) {
  ASSERT_TRUE(ns_.ok());
  ASSERT_TRUE(client_->create(configMaps(), ns_.name(), configMap("once", Json::object())).ok());
  auto again = client_->create(configMaps(), ns_.name(), configMap("once", Json::object()));
  EXPECT_TRUE(kube::isAlreadyExists(again.status())) << again.status();
}

TEST_F(ClientCrud, InvalidObjectIsInvalidArgumentWithCauses) {
  ASSERT_TRUE(ns_.ok());
  auto bad = client_->create(configMaps(), ns_.name(), configMap("Not_A_DNS_Name", Json::object()));
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(kube::isInvalid(bad.status())) << bad.status();
  auto causes = kube::causesOf(bad.status());
  ASSERT_FALSE(causes.empty());
  EXPECT_EQ(causes[0].field, "metadata.name");
}

}  // namespace
}  // namespace pennant::testbed
