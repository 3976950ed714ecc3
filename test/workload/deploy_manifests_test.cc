// The shipped manifests in deploy/crds and deploy/rbac: valid YAML, CRDs that the API server
// accepts (apiextensions.k8s.io/v1, structural schemas), a schema that keeps every field of
// Flagger's example Canaries and Pennant's additions, and the ClusterRole the controller needs.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "workload/schema_checks.h"
#include "workload/testdata.h"

namespace pennant::workload {
namespace {

using testing::fixture;
using testing::sourcePath;
using testing::structuralProblems;
using testing::validationProblems;

std::map<std::string, Json> loadDir(const std::string& relative) {
  std::map<std::string, Json> out;
  for (const auto& entry : std::filesystem::directory_iterator(sourcePath(relative))) {
    if (entry.path().extension() != ".yaml") continue;
    auto text = readFile(entry.path().string());
    EXPECT_TRUE(text.ok()) << entry.path();
    if (!text.ok()) continue;
    auto json = parseYaml(*text, entry.path().string());
    EXPECT_TRUE(json.ok()) << json.status();
    if (json.ok()) out[entry.path().filename().string()] = *json;
  }
  return out;
}

Json crdNamed(const std::string& name) {
  for (const auto& [file, crd] : loadDir("deploy/crds")) {
    if (stringAt(crd, {"metadata", "name"}) == name) return crd;
  }
  ADD_FAILURE() << "no CRD " << name;
  return Json::object();
}

const Json& v1beta1Schema(const Json& crd) { return crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]; }

std::string joined(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& p : problems) out += p + "\n";
  return out;
}

TEST(DeployManifestsTest, EveryCrdIsAServedStructuralFlaggerCrd) {
  auto crds = loadDir("deploy/crds");
  std::set<std::string> names;
  for (const auto& [file, crd] : crds) {
    SCOPED_TRACE(file);
    EXPECT_EQ(crd["apiVersion"], "apiextensions.k8s.io/v1");
    EXPECT_EQ(crd["kind"], "CustomResourceDefinition");
    const Json& spec = crd["spec"];
    EXPECT_EQ(spec["group"], "flagger.app");
    EXPECT_EQ(spec["scope"], "Namespaced");
    EXPECT_EQ(crd["metadata"]["name"], spec["names"]["plural"].get<std::string>() + ".flagger.app");
    ASSERT_EQ(spec["versions"].size(), 1u);
    const Json& version = spec["versions"][0];
    EXPECT_EQ(version["name"], "v1beta1");
    EXPECT_EQ(version["served"], true);
    EXPECT_EQ(version["storage"], true);
    EXPECT_EQ(version["subresources"], (Json{{"status", Json::object()}}));
    EXPECT_EQ(structuralProblems(v1beta1Schema(crd)), std::vector<std::string>{})
        << joined(structuralProblems(v1beta1Schema(crd)));
    names.insert(crd["metadata"]["name"].get<std::string>());
  }
  EXPECT_EQ(names, (std::set<std::string>{"alertproviders.flagger.app", "canaries.flagger.app",
                                          "metrictemplates.flagger.app"}));
}

TEST(DeployManifestsTest, CanaryPrinterColumnsAreFlaggers) {
  Json columns = crdNamed("canaries.flagger.app")["spec"]["versions"][0]["additionalPrinterColumns"];
  std::map<std::string, std::pair<std::string, int>> byName;
  for (const Json& c : columns) byName[c["name"]] = {c["jsonPath"], c.value("priority", 0)};
  EXPECT_EQ(byName["Status"], std::make_pair(std::string(".status.phase"), 0));
  EXPECT_EQ(byName["Weight"], std::make_pair(std::string(".status.canaryWeight"), 0));
  EXPECT_EQ(byName["FailedChecks"], std::make_pair(std::string(".status.failedChecks"), 1));
  EXPECT_EQ(byName["LastTransitionTime"], std::make_pair(std::string(".status.lastTransitionTime"), 0));
  EXPECT_EQ(columns.size(), 10u);  // the other six are priority-1 spec columns
}

TEST(DeployManifestsTest, ExampleCanariesKeepEveryField) {
  const Json crd = crdNamed("canaries.flagger.app");
  const Json& schema = v1beta1Schema(crd);
  for (const char* file : {"flagger-podinfo-canary.yaml", "flagger-podinfo-ab-canary.yaml", "pennant-grpc-canary.yaml",
                           "pennant-routeref-canary.yaml"}) {
    auto problems = validationProblems(fixture(file), schema);
    EXPECT_TRUE(problems.empty()) << file << ":\n" << joined(problems);
  }
}

TEST(DeployManifestsTest, SchemaRejectsWhatFlaggerRejects) {
  const Json crd = crdNamed("canaries.flagger.app");
  const Json& schema = v1beta1Schema(crd);
  Json canary = fixture("flagger-podinfo-canary.yaml");
  canary["spec"]["analysis"].erase("stepWeight");  // none of iterations/stepWeight/stepWeights
  EXPECT_FALSE(validationProblems(canary, schema).empty());
  canary = fixture("pennant-grpc-canary.yaml");
  canary["spec"]["service"]["route"]["kind"] = "TCPRoute";
  EXPECT_FALSE(validationProblems(canary, schema).empty());
  canary = fixture("pennant-grpc-canary.yaml");
  canary["spec"]["analysis"]["match"][0]["headers"]["x-canary"] = {{"exact", "a"}, {"regex", "b"}};
  EXPECT_FALSE(validationProblems(canary, schema).empty());
}

TEST(DeployManifestsTest, PennantFieldsAreOptionalAdditions) {
  const Json crd = crdNamed("canaries.flagger.app");
  const Json& spec = v1beta1Schema(crd)["properties"]["spec"];
  EXPECT_EQ(spec["required"], (Json{"targetRef", "analysis"}));
  const Json& route = spec["properties"]["service"]["properties"]["route"];
  EXPECT_EQ(route["properties"]["kind"]["enum"], (Json{"HTTPRoute", "GRPCRoute"}));
  EXPECT_EQ(route["properties"]["rules"]["items"]["x-kubernetes-preserve-unknown-fields"], true);
  EXPECT_EQ(spec["properties"]["routeRef"]["properties"]["kind"]["enum"],
            (Json{"ApisixRoute", "HTTPRoute", "GRPCRoute"}));
  const Json& grpcMethod = spec["properties"]["analysis"]["properties"]["match"]["items"]["properties"]["grpcMethod"];
  EXPECT_EQ(grpcMethod["properties"]["type"]["enum"], (Json{"Exact", "RegularExpression"}));
  EXPECT_EQ(spec["properties"]["service"]["properties"]["appProtocol"]["type"], "string");
}

TEST(DeployManifestsTest, RbacGrantsExactlyTheControllersVerbs) {
  auto rbac = loadDir("deploy/rbac");
  ASSERT_TRUE(rbac.contains("cluster-role.yaml"));
  std::map<std::string, std::set<std::string>> verbs;  // "group/resource" -> verbs
  for (const Json& rule : rbac["cluster-role.yaml"]["rules"]) {
    for (const Json& group : rule["apiGroups"]) {
      for (const Json& resource : rule["resources"]) {
        for (const Json& verb : rule["verbs"]) {
          verbs[group.get<std::string>() + "/" + resource.get<std::string>()].insert(verb.get<std::string>());
        }
      }
    }
  }
  const std::set<std::string> readWrite = {"get", "list", "watch", "create", "update", "patch"};
  const std::set<std::string> readOnly = {"get", "list", "watch"};
  std::map<std::string, std::set<std::string>> expected = {
      {"flagger.app/canaries", {"get", "list", "watch", "update", "patch"}},
      {"flagger.app/canaries/status", {"get", "update", "patch"}},
      {"flagger.app/canaries/finalizers", {"update"}},
      {"flagger.app/metrictemplates", readOnly},
      {"flagger.app/alertproviders", readOnly},
      {"apps/deployments", readWrite},
      {"/services", readWrite},
      {"/configmaps", readWrite},
      {"/secrets", readWrite},
      {"autoscaling/horizontalpodautoscalers", readWrite},
      {"gateway.networking.k8s.io/httproutes", readWrite},
      {"gateway.networking.k8s.io/grpcroutes", readWrite},
      {"gateway.networking.k8s.io/httproutes/status", {"get"}},
      {"gateway.networking.k8s.io/grpcroutes/status", {"get"}},
      {"coordination.k8s.io/leases", {"get", "create", "update"}},
      {"events.k8s.io/events", {"create", "patch"}},
  };
  EXPECT_EQ(verbs, expected);

  const Json& sa = rbac["service-account.yaml"];
  EXPECT_EQ(sa["kind"], "ServiceAccount");
  EXPECT_EQ(sa["metadata"]["name"], "pennant");
  EXPECT_EQ(sa["metadata"]["namespace"], "pennant-system");
  EXPECT_EQ(rbac["namespace.yaml"]["metadata"]["name"], "pennant-system");
  const Json& binding = rbac["cluster-role-binding.yaml"];
  EXPECT_EQ(binding["kind"], "ClusterRoleBinding");
  EXPECT_EQ(binding["roleRef"],
            (Json{{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", "pennant"}}));
  EXPECT_EQ(binding["subjects"],
            Json::parse(R"([{"kind":"ServiceAccount","name":"pennant","namespace":"pennant-system"}])"));
}

}  // namespace
}  // namespace pennant::workload

namespace pennant::workload {
namespace {

TEST(SchemaChecksTest, StructuralChecksCatchWhatTheApiServerRejects) {
  Json bad = Json::parse(R"({"type": "object", "properties": {
    "untyped": {"description": "no type"},
    "free": {"x-kubernetes-preserve-unknown-fields": true},
    "port": {"x-kubernetes-int-or-string": true},
    "choice": {"type": "object", "oneOf": [{"type": "object", "required": ["a"]}]},
    "list": {"type": "array"},
    "both": {"type": "object", "properties": {}, "additionalProperties": {"type": "string"}}
  }})");
  EXPECT_EQ(testing::structuralProblems(bad),
            (std::vector<std::string>{".both: both properties and additionalProperties",
                                      ".choice.oneOf: 'type' inside a value validation", ".list: array without items",
                                      ".untyped: no type"}));
}

}  // namespace
}  // namespace pennant::workload
