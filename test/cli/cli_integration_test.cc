// The built `pennant` binary against the real control plane (ctest fixture "cluster"): status,
// promote, abort, pause and resume through the kubeconfig, exit codes and kubectl-style errors,
// the kubectl plugin name, and (with the Manager in-process) a promote and an abort acted on by
// the controller.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>

#include "integration/cluster_env.h"
#include "integration/cluster_objects.h"
#include "integration/controller_on_cluster.h"
#include "kube/resource.h"

namespace pennant::testbed {
namespace {

using namespace std::chrono_literals;
namespace res = kube::resources;

struct Result {
  int code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `binary args --kubeconfig <testbed>` (or `prefix binary args` with an environment prefix).
Result run(const std::string& args, const std::string& binary = PENNANT_BINARY, const std::string& env = "",
           const std::string& kubeconfig = kubeconfigPath()) {
  static std::atomic<int> counter{0};
  const std::string base =
      fmt::format("{}/pennant-cli-test-{}-{}", std::filesystem::temp_directory_path().string(), getpid(), counter++);
  const std::string command =
      fmt::format("{} {} {} --kubeconfig {} >{}.out 2>{}.err", env, binary, args, kubeconfig, base, base);
  int rc = std::system(command.c_str());
  Result r{WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, slurp(base + ".out"), slurp(base + ".err")};
  std::filesystem::remove(base + ".out");
  std::filesystem::remove(base + ".err");
  return r;
}

std::string show(const Result& r) { return fmt::format("exit {}\nstdout:\n{}stderr:\n{}", r.code, r.out, r.err); }

Json analysis() { return {{"interval", "10s"}, {"threshold", 2}, {"stepWeight", 10}, {"maxWeight", 50}}; }

void setStatus(kube::Client& client, const std::string& ns, const std::string& name, const Json& status) {
  auto patched = client.patch(res::canaries(), ns, name, kube::PatchType::kMerge, {{"status", status}}, "status");
  ASSERT_TRUE(patched.ok()) << patched.status();
}

std::string annotation(kube::Client& client, const std::string& ns, const std::string& name, const std::string& key) {
  auto c = client.get(res::canaries(), ns, name);
  return c.ok() ? stringAt(*c, {"metadata", "annotations", key}) : "";
}

class CliOnCluster : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ns.ok());
    admin = adminClient();
    ASSERT_TRUE(admin);
    ASSERT_OK_CREATE(createSoon(*admin, res::canaries(), ns.name(), grpcCanary("greeter", analysis())));
  }
  ScopedNamespace ns{"cli"};
  kube::ClientPtr admin;
};

TEST_F(CliOnCluster, PauseAndResumeSetSpecSuspend) {
  const std::string n = ns.name();
  Result paused = run("pause greeter -n " + n);
  ASSERT_EQ(paused.code, 0) << show(paused);
  EXPECT_EQ(paused.out, "canary.flagger.app/greeter paused\n");
  auto c = admin->get(res::canaries(), n, "greeter");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)["spec"].value("suspend", false), true);
  EXPECT_NE(run("status greeter -n " + n).out.find("Paused:          yes"), std::string::npos);

  Result resumed = run("resume greeter --namespace " + n);
  ASSERT_EQ(resumed.code, 0) << show(resumed);
  EXPECT_EQ(resumed.out, "canary.flagger.app/greeter resumed\n");
  c = admin->get(res::canaries(), n, "greeter");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)["spec"].value("suspend", true), false);
}

TEST_F(CliOnCluster, StatusShowsPhaseAndWeight) {
  const std::string n = ns.name();
  setStatus(*admin, n, "greeter",
            {{"phase", "Progressing"},
             {"canaryWeight", 30},
             {"failedChecks", 1},
             {"iterations", 0},
             {"lastTransitionTime", "2026-01-01T00:00:00Z"}});
  Result one = run("status greeter -n " + n);
  ASSERT_EQ(one.code, 0) << show(one);
  EXPECT_NE(one.out.find("Phase:           Progressing\n"), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("Traffic:         primary 70%, canary 30%\n"), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("Failed checks:   1/2\n"), std::string::npos) << one.out;

  Result table = run("status -n " + n);
  ASSERT_EQ(table.code, 0) << show(table);
  EXPECT_NE(table.out.find("greeter   Progressing   30       1/2"), std::string::npos) << table.out;

  Result all = run("status -A");
  ASSERT_EQ(all.code, 0) << show(all);
  EXPECT_NE(all.out.find(n), std::string::npos) << all.out;

  Result json = run("status greeter -o json -n " + n);
  ASSERT_EQ(json.code, 0) << show(json);
  auto parsed = parseJson(json.out);
  ASSERT_TRUE(parsed.ok()) << json.out;
  EXPECT_EQ((*parsed)["status"].value("canaryWeight", -1), 30);
  Result yaml = run("status -o yaml -n " + n);
  ASSERT_EQ(yaml.code, 0) << show(yaml);
  EXPECT_NE(yaml.out.find("kind: List"), std::string::npos) << yaml.out;
  EXPECT_NE(yaml.out.find("canaryWeight: 30"), std::string::npos) << yaml.out;
}

TEST_F(CliOnCluster, PromoteAndAbortSetTheirAnnotationsOnlyDuringAnAnalysis) {
  const std::string n = ns.name();
  setStatus(*admin, n, "greeter", {{"phase", "Succeeded"}});
  Result refused = run("promote greeter -n " + n);
  EXPECT_EQ(refused.code, 1) << show(refused);
  EXPECT_NE(refused.err.find("no analysis is running (phase Succeeded)"), std::string::npos) << refused.err;
  EXPECT_EQ(annotation(*admin, n, "greeter", "pennant.io/promote"), "");

  setStatus(*admin, n, "greeter", {{"phase", "Progressing"}});
  Result promoted = run("promote greeter -n " + n);
  ASSERT_EQ(promoted.code, 0) << show(promoted);
  std::string id = annotation(*admin, n, "greeter", "pennant.io/promote");
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(promoted.out, "canary.flagger.app/greeter promote requested (pennant.io/promote=" + id + ")\n");
  Result aborted = run("abort greeter -n " + n);
  ASSERT_EQ(aborted.code, 0) << show(aborted);
  EXPECT_FALSE(annotation(*admin, n, "greeter", "pennant.io/abort").empty());
  EXPECT_NE(run("status greeter -n " + n).out.find("Requests:        promote " + id + " (pending)"), std::string::npos);
}

TEST_F(CliOnCluster, NotFoundIsExitCodeOneWithKubectlsMessage) {
  const std::string n = ns.name();
  for (const std::string verb : {"status", "promote", "abort", "pause", "resume"}) {
    Result r = run(verb + " missing -n " + n);
    EXPECT_EQ(r.code, 1) << verb << ": " << show(r);
    EXPECT_EQ(r.err, "Error from server (NotFound): canaries.flagger.app \"missing\" not found\n") << verb;
    EXPECT_EQ(r.out, "") << verb;
  }
  Result watch = run("status --watch missing -n " + n);
  EXPECT_EQ(watch.code, 1) << show(watch);
  Result usage = run("status greeter -A");
  EXPECT_EQ(usage.code, 1) << show(usage);
  Result empty = run("status -n " + n + "-none");
  EXPECT_EQ(empty.code, 0) << show(empty);
  EXPECT_EQ(empty.err, "No resources found in " + n + "-none namespace.\n");
}

TEST_F(CliOnCluster, ForbiddenIsExitCodeOneWithKubectlsMessage) {
  // A ServiceAccount without any RBAC, in a kubeconfig whose context names the namespace (so no -n).
  const std::string n = ns.name();
  ASSERT_OK_CREATE(admin->create(
      serviceAccounts(), n, {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", "nobody"}}}}));
  auto token = serviceAccountToken(n, "nobody", 600);
  ASSERT_TRUE(token.ok()) << token.status();
  auto server = env("APISERVER");
  auto ca = env("CA_FILE");
  ASSERT_TRUE(server.ok() && ca.ok());
  const std::string path =
      fmt::format("{}/pennant-cli-nobody-{}.kubeconfig", std::filesystem::temp_directory_path().string(), getpid());
  std::ofstream(path) << fmt::format(
      "apiVersion: v1\nkind: Config\n"
      "clusters: [{{name: t, cluster: {{server: '{}', certificate-authority: '{}'}}}}]\n"
      "users: [{{name: nobody, user: {{token: '{}'}}}}]\n"
      "contexts: [{{name: other, context: {{cluster: t, user: nobody}}}}, "
      "{{name: limited, context: {{cluster: t, user: nobody, namespace: '{}'}}}}]\n"
      "current-context: other\n",
      *server, *ca, *token, n);
  Result r = run("status greeter --context limited", PENNANT_BINARY, "", path);
  EXPECT_EQ(r.code, 1) << show(r);
  EXPECT_EQ(r.err, fmt::format("Error from server (Forbidden): canaries.flagger.app \"greeter\" is forbidden: User "
                               "\"system:serviceaccount:{}:nobody\" cannot get resource \"canaries\" in API group "
                               "\"flagger.app\" in the namespace \"{}\"\n",
                               n, n));
  Result p = run("pause greeter --context limited", PENNANT_BINARY, "", path);
  EXPECT_EQ(p.code, 1) << show(p);
  EXPECT_NE(p.err.find("Error from server (Forbidden)"), std::string::npos) << p.err;
  std::filesystem::remove(path);
}

TEST_F(CliOnCluster, WorksAsAKubectlPlugin) {
  const std::string n = ns.name();
  setStatus(*admin, n, "greeter", {{"phase", "Initialized"}});
  const std::string pluginDir = std::filesystem::path(PENNANT_BINARY).parent_path().string();
  ASSERT_TRUE(std::filesystem::is_symlink(pluginDir + "/kubectl-pennant"));
  auto bin = env("TESTBED_BIN");
  ASSERT_TRUE(bin.ok()) << bin.status();
  // kubectl finds `kubectl-pennant` on PATH and hands it the arguments after `pennant`.
  Result r = run("pennant status greeter -n " + n, *bin + "/kubectl", fmt::format("PATH={}:{}:$PATH", pluginDir, *bin));
  ASSERT_EQ(r.code, 0) << show(r);
  EXPECT_NE(r.out.find("Phase:           Initialized"), std::string::npos) << r.out;
  Result help = run("--help", pluginDir + "/kubectl-pennant");
  EXPECT_NE(help.out.find("Usage: kubectl pennant"), std::string::npos) << help.out;
}

// The controller in-process (controller_on_cluster.h): `pennant promote` ends an analysis early
// through Promoting, `pennant abort` rolls the next one back; `pennant status --watch --until`
// follows the first to its end.
TEST_F(ControllerOnCluster, PromoteAndAbortAreActedOnByTheController) {
  const std::string n = ns.name();
  ASSERT_OK_CREATE(createSoon(*admin, res::deployments(), n, deployment("greeter", "example.com/greeter:1")));
  ASSERT_OK_CREATE(createSoon(*admin, res::canaries(), n, grpcCanary("greeter", analysis())));
  ASSERT_TRUE(eventually([&] { return phaseOf(*admin, n, "greeter") == "Initialized"; }, 180s))
      << "phase " << phaseOf(*admin, n, "greeter");

  auto watch = std::async(std::launch::async,
                          [&] { return run("status greeter --watch --until Succeeded,Failed --timeout 5m -n " + n); });
  ASSERT_TRUE(setImage(*admin, n, "greeter", "example.com/greeter:2").ok());
  ASSERT_TRUE(eventually([&] { return canaryWeight(*admin, n, "greeter") >= 10; }, 120s))
      << "phase " << phaseOf(*admin, n, "greeter");
  Result promoted = run("promote greeter -n " + n);
  ASSERT_EQ(promoted.code, 0) << show(promoted);
  int64_t highest = 0;
  ASSERT_TRUE(eventually(
      [&] {
        highest = std::max(highest, canaryWeight(*admin, n, "greeter"));
        return phaseOf(*admin, n, "greeter") == "Succeeded";
      },
      120s))
      << "phase " << phaseOf(*admin, n, "greeter");
  EXPECT_LT(highest, 50);  // the remaining steps were skipped
  auto primary = admin->get(res::deployments(), n, "greeter-primary");
  ASSERT_TRUE(primary.ok());
  EXPECT_EQ((*primary)["spec"]["template"]["spec"]["containers"][0].value("image", ""), "example.com/greeter:2");
  EXPECT_TRUE(eventually([&] { return hasEvent(*admin, n, "greeter", "requested by user"); }, 30s));
  Result watched = watch.get();
  EXPECT_EQ(watched.code, 0) << show(watched);
  EXPECT_NE(watched.out.find("Progressing"), std::string::npos) << watched.out;
  EXPECT_NE(watched.out.find("Succeeded"), std::string::npos) << watched.out;

  ASSERT_TRUE(setImage(*admin, n, "greeter", "example.com/greeter:3").ok());
  ASSERT_TRUE(eventually([&] { return phaseOf(*admin, n, "greeter") == "Progressing"; }, 120s))
      << "phase " << phaseOf(*admin, n, "greeter");
  Result aborted = run("abort greeter -n " + n);
  ASSERT_EQ(aborted.code, 0) << show(aborted);
  ASSERT_TRUE(eventually([&] { return phaseOf(*admin, n, "greeter") == "Failed"; }, 60s))
      << "phase " << phaseOf(*admin, n, "greeter");
  EXPECT_EQ(canaryWeight(*admin, n, "greeter"), 0);
  primary = admin->get(res::deployments(), n, "greeter-primary");
  ASSERT_TRUE(primary.ok());
  EXPECT_EQ((*primary)["spec"]["template"]["spec"]["containers"][0].value("image", ""), "example.com/greeter:2");
  EXPECT_TRUE(eventually([&] { return hasEvent(*admin, n, "greeter", "aborted by user"); }, 30s));
  auto canary = admin->get(res::canaries(), n, "greeter");
  ASSERT_TRUE(canary.ok());
  EXPECT_EQ(stringAt(*canary, {"status", "handledRequests", "abort"}),
            stringAt(*canary, {"metadata", "annotations", "pennant.io/abort"}));
}

}  // namespace
}  // namespace pennant::testbed
