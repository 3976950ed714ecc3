#include "kube/in_cluster.h"

#include <fcntl.h>
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
#include "kube/credentials.h"

namespace pennant::kube {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

using pennant::testing::TempDir;  // fakes/temp_dir.h

InClusterOptions options(const TempDir& dir, std::shared_ptr<const Clock> clock = nullptr) {
  return {.serviceAccountDir = dir.path(), .host = "10.96.0.1", .port = "443", .clock = std::move(clock)};
}

TEST(InClusterTest, ReadsServiceAccount) {
  TempDir dir{"pennant-sa"};
  dir.write("token", "sa-token\n");
  dir.write("ca.crt", "-----BEGIN CERTIFICATE-----\n");
  dir.write("namespace", "pennant-system\n");
  auto config = loadInCluster(options(dir));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server, "https://10.96.0.1:443");
  EXPECT_EQ(config->tls.caFile, dir.path() + "/ca.crt");
  EXPECT_FALSE(config->tls.insecureSkipVerify);
  EXPECT_EQ(config->defaultNamespace, "pennant-system");
  EXPECT_EQ(*config->credentials->authorization(), "Bearer sa-token");
  EXPECT_THAT(config->source, HasSubstr("in-cluster"));
}

TEST(InClusterTest, DefaultsWithoutNamespaceAndCaFiles) {
  TempDir dir{"pennant-sa"};
  dir.write("token", "t");
  auto config = loadInCluster(options(dir));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->defaultNamespace, "default");
  EXPECT_TRUE(config->tls.caFile.empty());  // the system store, still verifying
  EXPECT_FALSE(config->tls.insecureSkipVerify);
}

TEST(InClusterTest, HostAndPortFromEnvironment) {
  TempDir dir{"pennant-sa"};
  dir.write("token", "t");
  ::setenv("KUBERNETES_SERVICE_HOST", "fd00:10:96::1", 1);
  ::setenv("KUBERNETES_SERVICE_PORT", "6443", 1);
  auto config = loadInCluster({.serviceAccountDir = dir.path()});
  ::unsetenv("KUBERNETES_SERVICE_HOST");
  ::unsetenv("KUBERNETES_SERVICE_PORT");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server, "https://[fd00:10:96::1]:6443");
}

TEST(InClusterTest, ServerUrl) {
  EXPECT_EQ(inClusterServer("10.0.0.1", "443"), "https://10.0.0.1:443");
  EXPECT_EQ(inClusterServer("kubernetes.default.svc", "443"), "https://kubernetes.default.svc:443");
  EXPECT_EQ(inClusterServer("::1", "443"), "https://[::1]:443");
  EXPECT_EQ(inClusterServer("[::1]", "443"), "https://[::1]:443");
}

TEST(InClusterTest, OutsideAPodIsFailedPrecondition) {
  TempDir dir{"pennant-sa"};
  dir.write("token", "t");
  ::unsetenv("KUBERNETES_SERVICE_HOST");
  auto config = loadInCluster({.serviceAccountDir = dir.path(), .port = "443"});
  EXPECT_EQ(config.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(config.status().message()), HasSubstr("KUBERNETES_SERVICE_HOST"));
}

TEST(InClusterTest, MissingOrEmptyTokenIsAnError) {
  TempDir dir{"pennant-sa"};
  auto missing = loadInCluster(options(dir));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr(dir.path() + "/token"));
  dir.write("token", "  \n");
  auto empty = loadInCluster(options(dir));
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(empty.status().message()), HasSubstr("empty"));
}

TEST(InClusterTest, TokenRewrittenInPlaceIsReadAtOnce) {
  TempDir dir{"pennant-sa"};
  dir.write("token", "first");
  auto config = loadInCluster(options(dir));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(*config->credentials->authorization(), "Bearer first");
  dir.write("token", "second-token");
  EXPECT_EQ(*config->credentials->authorization(), "Bearer second-token");
}

// The kubelet publishes projected tokens through symlinks: token -> ..data/token, and ..data is
// swapped atomically to a new directory.
TEST(InClusterTest, TokenRotatedBySymlinkSwapIsReadAtOnce) {
  TempDir dir{"pennant-sa"};
  fs::create_directory(dir.path() + "/v1");
  fs::create_directory(dir.path() + "/v2");
  dir.write("v1/token", "token-v1");
  dir.write("v2/token", "token-v2");
  fs::create_directory_symlink("v1", dir.path() + "/..data");
  fs::create_symlink("..data/token", dir.path() + "/token");
  auto config = loadInCluster(options(dir));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(*config->credentials->authorization(), "Bearer token-v1");
  fs::create_directory_symlink("v2", dir.path() + "/..data_tmp");
  fs::rename(dir.path() + "/..data_tmp", dir.path() + "/..data");
  EXPECT_EQ(*config->credentials->authorization(), "Bearer token-v2");
}

TEST(TokenFileCredentialsTest, UnchangedLookingFileIsReReadAfterMaxAge) {
  TempDir dir{"pennant-sa"};
  auto clock = std::make_shared<fakes::FakeClock>();
  std::string path = dir.write("token", "aaaa");
  struct stat before {};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  auto creds = makeTokenFileCredentials({.path = path, .maxAge = std::chrono::seconds(60), .clock = clock});
  ASSERT_TRUE(creds.ok()) << creds.status();
  // Same size, same inode, and the old mtime put back: the change is invisible to stat().
  { std::fstream(path, std::ios::in | std::ios::out | std::ios::binary) << "bbbb"; }
  timespec times[2] = {before.st_atim, before.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  EXPECT_EQ(*(*creds)->authorization(), "Bearer aaaa");
  clock->advance(std::chrono::seconds(60));
  EXPECT_EQ(*(*creds)->authorization(), "Bearer bbbb");
}

TEST(TokenFileCredentialsTest, InvalidateForcesReRead) {
  TempDir dir{"pennant-sa"};
  auto clock = std::make_shared<fakes::FakeClock>();
  std::string path = dir.write("token", "aaaa");
  struct stat before {};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  auto creds = makeTokenFileCredentials({.path = path, .clock = clock});
  ASSERT_TRUE(creds.ok()) << creds.status();
  { std::fstream(path, std::ios::in | std::ios::out | std::ios::binary) << "cccc"; }
  timespec times[2] = {before.st_atim, before.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  EXPECT_EQ(*(*creds)->authorization(), "Bearer aaaa");
  (*creds)->invalidate();
  EXPECT_EQ(*(*creds)->authorization(), "Bearer cccc");
}

TEST(TokenFileCredentialsTest, KeepsLastGoodTokenWhenFileDisappears) {
  TempDir dir{"pennant-sa"};
  std::string path = dir.write("token", "good");
  auto creds = makeTokenFileCredentials({.path = path});
  ASSERT_TRUE(creds.ok()) << creds.status();
  fs::remove(path);
  auto auth = (*creds)->authorization();
  ASSERT_TRUE(auth.ok()) << auth.status();
  EXPECT_EQ(*auth, "Bearer good");
  dir.write("token", "back");
  EXPECT_EQ(*(*creds)->authorization(), "Bearer back");
}

TEST(StaticCredentialsTest, Headers) {
  EXPECT_EQ(*makeNoCredentials()->authorization(), "");
  EXPECT_EQ(*makeBearerCredentials("x")->authorization(), "Bearer x");
  EXPECT_EQ(*makeBasicCredentials("admin", "s3cret:x")->authorization(), "Basic YWRtaW46czNjcmV0Ong=");
  auto none = makeNoCredentials();
  EXPECT_FALSE(none->clientCertificate()->has_value());
}

}  // namespace
}  // namespace pennant::kube
