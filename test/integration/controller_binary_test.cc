// The built `pennant controller` binary against the real control plane: it serves /healthz and
// /readyz, initialises a GRPCRoute Canary, and exits 0 on SIGTERM (graceful shutdown).
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "integration/cluster_env.h"
#include "kube/resource.h"

extern char** environ;

namespace pennant::testbed {
namespace {

using namespace std::chrono_literals;
namespace res = kube::resources;

int httpStatus(const std::string& url) {
  http::Request request;
  request.url = url;
  request.timeout = 2s;
  auto answer = http::makeCurlClient()->send(request);
  return answer.ok() ? answer->status : 0;
}

TEST(ControllerBinary, ServesHealthInitialisesACanaryAndStopsOnSigterm) {
  ScopedNamespace ns("ctlbin");
  ASSERT_TRUE(ns.ok());
  auto admin = adminClient();
  ASSERT_NE(admin, nullptr);
  const int port = testbed::freeLoopbackPort();
  ASSERT_GT(port, 0);
  const std::string addr = "127.0.0.1:" + std::to_string(port);
  std::vector<std::string> args = {PENNANT_BINARY, "controller", "--kubeconfig",  kubeconfigPath(),
                                   "--namespace",  ns.name(),    "--health-addr", addr,
                                   "--log-format", "json",       "--workers",     "1"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  ASSERT_EQ(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);

  EXPECT_TRUE(eventually([&] { return httpStatus("http://" + addr + "/healthz") == 200; }, 30s));
  EXPECT_TRUE(eventually([&] { return httpStatus("http://" + addr + "/readyz") == 200; }, 60s));

  Json labels = {{"app", "hello"}};
  Json deployment = {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", {{"name", "hello"}, {"labels", labels}}},
      {"spec",
       {{"replicas", 1},
        {"selector", {{"matchLabels", labels}}},
        {"template",
         {{"metadata", {{"labels", labels}}},
          {"spec", {{"containers", Json::array({{{"name", "app"}, {"image", "example.com/hello:1"}}})}}}}}}}};
  ASSERT_TRUE(admin->create(res::deployments(), ns.name(), deployment).ok());
  Json canary = {{"apiVersion", "flagger.app/v1beta1"},
                 {"kind", "Canary"},
                 {"metadata", {{"name", "hello"}}},
                 {"spec",
                  {{"provider", "gatewayapi:v1"},
                   {"targetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "hello"}}},
                   {"service",
                    {{"port", 9090},
                     {"gatewayRefs", Json::array({{{"name", "gw"}, {"namespace", "gateway-system"}}})},
                     {"route", {{"kind", "GRPCRoute"}}}}},
                   {"analysis", {{"interval", "10s"}, {"threshold", 1}, {"stepWeight", 50}}}}}};
  ASSERT_TRUE(admin->create(res::canaries(), ns.name(), canary).ok());
  EXPECT_TRUE(eventually(
      [&] {
        auto c = admin->get(res::canaries(), ns.name(), "hello");
        return c.ok() && stringAt(*c, {"status", "phase"}) == "Initialized";
      },
      90s));
  EXPECT_TRUE(admin->get(res::grpcRoutes(), ns.name(), "hello").ok());

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = -1;
  bool exited = eventually([&] { return waitpid(pid, &status, WNOHANG) == pid; }, 30s);
  if (!exited) kill(pid, SIGKILL), waitpid(pid, &status, 0);
  ASSERT_TRUE(exited) << "pennant controller did not stop on SIGTERM";
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace pennant::testbed
