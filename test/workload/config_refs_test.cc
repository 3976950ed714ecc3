#include "workload/config_refs.h"

#include <gtest/gtest.h>

#include "workload/testdata.h"

namespace pennant::workload {
namespace {

using testing::fixture;

Json configMap(const std::string& name, Json data, Json annotations = Json::object()) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", "test"}, {"annotations", annotations}}},
          {"data", data}};
}

Json secret(const std::string& name, const std::string& type, Json data) {
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata", {{"name", name}, {"namespace", "test"}}},
          {"type", type},
          {"data", data}};
}

TEST(ConfigRefsTest, FindsEveryReferenceOfThePodinfoDeployment) {
  Json podSpec = fixture("podinfo-deployment.yaml")["spec"]["template"]["spec"];
  std::vector<ConfigRef> expected = {
      {ConfigKind::kConfigMap, "podinfo-config", true},
      {ConfigKind::kConfigMap, "podinfo-ui", false},
      {ConfigKind::kSecret, "podinfo-secret-env", true},
  };
  EXPECT_EQ(referencedConfigs(podSpec), expected);
}

TEST(ConfigRefsTest, FindsProjectedVolumesInitContainersAndEnvKeyRefs) {
  Json podSpec = Json::parse(R"({
    "volumes": [
      {"name": "a", "secret": {"secretName": "tls", "optional": true}},
      {"name": "b", "projected": {"sources": [
        {"configMap": {"name": "proj-cm"}}, {"secret": {"name": "proj-secret"}}, {"serviceAccountToken": {"path": "t"}}
      ]}},
      {"name": "c", "emptyDir": {}}
    ],
    "initContainers": [{"name": "init", "envFrom": [{"configMapRef": {"name": "init-cm"}}]}],
    "containers": [{"name": "app", "env": [
      {"name": "S", "valueFrom": {"secretKeyRef": {"name": "tls", "key": "k"}}},
      {"name": "F", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}
    ]}]
  })");
  std::vector<ConfigRef> expected = {
      {ConfigKind::kConfigMap, "init-cm", true},
      {ConfigKind::kConfigMap, "proj-cm", true},
      {ConfigKind::kSecret, "proj-secret", true},
      {ConfigKind::kSecret, "tls", true},  // one mandatory reference makes it required
  };
  EXPECT_EQ(referencedConfigs(podSpec), expected);
  EXPECT_EQ(expected[3].trackingKey(), "secret/tls");
}

TEST(ConfigRefsTest, ChecksumMatchesFlaggersGoJsonSha256) {
  // Expected values computed with Go: sha256(json.Marshal(data))[:8] in hex.
  EXPECT_EQ(configChecksum(configMap("c", {{"greeting", "a<b&c"}, {"color", "blue"}})), "1b871a2b505298eb");
  EXPECT_EQ(configChecksum(Json{{"metadata", {{"name", "no-data"}}}}), "74234e98afe7498f");
  // Secret data is base64 in JSON, exactly how Go marshals []byte values.
  EXPECT_EQ(configChecksum(secret("s", "Opaque", {{"user", "YWRtaW4="}, {"password", "c2VjcmV0"}})),
            "24fec40781de8af8");
  EXPECT_EQ(configChecksum(configMap("c", {{"line", "x\u2028y\n\tz"}})), "b2e1dd5d3ea35e7d");
}

TEST(ConfigRefsTest, TrackingSkipsOptedOutConfigsAndRegistrySecrets) {
  struct Case {
    const char* name;
    ConfigKind kind;
    Json object;
    bool tracked;
  };
  const Case cases[] = {
      {"configmap", ConfigKind::kConfigMap, configMap("c", {{"k", "v"}}), true},
      {"opted out", ConfigKind::kConfigMap, configMap("c", {{"k", "v"}}, {{"flagger.app/config-tracking", "disabled"}}),
       false},
      {"opaque", ConfigKind::kSecret, secret("s", "Opaque", Json::object()), true},
      {"no type", ConfigKind::kSecret, Json{{"metadata", {{"name", "s"}}}}, true},
      {"tls", ConfigKind::kSecret, secret("s", "kubernetes.io/tls", Json::object()), true},
      {"basic-auth", ConfigKind::kSecret, secret("s", "kubernetes.io/basic-auth", Json::object()), true},
      {"ssh-auth", ConfigKind::kSecret, secret("s", "kubernetes.io/ssh-auth", Json::object()), true},
      {"registry", ConfigKind::kSecret, secret("s", "kubernetes.io/dockerconfigjson", Json::object()), false},
      {"token", ConfigKind::kSecret, secret("s", "kubernetes.io/service-account-token", Json::object()), false},
  };
  for (const Case& c : cases) EXPECT_EQ(isTracked(c.kind, c.object), c.tracked) << c.name;
}

TEST(ConfigRefsTest, TrackedConfigsAndChangeDetection) {
  std::map<std::string, Json> objects = {
      {"configmap/podinfo-config", configMap("podinfo-config", {{"greeting", "a<b&c"}, {"color", "blue"}})},
      {"secret/podinfo-secret-env",
       secret("podinfo-secret-env", "Opaque", {{"user", "YWRtaW4="}, {"password", "c2VjcmV0"}})},
      {"secret/pull", secret("pull", "kubernetes.io/dockerconfigjson", Json::object())},
  };
  std::map<std::string, std::string> tracked = trackedConfigs(objects);
  std::map<std::string, std::string> expected = {{"configmap/podinfo-config", "1b871a2b505298eb"},
                                                 {"secret/podinfo-secret-env", "24fec40781de8af8"}};
  EXPECT_EQ(tracked, expected);

  Json recorded = {{"configmap/podinfo-config", "1b871a2b505298eb"}, {"secret/podinfo-secret-env", "24fec40781de8af8"}};
  EXPECT_FALSE(haveConfigsChanged(tracked, &recorded));
  EXPECT_TRUE(haveConfigsChanged(tracked, nullptr));
  EXPECT_FALSE(haveConfigsChanged({}, nullptr));
  Json changed = recorded;
  changed["configmap/podinfo-config"] = "0000000000000000";
  EXPECT_TRUE(haveConfigsChanged(tracked, &changed));
  Json fewer = {{"configmap/podinfo-config", "1b871a2b505298eb"}};
  EXPECT_TRUE(haveConfigsChanged(tracked, &fewer));
  Json renamed = {{"configmap/other", "1b871a2b505298eb"}, {"secret/podinfo-secret-env", "24fec40781de8af8"}};
  EXPECT_TRUE(haveConfigsChanged(tracked, &renamed));
}

TEST(ConfigRefsTest, ApplyPrimaryConfigsRenamesProjectedAndInitContainerRefs) {
  Json podSpec = Json::parse(R"({
    "volumes": [{"name": "b", "projected": {"sources": [{"configMap": {"name": "cm"}}, {"secret": {"name": "other"}}]}}],
    "initContainers": [{"name": "init", "env": [{"name": "S", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}]}],
    "containers": [{"name": "app", "envFrom": [{"configMapRef": {"name": "cm"}}]}]
  })");
  Json expected = Json::parse(R"({
    "volumes": [{"name": "b", "projected": {"sources": [{"configMap": {"name": "cm-primary"}}, {"secret": {"name": "other"}}]}}],
    "initContainers": [{"name": "init", "env": [{"name": "S", "valueFrom": {"secretKeyRef": {"name": "s-primary", "key": "k"}}}]}],
    "containers": [{"name": "app", "envFrom": [{"configMapRef": {"name": "cm-primary"}}]}]
  })");
  EXPECT_EQ(applyPrimaryConfigs(podSpec, {{"configmap/cm", "x"}, {"secret/s", "y"}}), expected);
}

TEST(ConfigRefsTest, PrimaryCopies) {
  Json source = configMap("podinfo-config", {{"k", "v"}});
  source["metadata"]["labels"] = {{"app", "podinfo"}, {"kustomize.toolkit.fluxcd.io/name", "apps"}};
  source["metadata"]["resourceVersion"] = "12";
  source["binaryData"] = {{"b", "AAE="}};
  Json expected = Json::parse(R"({"apiVersion": "v1", "kind": "ConfigMap",
    "metadata": {"name": "podinfo-config-primary", "namespace": "test", "labels": {"app": "podinfo"}},
    "data": {"k": "v"}, "binaryData": {"b": "AAE="}})");
  EXPECT_EQ(primaryConfigCopy(ConfigKind::kConfigMap, source, {"*"}), expected);

  Json sourceSecret = secret("podinfo-secret-env", "Opaque", {{"user", "YWRtaW4="}});
  Json expectedSecret = Json::parse(R"({"apiVersion": "v1", "kind": "Secret",
    "metadata": {"name": "podinfo-secret-env-primary", "namespace": "test", "labels": {}},
    "type": "Opaque", "data": {"user": "YWRtaW4="}})");
  EXPECT_EQ(primaryConfigCopy(ConfigKind::kSecret, sourceSecret, {}), expectedSecret);
}

}  // namespace
}  // namespace pennant::workload
