// RBAC is on: a ServiceAccount whose Role lacks a verb is refused with 403, and Pennant's client
// reports kPermissionDenied with a message naming the verb and the resource.
#include <gtest/gtest.h>

#include "integration/cluster_env.h"
#include "integration/cluster_objects.h"
#include "kube/errors.h"
#include "kube/resource.h"

namespace pennant::testbed {
namespace {

using kube::resources::configMaps;

TEST(Rbac, ServiceAccountWithoutVerbIsRefusedAndTheClientSaysWhat) {
  ScopedNamespace ns("rbac");
  ASSERT_TRUE(ns.ok());
  auto admin = adminClient();
  ASSERT_NE(admin, nullptr);
  ASSERT_TRUE(admin
                  ->create(serviceAccounts(), ns.name(),
                           {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", "reader"}}}})
                  .ok());
  ASSERT_TRUE(admin
                  ->create(roles(), ns.name(),
                           {{"apiVersion", "rbac.authorization.k8s.io/v1"},
                            {"kind", "Role"},
                            {"metadata", {{"name", "configmap-reader"}}},
                            {"rules", Json::array({{{"apiGroups", {""}},
                                                    {"resources", {"configmaps"}},
                                                    {"verbs", {"get", "list", "watch"}}}})}})
                  .ok());
  ASSERT_TRUE(
      admin
          ->create(
              roleBindings(), ns.name(),
              {{"apiVersion", "rbac.authorization.k8s.io/v1"},
               {"kind", "RoleBinding"},
               {"metadata", {{"name", "reader"}}},
               {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Role"}, {"name", "configmap-reader"}}},
               {"subjects", Json::array({{{"kind", "ServiceAccount"}, {"name", "reader"}, {"namespace", ns.name()}}})}})
          .ok());
  ASSERT_TRUE(admin
                  ->create(configMaps(), ns.name(),
                           {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "existing"}}}})
                  .ok());
  auto token = serviceAccountToken(ns.name(), "reader", 600);
  ASSERT_TRUE(token.ok()) << token.status();
  ASSERT_FALSE(token->empty());
  auto reader = clientWithToken(*token);
  ASSERT_NE(reader, nullptr);

  // The granted verbs work...
  auto listed = reader->list(configMaps(), ns.name(), {});
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->items.size(), 1u);

  // ...a missing verb is a 403 that says which verb on which resource.
  auto created = reader->create(configMaps(), ns.name(),
                                {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "new"}}}});
  ASSERT_FALSE(created.ok());
  EXPECT_TRUE(kube::isForbidden(created.status())) << created.status();
  EXPECT_EQ(kube::reasonOf(created.status()).value_or(""), "Forbidden");
  const std::string message(created.status().message());
  EXPECT_NE(message.find("create"), std::string::npos) << message;
  EXPECT_NE(message.find("configmaps"), std::string::npos) << message;
  EXPECT_NE(message.find("system:serviceaccount:" + ns.name() + ":reader"), std::string::npos) << message;

  Status removed = reader->remove(configMaps(), ns.name(), "existing");
  EXPECT_TRUE(kube::isForbidden(removed)) << removed;
  EXPECT_NE(removed.message().find("delete"), std::string::npos) << removed;

  // Another resource entirely: also refused, and named.
  auto secrets = reader->list(kube::resources::secrets(), ns.name(), {});
  ASSERT_FALSE(secrets.ok());
  EXPECT_TRUE(kube::isForbidden(secrets.status())) << secrets.status();
  EXPECT_NE(secrets.status().message().find("secrets"), std::string::npos) << secrets.status();
}

}  // namespace
}  // namespace pennant::testbed
