#include "workload/primary_deployment.h"

#include <gtest/gtest.h>

#include "workload/config_refs.h"
#include "workload/testdata.h"

namespace pennant::workload {
namespace {

using testing::fixture;

PrimaryOptions podinfoOptions() {
  PrimaryOptions options;
  options.owner = {"podinfo", "c-uid"};
  options.podId = "new-id";
  options.trackedConfigs = {
      {"configmap/podinfo-config", "aaaa"}, {"configmap/podinfo-ui", "bbbb"}, {"secret/podinfo-secret-env", "cccc"}};
  return options;
}

TEST(PrimaryDeploymentTest, BuildsPrimaryFromPodinfoExactlyAsFlaggerDoes) {
  auto primary = buildPrimaryDeployment(fixture("podinfo-deployment.yaml"), podinfoOptions());
  ASSERT_TRUE(primary.ok()) << primary.status();
  EXPECT_EQ(*primary, fixture("podinfo-primary-deployment.json")) << primary->dump(2);
}

TEST(PrimaryDeploymentTest, UntrackedConfigsKeepTheirNames) {
  PrimaryOptions options = podinfoOptions();
  options.trackedConfigs = {{"configmap/podinfo-config", "aaaa"}};  // the secret opted out of tracking
  auto primary = buildPrimaryDeployment(fixture("podinfo-deployment.yaml"), options);
  ASSERT_TRUE(primary.ok());
  const Json& container = (*primary)["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(container["envFrom"][0]["secretRef"]["name"], "podinfo-secret-env");
  EXPECT_EQ(container["env"][0]["valueFrom"]["configMapKeyRef"]["name"], "podinfo-ui");
  EXPECT_EQ((*primary)["spec"]["template"]["spec"]["volumes"][0]["configMap"]["name"], "podinfo-config-primary");
}

TEST(PrimaryDeploymentTest, IncludeLabelPrefixesCopyDeploymentLabels) {
  PrimaryOptions options = podinfoOptions();
  options.includeLabelPrefixes = {"te"};
  auto primary = buildPrimaryDeployment(fixture("podinfo-deployment.yaml"), options);
  ASSERT_TRUE(primary.ok());
  EXPECT_EQ((*primary)["metadata"]["labels"], (Json{{"app", "podinfo-primary"}, {"team", "web"}}));
  options.includeLabelPrefixes = {"*"};  // toolkit keys are never copied
  primary = buildPrimaryDeployment(fixture("podinfo-deployment.yaml"), options);
  ASSERT_TRUE(primary.ok());
  EXPECT_EQ((*primary)["metadata"]["labels"], (Json{{"app", "podinfo-primary"}, {"team", "web"}}));
}

TEST(PrimaryDeploymentTest, ReplicasDefaultToOneWhenTargetIsScaledToZero) {
  Json target = fixture("podinfo-deployment.yaml");
  target["spec"]["replicas"] = 0;
  auto primary = buildPrimaryDeployment(target, podinfoOptions());
  ASSERT_TRUE(primary.ok());
  EXPECT_EQ((*primary)["spec"]["replicas"], 1);
}

TEST(PrimaryDeploymentTest, SelectorLabelIsTheFirstKnownKey) {
  struct Case {
    Json matchLabels;
    std::optional<SelectorLabel> expected;
  };
  const Case cases[] = {
      {{{"app", "podinfo"}}, SelectorLabel{"app", "podinfo"}},
      {{{"name", "podinfo"}, {"app", "x"}}, SelectorLabel{"app", "x"}},
      {{{"name", "podinfo"}}, SelectorLabel{"name", "podinfo"}},
      {{{"app.kubernetes.io/name", "podinfo"}}, SelectorLabel{"app.kubernetes.io/name", "podinfo"}},
      {{{"tier", "web"}}, std::nullopt},
  };
  for (const Case& c : cases) {
    Json deployment = {{"metadata", {{"name", "podinfo"}, {"namespace", "test"}}},
                       {"spec", {{"selector", {{"matchLabels", c.matchLabels}}}}}};
    auto label = selectorLabel(deployment);
    if (c.expected) {
      ASSERT_TRUE(label.ok()) << c.matchLabels.dump();
      EXPECT_EQ(*label, *c.expected);
    } else {
      ASSERT_FALSE(label.ok());
      EXPECT_EQ(label.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_EQ(label.status().message(),
                "deployment podinfo.test spec.selector.matchLabels must contain one of [app, name, "
                "app.kubernetes.io/name]");
    }
  }
}

TEST(PrimaryDeploymentTest, TopologySpreadSelectorsPointAtPrimary) {
  Json target = fixture("podinfo-deployment.yaml");
  target["spec"]["template"]["spec"]["topologySpreadConstraints"] = Json::parse(R"([
    {"maxSkew": 1, "topologyKey": "zone", "labelSelector": {"matchLabels": {"app": "podinfo", "tier": "podinfo"}}},
    {"maxSkew": 1, "topologyKey": "zone", "labelSelector": {"matchLabels": {"app": "other"}}}
  ])");
  auto primary = buildPrimaryDeployment(target, podinfoOptions());
  ASSERT_TRUE(primary.ok());
  const Json& constraints = (*primary)["spec"]["template"]["spec"]["topologySpreadConstraints"];
  EXPECT_EQ(constraints[0]["labelSelector"]["matchLabels"],
            (Json{{"app", "podinfo-primary"}, {"tier", "podinfo"}}));  // only selector label keys
  EXPECT_EQ(constraints[1]["labelSelector"]["matchLabels"], (Json{{"app", "other"}}));
}

TEST(PrimaryDeploymentTest, PromotionCopiesTheTargetOntoThePrimary) {
  Json target = fixture("podinfo-deployment.yaml");
  auto primary = buildPrimaryDeployment(target, podinfoOptions());
  ASSERT_TRUE(primary.ok());
  (*primary)["metadata"]["resourceVersion"] = "99";
  (*primary)["status"] = {{"replicas", 2}};
  target["spec"]["template"]["spec"]["containers"][0]["image"] = "ghcr.io/stefanprodan/podinfo:6.0.1";
  target["spec"]["replicas"] = 4;
  target["spec"].erase("minReadySeconds");

  PrimaryOptions options = podinfoOptions();
  options.podId = "promoted-id";
  auto promoted = promotePrimary(*primary, target, /*hasAutoscaler=*/false, options);
  ASSERT_TRUE(promoted.ok()) << promoted.status();

  Json expected = *primary;
  expected["spec"]["template"]["spec"]["containers"][0]["image"] = "ghcr.io/stefanprodan/podinfo:6.0.1";
  expected["spec"]["template"]["metadata"]["annotations"]["flagger-id"] = "promoted-id";
  expected["spec"]["replicas"] = 4;
  expected["spec"].erase("minReadySeconds");
  expected["metadata"]["annotations"] = Json::object();  // promotion filters annotations by prefix
  EXPECT_EQ(*promoted, expected) << promoted->dump(2);

  auto withHpa = promotePrimary(*primary, target, /*hasAutoscaler=*/true, options);
  ASSERT_TRUE(withHpa.ok());
  EXPECT_EQ((*withHpa)["spec"]["replicas"], 2);  // the HPA owns replicas
}

TEST(PrimaryDeploymentTest, ScaleFromZeroReplicas) {
  struct Case {
    std::optional<int> target, primary;
    bool hasAutoscaler;
    std::optional<int> hpaMin;
    int expected;
  };
  const Case cases[] = {
      {3, 5, false, std::nullopt, 3},
      {0, 5, false, std::nullopt, 5},
      {0, 0, false, std::nullopt, 1},
      {std::nullopt, std::nullopt, false, std::nullopt, 1},
      {0, 5, true, 4, 4},
      {0, 5, true, 1, 1},
      {0, 5, true, std::nullopt, 1},
      {2, 5, true, 4, 2},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(scaleFromZeroReplicas(c.target, c.primary, c.hasAutoscaler, c.hpaMin), c.expected);
  }
  EXPECT_EQ(replicasPatch(0), Json::parse(R"({"spec":{"replicas":0}})"));
}

}  // namespace
}  // namespace pennant::workload
