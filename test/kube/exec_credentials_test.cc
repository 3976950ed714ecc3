#include "kube/exec_credentials.h"

#include <absl/strings/str_replace.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "common/json.h"
#include "fakes/fake_clock.h"
#include "fakes/temp_dir.h"
#include "kube/config.h"

namespace pennant::kube {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

using pennant::testing::TempDir;  // fakes/temp_dir.h

// The plugin: counts its runs in ./count, records its exec info, args and $PLUGIN_ENV, and prints
// an ExecCredential with token "tok-<run>" plus the status fields in $EXTRA. $FAIL makes it fail.
const char* kPlugin = R"(#!/bin/sh
dir=$(dirname "$0")
n=$(( $(cat "$dir/count" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$dir/count"
printf '%s' "$KUBERNETES_EXEC_INFO" > "$dir/exec_info"
echo "$@" > "$dir/args"
echo "$PLUGIN_ENV" > "$dir/env"
if [ -n "$FAIL" ]; then echo "boom: $FAIL" >&2; exit 3; fi
printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"tok-%s"%s}}\n' \
  "${API:-client.authentication.k8s.io/v1}" "$n" "$EXTRA"
)";

ExecConfig pluginConfig(const TempDir& dir, std::vector<std::pair<std::string, std::string>> env = {}) {
  ExecConfig c;
  c.apiVersion = std::string(kExecApiV1);
  c.command = dir.write("plugin.sh", kPlugin, true);
  c.env = std::move(env);
  return c;
}

int runs(const TempDir& dir) { return std::atoi(dir.read("count").c_str()); }

TEST(ExecCredentialsTest, CachesUntilExpiryThenRunsAgain) {
  TempDir dir{"pennant-exec"};
  auto clock = std::make_shared<fakes::FakeClock>();  // 2026-01-01T00:00:00Z
  auto creds =
      makeExecCredentials(pluginConfig(dir, {{"EXTRA", R"(,"expirationTimestamp":"2026-01-01T00:10:00Z")"}}), clock);
  EXPECT_EQ(runs(dir), 0) << "the plugin runs on first use, not at construction";
  EXPECT_EQ(*creds->authorization(), "Bearer tok-1");
  clock->advance(std::chrono::minutes(9));
  EXPECT_EQ(*creds->authorization(), "Bearer tok-1");
  EXPECT_EQ(runs(dir), 1);
  clock->advance(std::chrono::minutes(1));  // exactly at expiry: expired
  EXPECT_EQ(*creds->authorization(), "Bearer tok-2");
  EXPECT_EQ(runs(dir), 2);
}

TEST(ExecCredentialsTest, WithoutExpiryCachesUntilInvalidate) {
  TempDir dir{"pennant-exec"};
  auto clock = std::make_shared<fakes::FakeClock>();
  auto creds = makeExecCredentials(pluginConfig(dir), clock);
  EXPECT_EQ(*creds->authorization(), "Bearer tok-1");
  clock->advance(std::chrono::hours(24 * 365));
  EXPECT_EQ(*creds->authorization(), "Bearer tok-1");
  creds->invalidate();
  EXPECT_EQ(*creds->authorization(), "Bearer tok-2");
  EXPECT_EQ(*creds->authorization(), "Bearer tok-2");
  EXPECT_EQ(runs(dir), 2);
}

TEST(ExecCredentialsTest, PassesArgsEnvAndExecInfo) {
  TempDir dir{"pennant-exec"};
  ExecConfig config = pluginConfig(dir, {{"PLUGIN_ENV", "hello"}});
  config.args = {"get-token", "--cluster", "prod"};
  config.cluster = Json{{"server", "https://10.0.0.1:6443"}};
  auto creds = makeExecCredentials(config);
  ASSERT_TRUE(creds->authorization().ok());
  EXPECT_EQ(dir.read("args"), "get-token --cluster prod\n");
  EXPECT_EQ(dir.read("env"), "hello\n");
  auto info = parseJson(dir.read("exec_info"));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ((*info)["apiVersion"], "client.authentication.k8s.io/v1");
  EXPECT_EQ((*info)["kind"], "ExecCredential");
  EXPECT_EQ((*info)["spec"]["interactive"], false);
  EXPECT_EQ((*info)["spec"]["cluster"]["server"], "https://10.0.0.1:6443");
}

TEST(ExecCredentialsTest, ClientCertificateFromPlugin) {
  TempDir dir{"pennant-exec"};
  auto creds =
      makeExecCredentials(pluginConfig(dir, {{"EXTRA", R"(,"clientCertificateData":"CERT","clientKeyData":"KEY")"}}));
  auto cert = creds->clientCertificate();
  ASSERT_TRUE(cert.ok()) << cert.status();
  ASSERT_TRUE(cert->has_value());
  EXPECT_EQ((*cert)->certPem, "CERT");
  EXPECT_EQ((*cert)->keyPem, "KEY");
  EXPECT_EQ(*creds->authorization(), "Bearer tok-1");
  EXPECT_EQ(runs(dir), 1) << "token and certificate come from one run";
}

TEST(ExecCredentialsTest, FailureIsUnauthenticatedWithStderrAndNotCached) {
  TempDir dir{"pennant-exec"};
  auto creds = makeExecCredentials(pluginConfig(dir, {{"FAIL", "no session"}}));
  auto auth = creds->authorization();
  ASSERT_FALSE(auth.ok());
  EXPECT_EQ(auth.status().code(), StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(auth.status().message()), HasSubstr("exit status 3"));
  EXPECT_THAT(std::string(auth.status().message()), HasSubstr("boom: no session"));
  EXPECT_FALSE(creds->authorization().ok());
  EXPECT_EQ(runs(dir), 2);
}

TEST(ExecCredentialsTest, WrongApiVersionFromPluginIsAnError) {
  TempDir dir{"pennant-exec"};
  auto creds = makeExecCredentials(pluginConfig(dir, {{"API", "client.authentication.k8s.io/v1beta1"}}));
  auto auth = creds->authorization();
  EXPECT_EQ(auth.status().code(), StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(auth.status().message()), HasSubstr("v1beta1"));
}

TEST(ExecCredentialsTest, MissingCommandShowsInstallHint) {
  ExecConfig config;
  config.apiVersion = std::string(kExecApiV1);
  config.command = "pennant-no-such-plugin";
  config.installHint = "install it with: apt-get install pennant-plugin";
  auto auth = makeExecCredentials(config)->authorization();
  EXPECT_EQ(auth.status().code(), StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(auth.status().message()), HasSubstr("executable not found"));
  EXPECT_THAT(std::string(auth.status().message()), HasSubstr("apt-get install pennant-plugin"));
}

TEST(ExecCredentialsTest, InteractiveAlwaysIsRefused) {
  TempDir dir{"pennant-exec"};
  ExecConfig config = pluginConfig(dir);
  config.interactiveMode = "Always";
  auto auth = makeExecCredentials(config)->authorization();
  EXPECT_FALSE(auth.ok());
  EXPECT_THAT(std::string(auth.status().message()), HasSubstr("interactiveMode Always"));
  EXPECT_EQ(runs(dir), 0);
}

TEST(ExecCredentialsTest, ThroughKubeconfigWithRelativeCommand) {
  TempDir dir{"pennant-exec"};
  dir.write("plugin.sh", kPlugin, true);
  std::string file = dir.write("config", R"(current-context: m
contexts:
- name: m
  context: {cluster: c, user: u}
clusters:
- name: c
  cluster:
    server: https://127.0.0.1:6443
    extensions:
    - name: client.authentication.k8s.io/exec
      extension: {audience: pennant}
users:
- name: u
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: ./plugin.sh
      args: [a, b]
      env:
      - {name: PLUGIN_ENV, value: from-kubeconfig}
      - {name: API, value: client.authentication.k8s.io/v1beta1}
      provideClusterInfo: true
      interactiveMode: Never
)");
  auto config = loadKubeconfig({.path = file});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(*config->credentials->authorization(), "Bearer tok-1");
  EXPECT_EQ(dir.read("args"), "a b\n");
  EXPECT_EQ(dir.read("env"), "from-kubeconfig\n");
  auto info = parseJson(dir.read("exec_info"));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ((*info)["apiVersion"], "client.authentication.k8s.io/v1beta1");
  EXPECT_EQ((*info)["spec"]["cluster"]["server"], "https://127.0.0.1:6443");
  EXPECT_EQ((*info)["spec"]["cluster"]["config"]["audience"], "pennant");
}

struct ParseCase {
  std::string name;
  std::string text;
  std::string error;  // "" = must parse
};

void PrintTo(const ParseCase& c, std::ostream* os) { *os << c.name; }

class ParseExecCredentialTest : public ::testing::TestWithParam<ParseCase> {};

TEST_P(ParseExecCredentialTest, Parses) {
  auto cred = parseExecCredential(GetParam().text, kExecApiV1);
  if (GetParam().error.empty()) {
    EXPECT_TRUE(cred.ok()) << cred.status();
  } else {
    ASSERT_FALSE(cred.ok());
    EXPECT_EQ(cred.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(cred.status().message()), HasSubstr(GetParam().error));
  }
}

std::string credential(const std::string& status, const std::string& api = "client.authentication.k8s.io/v1",
                       const std::string& kind = "ExecCredential") {
  return R"({"apiVersion":")" + api + R"(","kind":")" + kind + R"(","status":)" + status + "}";
}

INSTANTIATE_TEST_SUITE_P(
    Outputs, ParseExecCredentialTest,
    ::testing::Values(ParseCase{"Token", credential(R"({"token":"t"})"), ""},
                      ParseCase{"Certificate", credential(R"({"clientCertificateData":"c","clientKeyData":"k"})"), ""},
                      ParseCase{"CertificateWithoutKey", credential(R"({"clientCertificateData":"c"})"),
                                "must come together"},
                      ParseCase{"Empty", credential("{}"), "neither token nor clientCertificateData"},
                      ParseCase{"WrongKind", credential(R"({"token":"t"})", "client.authentication.k8s.io/v1", "Pod"),
                                "not an ExecCredential"},
                      ParseCase{"WrongVersion", credential(R"({"token":"t"})", "client.authentication.k8s.io/v1beta1"),
                                "plugin answered apiVersion"},
                      ParseCase{"BadTimestamp", credential(R"({"token":"t","expirationTimestamp":"tomorrow"})"),
                                "status.expirationTimestamp \"tomorrow\""},
                      ParseCase{"NotJson", "Please log in first", "malformed JSON"}),
    [](const auto& info) { return info.param.name; });

TEST(ParseExecCredentialTest, ReadsFieldsAndExpiry) {
  auto cred = parseExecCredential(credential(R"({"token":"t","clientCertificateData":"c","clientKeyData":"k",)"
                                             R"("expirationTimestamp":"2026-01-01T00:10:00Z"})"),
                                  kExecApiV1);
  ASSERT_TRUE(cred.ok()) << cred.status();
  EXPECT_EQ(cred->token, "t");
  EXPECT_EQ(cred->clientCertificatePem, "c");
  EXPECT_EQ(cred->clientKeyPem, "k");
  ASSERT_TRUE(cred->expiry.has_value());
  EXPECT_EQ(formatRfc3339(*cred->expiry), "2026-01-01T00:10:00Z");
}

TEST(RunProcessTest, CapturesOutputAndExitCode) {
  auto r = runProcess("/bin/sh", {"-c", "echo out; echo err >&2; exit 7"}, {}, std::chrono::seconds(10));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
  EXPECT_EQ(r->exitCode, 7);
}

TEST(RunProcessTest, EnvOverridesInheritedVariable) {
  ::setenv("PENNANT_TEST_VAR", "inherited", 1);
  auto r = runProcess("/bin/sh", {"-c", "echo $PENNANT_TEST_VAR"}, {{"PENNANT_TEST_VAR", "override"}},
                      std::chrono::seconds(10));
  ::unsetenv("PENNANT_TEST_VAR");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->out, "override\n");
}

TEST(RunProcessTest, StdinIsEmpty) {
  auto r = runProcess("/bin/cat", {}, {}, std::chrono::seconds(10));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->out, "");
  EXPECT_EQ(r->exitCode, 0);
}

TEST(RunProcessTest, MissingProgramIsNotFound) {
  auto r = runProcess("/nonexistent/plugin", {}, {}, std::chrono::seconds(10));
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

TEST(RunProcessTest, TimeoutKillsTheChild) {
  auto start = std::chrono::steady_clock::now();
  auto r = runProcess("/bin/sleep", {"30"}, {}, std::chrono::milliseconds(200));
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

}  // namespace
}  // namespace pennant::kube
