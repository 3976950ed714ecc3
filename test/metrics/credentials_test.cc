#include "metrics/credentials.h"

#include <gtest/gtest.h>

namespace pennant::metrics {
namespace {

Json secret(Json data) {
  return Json{{"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", {{"name", "prom-auth"}}}, {"data", data}};
}

TEST(CredentialsTest, TokenWinsAndBecomesABearerHeader) {
  // "s3cr3t" and "admin" base64-encoded, as the API server returns Secret data.
  auto creds = credentialsFromSecret(secret({{"token", "czNjcjN0"}, {"username", "YWRtaW4="}}));
  ASSERT_TRUE(creds.ok()) << creds.status();
  EXPECT_EQ(creds->bearerToken, "s3cr3t");
  EXPECT_TRUE(creds->username.empty());
  EXPECT_EQ(authorizationHeader(*creds), "Bearer s3cr3t");
}

TEST(CredentialsTest, UsernameAndPasswordBecomeBasicAuth) {
  auto creds = credentialsFromSecret(secret({{"username", "YWRtaW4="}, {"password", "czNjcjN0"}}));
  ASSERT_TRUE(creds.ok()) << creds.status();
  EXPECT_EQ(creds->username, "admin");
  EXPECT_EQ(creds->password, "s3cr3t");
  EXPECT_EQ(authorizationHeader(*creds), "Basic YWRtaW46czNjcjN0");  // base64("admin:s3cr3t")
}

TEST(CredentialsTest, StringDataIsAcceptedForManifests) {
  Json s = {{"metadata", {{"name", "x"}}}, {"stringData", {{"token", "plain"}}}};
  auto creds = credentialsFromSecret(s);
  ASSERT_TRUE(creds.ok()) << creds.status();
  EXPECT_EQ(creds->bearerToken, "plain");
}

TEST(CredentialsTest, MissingKeysAreNamedButValuesNeverAppear) {
  auto noPassword = credentialsFromSecret(secret({{"username", "YWRtaW4="}}));
  ASSERT_FALSE(noPassword.ok());
  EXPECT_NE(noPassword.status().message().find("\"password\""), absl::string_view::npos);
  EXPECT_EQ(noPassword.status().message().find("admin"), absl::string_view::npos);
  EXPECT_EQ(noPassword.status().message().find("YWRtaW4"), absl::string_view::npos);

  auto nothing = credentialsFromSecret(secret(Json::object()));
  ASSERT_FALSE(nothing.ok());
  EXPECT_NE(nothing.status().message().find("prom-auth"), absl::string_view::npos);
}

TEST(CredentialsTest, BadBase64IsAnError) {
  auto creds = credentialsFromSecret(secret({{"token", "%%%"}}));
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.status().code(), StatusCode::kInvalidArgument);
}

TEST(CredentialsTest, EmptyCredentialsGiveNoHeader) { EXPECT_EQ(authorizationHeader(Credentials{}), ""); }

}  // namespace
}  // namespace pennant::metrics
