#include "kube/kubeconfig.h"

#include <absl/strings/escaping.h>
#include <absl/strings/str_replace.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "fakes/temp_dir.h"
#include "kube/config.h"

namespace pennant::kube {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kCertPem = "-----BEGIN CERTIFICATE-----\nMIIBcert\n-----END CERTIFICATE-----\n";
const std::string kKeyPem = "-----BEGIN EC PRIVATE KEY-----\nMHckey\n-----END EC PRIVATE KEY-----\n";
const std::string kCaPem = "-----BEGIN CERTIFICATE-----\nMIIBca\n-----END CERTIFICATE-----\n";

using pennant::testing::TempDir;  // fakes/temp_dir.h

// Sets an environment variable for one test and restores it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value != nullptr)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_.c_str(), old_->c_str(), 1);
    else
      ::unsetenv(name_.c_str());
  }

 private:
  std::string name_;
  std::optional<std::string> old_;
};

// A kubeconfig with one context "main" (cluster "c", user "u"); $CLUSTER and $USER are the
// bodies of the cluster and user entries, indented by 4 spaces.
std::string kubeconfig(const std::string& cluster, const std::string& user) {
  std::string text = R"(apiVersion: v1
kind: Config
current-context: main
contexts:
- name: main
  context: {cluster: c, user: u, namespace: team-a}
- name: other
  context: {cluster: c2}
clusters:
- name: c
  cluster:
$CLUSTER
- name: c2
  cluster:
    server: https://other.example:6443/
users:
- name: u
  user:
$USER
)";
  return absl::StrReplaceAll(text, {{"$CLUSTER", cluster}, {"$USER", user.empty() ? "    {}" : user}});
}

const std::string kServer = "    server: https://127.0.0.1:6443";

struct ValidCase {
  std::string name;
  std::string cluster;
  std::string user;
  std::string context;
  std::function<void(const ClusterConfig&, const TempDir&)> check;
};

void PrintTo(const ValidCase& c, std::ostream* os) { *os << c.name; }

class KubeconfigValidTest : public ::testing::TestWithParam<ValidCase> {};

TEST_P(KubeconfigValidTest, Loads) {
  const ValidCase& c = GetParam();
  TempDir dir{"pennant-kubeconfig"};
  dir.write("token.txt", "file-token\n");
  dir.write("client.crt", kCertPem);
  dir.write("client.key", kKeyPem);
  dir.write("ca.crt", kCaPem);
  std::string file = dir.write("config", kubeconfig(c.cluster, c.user));
  auto config = loadKubeconfig({.path = file, .context = c.context});
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_NE(config->credentials, nullptr);
  c.check(*config, dir);
}

std::string b64(const std::string& s) { return absl::Base64Escape(s); }

INSTANTIATE_TEST_SUITE_P(
    Variants, KubeconfigValidTest,
    ::testing::Values(
        ValidCase{"Token", kServer, "    token: abc123", "",
                  [](const ClusterConfig& c, const TempDir& d) {
                    EXPECT_EQ(c.server, "https://127.0.0.1:6443");
                    EXPECT_EQ(c.defaultNamespace, "team-a");
                    EXPECT_EQ(c.source, d.path() + "/config (context main)");
                    EXPECT_EQ(*c.credentials->authorization(), "Bearer abc123");
                    EXPECT_FALSE(c.tls.insecureSkipVerify);
                  }},
        ValidCase{"TokenFileRelative", kServer, "    tokenFile: token.txt", "",
                  [](const ClusterConfig& c, const TempDir&) {
                    EXPECT_EQ(*c.credentials->authorization(), "Bearer file-token");
                  }},
        ValidCase{"ClientCertAsData", kServer,
                  "    client-certificate-data: " + b64(kCertPem) + "\n    client-key-data: " + b64(kKeyPem), "",
                  [](const ClusterConfig& c, const TempDir&) {
                    EXPECT_EQ(c.tls.clientCertPem, kCertPem);
                    EXPECT_EQ(c.tls.clientKeyPem, kKeyPem);
                    EXPECT_EQ(*c.credentials->authorization(), "");
                  }},
        ValidCase{"ClientCertAsRelativeFiles", kServer,
                  "    client-certificate: client.crt\n    client-key: ./client.key", "",
                  [](const ClusterConfig& c, const TempDir& d) {
                    EXPECT_EQ(c.tls.clientCertFile, d.path() + "/client.crt");
                    EXPECT_EQ(c.tls.clientKeyFile, d.path() + "/client.key");
                    EXPECT_TRUE(c.tls.clientCertPem.empty());
                  }},
        ValidCase{"CaAsData", kServer + "\n    certificate-authority-data: " + b64(kCaPem), "", "",
                  [](const ClusterConfig& c, const TempDir&) {
                    EXPECT_EQ(c.tls.caPem, kCaPem);
                    EXPECT_TRUE(c.tls.caFile.empty());
                  }},
        ValidCase{"CaAsFile", kServer + "\n    certificate-authority: ca.crt", "", "",
                  [](const ClusterConfig& c, const TempDir& d) { EXPECT_EQ(c.tls.caFile, d.path() + "/ca.crt"); }},
        ValidCase{"InsecureAndServerName",
                  kServer + "\n    insecure-skip-tls-verify: true\n    tls-server-name: kube.local", "", "",
                  [](const ClusterConfig& c, const TempDir&) {
                    EXPECT_TRUE(c.tls.insecureSkipVerify);
                    EXPECT_EQ(c.tlsServerName, "kube.local");
                  }},
        ValidCase{"Basic", kServer, "    username: user\n    password: pass", "",
                  [](const ClusterConfig& c, const TempDir&) {
                    EXPECT_EQ(*c.credentials->authorization(), "Basic dXNlcjpwYXNz");
                  }},
        ValidCase{"ExplicitContextWithoutUser", kServer, "    token: abc", "other",
                  [](const ClusterConfig& c, const TempDir&) {
                    EXPECT_EQ(c.server, "https://other.example:6443");  // trailing slash dropped
                    EXPECT_EQ(c.defaultNamespace, "default");
                    EXPECT_EQ(*c.credentials->authorization(), "");
                  }},
        ValidCase{"ServerWithoutScheme", "    server: 10.0.0.1:6443", "", "",
                  [](const ClusterConfig& c, const TempDir&) { EXPECT_EQ(c.server, "https://10.0.0.1:6443"); }}),
    [](const auto& info) { return info.param.name; });

struct ErrorCase {
  std::string name;
  std::string text;  // the whole file; "$DIR" is replaced by the temp dir
  std::string context;
  std::string message;  // expected after "<file>: "
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class KubeconfigErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(KubeconfigErrorTest, NamesFileAndField) {
  const ErrorCase& c = GetParam();
  TempDir dir{"pennant-kubeconfig"};
  std::string file = dir.write("kc", absl::StrReplaceAll(c.text, {{"$DIR", dir.path()}}));
  auto config = loadKubeconfig({.path = file, .context = c.context});
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument) << config.status();
  std::string message = absl::StrReplaceAll(c.message, {{"$DIR", dir.path()}});
  EXPECT_THAT(std::string(config.status().message()), StartsWith(file + ": " + message));
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, KubeconfigErrorTest,
    ::testing::Values(
        ErrorCase{"MissingContext", kubeconfig(kServer, ""), "x", "context \"x\" not found"},
        ErrorCase{"NoCurrentContext", "clusters: []\ncontexts: []\n", "", "current-context: not set"},
        ErrorCase{"BadBase64",
                  kubeconfig(kServer, "    client-certificate-data: " + b64(kCertPem) +
                                          "\n    client-key-data: '!!not base64!!'"),
                  "", "users[0].user.client-key-data: not valid base64"},
        ErrorCase{"Base64ButNotPem", kubeconfig(kServer + "\n    certificate-authority-data: " + b64("hello"), ""), "",
                  "clusters[0].cluster.certificate-authority-data: decoded data is not PEM"},
        ErrorCase{"MissingServer", kubeconfig("    insecure-skip-tls-verify: true", ""), "",
                  "clusters[0].cluster.server: missing"},
        ErrorCase{"ServerNotAString", kubeconfig("    server: [1, 2]", ""), "",
                  "clusters[0].cluster.server: must be a string"},
        ErrorCase{"MalformedYaml", "clusters: [\n  - {name: c\n", "", "malformed YAML"},
        ErrorCase{"NotAMapping", "- just\n- a list\n", "", "not a kubeconfig"},
        ErrorCase{"ClusterNotFound",
                  "current-context: m\ncontexts:\n- name: m\n  context: {cluster: nope}\nclusters: []\n", "",
                  "cluster \"nope\" not found"},
        ErrorCase{"UserNotFound",
                  "current-context: m\ncontexts:\n- name: m\n  context: {cluster: c, user: ghost}\n"
                  "clusters:\n- name: c\n  cluster: {server: \"https://x\"}\n",
                  "", "user \"ghost\" not found"},
        ErrorCase{"ContextWithoutCluster", "current-context: m\ncontexts:\n- name: m\n  context: {user: u}\n", "",
                  "contexts[0].context.cluster: missing"},
        ErrorCase{"CertWithoutKey", kubeconfig(kServer, "    client-certificate-data: " + b64(kCertPem)), "",
                  "users[0].user: client-certificate without client-key"},
        ErrorCase{"CertFileMissing", kubeconfig(kServer, "    client-certificate: nope.crt\n    client-key: nope.key"),
                  "", "users[0].user.client-certificate: cannot read $DIR/nope.crt"},
        ErrorCase{"TokenFileMissing", kubeconfig(kServer, "    tokenFile: /nonexistent/token"), "",
                  "users[0].user.tokenFile: cannot read /nonexistent/token"},
        ErrorCase{"InsecureNotBool", kubeconfig(kServer + "\n    insecure-skip-tls-verify: yes", ""), "",
                  "clusters[0].cluster.insecure-skip-tls-verify: must be true or false"},
        ErrorCase{
            "InsecureWithCa",
            kubeconfig(kServer + "\n    insecure-skip-tls-verify: true\n    certificate-authority-data: " + b64(kCaPem),
                       ""),
            "", "clusters[0].cluster.insecure-skip-tls-verify: set together with a certificate-authority"},
        ErrorCase{"TokenAndBasic", kubeconfig(kServer, "    token: t\n    username: u\n    password: p"), "",
                  "users[0].user: more than one of"},
        ErrorCase{"AuthProvider", kubeconfig(kServer, "    auth-provider: {name: gcp}"), "",
                  "users[0].user.auth-provider: not supported"},
        ErrorCase{"ExecOldApiVersion",
                  kubeconfig(kServer, "    exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x}"), "",
                  "users[0].user.exec.apiVersion: \"client.authentication.k8s.io/v1alpha1\" not supported"},
        ErrorCase{"ExecWithoutCommand", kubeconfig(kServer, "    exec: {apiVersion: client.authentication.k8s.io/v1}"),
                  "", "users[0].user.exec.command: missing"},
        ErrorCase{"ExecBadEnv",
                  kubeconfig(kServer,
                             "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: x\n"
                             "      env: [{name: A}]"),
                  "", "users[0].user.exec.env[0]: must have string name and value"},
        ErrorCase{"ExecBadInteractiveMode",
                  kubeconfig(kServer,
                             "    exec: {apiVersion: client.authentication.k8s.io/v1, command: x, "
                             "interactiveMode: Sometimes}"),
                  "", "users[0].user.exec.interactiveMode: must be Never, IfAvailable or Always"}),
    [](const auto& info) { return info.param.name; });

TEST(KubeconfigPathTest, FirstExistingEntryOfKubeconfigVariable) {
  TempDir dir{"pennant-kubeconfig"};
  std::string second = dir.write("second", "x");
  std::string third = dir.write("third", "x");
  ScopedEnv env("KUBECONFIG", (dir.path() + "/missing:" + second + ":" + third).c_str());
  EXPECT_EQ(*kubeconfigPath(""), second);
  EXPECT_EQ(*kubeconfigPath("/explicit"), "/explicit");
}

TEST(KubeconfigPathTest, NoExistingEntryIsNotFound) {
  ScopedEnv env("KUBECONFIG", "/nonexistent/a:/nonexistent/b");
  auto path = kubeconfigPath("");
  EXPECT_EQ(path.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(std::string(path.status().message()), HasSubstr("/nonexistent/a:/nonexistent/b"));
}

TEST(KubeconfigPathTest, FallsBackToHomeKubeConfig) {
  ScopedEnv kc("KUBECONFIG", nullptr);
  ScopedEnv home("HOME", "/home/someone");
  EXPECT_EQ(*kubeconfigPath(""), "/home/someone/.kube/config");
}

TEST(LoadKubeconfigTest, UsesKubeconfigVariable) {
  TempDir dir{"pennant-kubeconfig"};
  std::string file = dir.write("config", kubeconfig(kServer, "    token: from-env"));
  ScopedEnv env("KUBECONFIG", file.c_str());
  auto config = loadKubeconfig();
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(*config->credentials->authorization(), "Bearer from-env");
}

TEST(LoadKubeconfigTest, MissingFileIsNotFound) {
  auto config = loadKubeconfig({.path = "/nonexistent/kubeconfig"});
  EXPECT_EQ(config.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(std::string(config.status().message()), HasSubstr("/nonexistent/kubeconfig"));
}

TEST(LoadDefaultTest, ExplicitKubeconfigWinsInsideAPod) {
  TempDir dir{"pennant-kubeconfig"};
  std::string file = dir.write("config", kubeconfig(kServer, "    token: t"));
  ScopedEnv host("KUBERNETES_SERVICE_HOST", "10.0.0.1");
  ScopedEnv port("KUBERNETES_SERVICE_PORT", "443");
  auto config = loadDefault({.path = file});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server, "https://127.0.0.1:6443");
}

TEST(LoadDefaultTest, InsideAPodWithoutKubeconfigUsesServiceAccount) {
  ScopedEnv kc("KUBECONFIG", nullptr);
  ScopedEnv host("KUBERNETES_SERVICE_HOST", "10.0.0.1");
  ScopedEnv port("KUBERNETES_SERVICE_PORT", "443");
  // The default service-account directory does not exist here, so the in-cluster path fails,
  // and says so: that proves which path was taken.
  if (fs::exists("/var/run/secrets/kubernetes.io/serviceaccount/token")) GTEST_SKIP() << "running in a Pod";
  auto config = loadDefault();
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(std::string(config.status().message()), HasSubstr("in-cluster config"));
}

TEST(LoadDefaultTest, OutsideAPodUsesKubeconfig) {
  TempDir dir{"pennant-kubeconfig"};
  std::string file = dir.write("config", kubeconfig(kServer, "    token: t"));
  ScopedEnv kc("KUBECONFIG", file.c_str());
  ScopedEnv host("KUBERNETES_SERVICE_HOST", nullptr);
  auto config = loadDefault();
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->source, file + " (context main)");
}

TEST(LoadDefaultTest, NothingFoundSaysWhereItLooked) {
  TempDir home{"pennant-kubeconfig"};
  ScopedEnv kc("KUBECONFIG", nullptr);
  ScopedEnv host("KUBERNETES_SERVICE_HOST", nullptr);
  ScopedEnv homeEnv("HOME", home.path().c_str());
  auto config = loadDefault();
  EXPECT_EQ(config.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(std::string(config.status().message()), HasSubstr("not in a cluster"));
  EXPECT_THAT(std::string(config.status().message()), HasSubstr(home.path() + "/.kube/config"));
}

}  // namespace
}  // namespace pennant::kube
