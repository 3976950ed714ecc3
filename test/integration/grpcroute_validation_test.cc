// The Gateway API v1.6.3 GRPCRoute CRD's own validation (OpenAPI limits and CEL rules), enforced
// by the real API server and reported through Pennant's client as kInvalidArgument with causes.
#include <gtest/gtest.h>

#include "integration/cluster_env.h"
#include "kube/errors.h"
#include "kube/resource.h"

namespace pennant::testbed {
namespace {

using kube::resources::grpcRoutes;

Json backend(std::string name, int weight) { return {{"name", std::move(name)}, {"port", 9000}, {"weight", weight}}; }

Json route(std::string_view name, Json rules) {
  return {{"apiVersion", "gateway.networking.k8s.io/v1"},
          {"kind", "GRPCRoute"},
          {"metadata", {{"name", name}}},
          {"spec", {{"parentRefs", Json::array({{{"name", "gateway"}}})}, {"rules", std::move(rules)}}}};
}

Json ruleForService(std::string_view service) {
  return {{"matches", Json::array({{{"method", {{"type", "Exact"}, {"service", service}, {"method", "Get"}}}}})},
          {"backendRefs", Json::array({backend("primary", 1)})}};
}

// Every field cause of the rejection, for failure messages and assertions.
std::string causesText(const Status& status) {
  std::string text;
  for (const auto& c : kube::causesOf(status)) text += c.field + ": " + c.message + "\n";
  return text;
}

class GrpcRouteValidation : public ::testing::Test {
 protected:
  ScopedNamespace ns_{"grpcroute"};
  kube::ClientPtr client_ = adminClient();
};

TEST_F(GrpcRouteValidation, RejectsExactMethodMatchWithEmptyServiceLabel) {
  ASSERT_TRUE(ns_.ok());
  auto created =
      client_->create(grpcRoutes(), ns_.name(), route("bad-service", Json::array({ruleForService("com..example")})));
  ASSERT_FALSE(created.ok());
  EXPECT_TRUE(kube::isInvalid(created.status())) << created.status();
  EXPECT_EQ(kube::reasonOf(created.status()).value_or(""), "Invalid");
  EXPECT_NE(created.status().message().find("service must only contain valid characters"), std::string::npos)
      << created.status();
  EXPECT_NE(causesText(created.status()).find("spec.rules[0].matches[0].method"), std::string::npos)
      << causesText(created.status());
}

TEST_F(GrpcRouteValidation, RejectsSeventeenRules) {
  ASSERT_TRUE(ns_.ok());
  Json rules = Json::array();
  for (int i = 0; i < 17; ++i) rules.push_back(ruleForService("svc" + std::to_string(i) + ".example.Greeter"));
  auto created = client_->create(grpcRoutes(), ns_.name(), route("too-many-rules", rules));
  ASSERT_FALSE(created.ok());
  EXPECT_TRUE(kube::isInvalid(created.status())) << created.status();
  EXPECT_NE(causesText(created.status()).find("spec.rules"), std::string::npos) << causesText(created.status());
  EXPECT_NE(created.status().message().find("must have at most 16 items"), std::string::npos) << created.status();

  rules.erase(rules.end() - 1);  // the limit itself is fine
  auto sixteen = client_->create(grpcRoutes(), ns_.name(), route("sixteen-rules", rules));
  EXPECT_TRUE(sixteen.ok()) << sixteen.status();
}

TEST_F(GrpcRouteValidation, RejectsTwoRequestHeaderModifiersInOneRule) {
  ASSERT_TRUE(ns_.ok());
  auto modifier = [](std::string header) {
    return Json{{"type", "RequestHeaderModifier"},
                {"requestHeaderModifier", {{"set", Json::array({{{"name", header}, {"value", "1"}}})}}}};
  };
  Json rule = {{"filters", Json::array({modifier("x-a"), modifier("x-b")})},
               {"backendRefs", Json::array({backend("primary", 1)})}};
  auto created = client_->create(grpcRoutes(), ns_.name(), route("two-modifiers", Json::array({rule})));
  ASSERT_FALSE(created.ok());
  EXPECT_TRUE(kube::isInvalid(created.status())) << created.status();
  EXPECT_NE(created.status().message().find("RequestHeaderModifier filter cannot be repeated"), std::string::npos)
      << created.status();
  EXPECT_NE(causesText(created.status()).find("spec.rules[0].filters"), std::string::npos)
      << causesText(created.status());
}

TEST_F(GrpcRouteValidation, AcceptsWeightedBackendRefsAndKeepsThem) {
  ASSERT_TRUE(ns_.ok());
  Json rule = ruleForService("com.example.Greeter");
  rule["backendRefs"] = Json::array({backend("greeter-primary", 90), backend("greeter-canary", 10)});
  auto created = client_->create(grpcRoutes(), ns_.name(), route("greeter", Json::array({rule})));
  ASSERT_TRUE(created.ok()) << created.status();

  auto stored = client_->get(grpcRoutes(), ns_.name(), "greeter");
  ASSERT_TRUE(stored.ok()) << stored.status();
  const Json& refs = (*stored)["spec"]["rules"][0]["backendRefs"];
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[0]["name"], "greeter-primary");
  EXPECT_EQ(refs[0]["weight"], 90);
  EXPECT_EQ(refs[1]["name"], "greeter-canary");
  EXPECT_EQ(refs[1]["weight"], 10);
  // The CRD defaults the parentRef's group and kind: proof the server's schema applied.
  EXPECT_EQ((*stored)["spec"]["parentRefs"][0].value("kind", ""), "Gateway");
}

}  // namespace
}  // namespace pennant::testbed
