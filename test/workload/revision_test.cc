#include "workload/revision.h"

#include <gtest/gtest.h>

#include "workload/testdata.h"

namespace pennant::workload {
namespace {

TEST(RevisionTest, HashStepsMatchGoFnvAndSafeEncodeString) {
  // Expected values computed with Go's hash/fnv and apimachinery's rand.SafeEncodeString.
  EXPECT_EQ(fnv32a(""), 2166136261u);
  EXPECT_EQ(safeEncodeString("2166136261"), "65bb57b6b5");
  Json templ = Json::parse(
      R"({"spec":{"containers":[{"name":"podinfod","image":"podinfo:6.0.0"}]},"metadata":{"labels":{"app":"podinfo"}}})");
  EXPECT_EQ(fnv32a(templ.dump()), 3581838244u);
  EXPECT_EQ(computeHash(templ), "79d5d7d688");
  EXPECT_EQ(podTemplateHash(Json{{"spec", {{"template", templ}}}}), "79d5d7d688");
}

TEST(RevisionTest, TemplateHashIgnoresEverythingButTheTemplate) {
  Json deployment = testing::fixture("podinfo-deployment.yaml");
  std::string base = podTemplateHash(deployment);
  Json scaled = deployment;
  scaled["spec"]["replicas"] = 0;
  scaled["status"] = Json::object();
  scaled["metadata"]["resourceVersion"] = "9999";
  EXPECT_EQ(podTemplateHash(scaled), base);
  Json newImage = deployment;
  newImage["spec"]["template"]["spec"]["containers"][0]["image"] = "ghcr.io/stefanprodan/podinfo:6.0.1";
  EXPECT_NE(podTemplateHash(newImage), base);
  Json newLabel = deployment;
  newLabel["spec"]["template"]["metadata"]["labels"]["version"] = "6.0.1";
  EXPECT_NE(podTemplateHash(newLabel), base);
}

TEST(RevisionTest, HasSpecChanged) {
  struct Case {
    const char* name;
    std::string current, lastApplied, lastPromoted;
    bool changed;
  };
  const Case cases[] = {
      {"first run", "aaa", "", "", true},
      {"unchanged", "aaa", "aaa", "aaa", false},
      {"new revision", "bbb", "aaa", "aaa", true},
      {"manual rollback to the promoted spec", "aaa", "bbb", "aaa", false},
      {"still the applied revision", "bbb", "bbb", "aaa", false},
  };
  for (const Case& c : cases) EXPECT_EQ(hasSpecChanged(c.current, c.lastApplied, c.lastPromoted), c.changed) << c.name;
}

TEST(RevisionTest, StatusChecksumChangesWithConfigsAndSpec) {
  Json configs = {{"configmap/podinfo-config", "1b871a2b505298eb"}};
  std::string base = statusChecksum(configs, "79d5d7d688");
  EXPECT_EQ(statusChecksum(configs, "79d5d7d688"), base);
  EXPECT_NE(statusChecksum(configs, "65bb57b6b5"), base);
  EXPECT_NE(statusChecksum(Json{{"configmap/podinfo-config", "0"}}, "79d5d7d688"), base);
  EXPECT_EQ(statusChecksum(nullptr, "x"), statusChecksum(Json::object(), "x"));
}

}  // namespace
}  // namespace pennant::workload
