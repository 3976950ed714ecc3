#include "metrics/provider_factory.h"

#include <gtest/gtest.h>

#include "metrics/scripted_http_client.h"

namespace pennant::metrics {
namespace {

using testing::ScriptedHttpClient;

TEST(ProviderFactoryTest, BuildsPrometheusWithHeadersTlsAndCredentials) {
  auto http = std::make_shared<ScriptedHttpClient>();
  http->answer(200, R"({"status":"success","data":{"resultType":"scalar","result":[1,"1"]}})");
  http::TlsOptions seenTls;
  TemplateProvider spec;
  spec.address = "https://prom.example";
  spec.headers = {{"X-Org", {"a", "b"}}};
  spec.insecureSkipVerify = true;
  spec.secretName = "prom-auth";
  Credentials creds;
  creds.username = "u";
  creds.password = "p";
  auto provider = makeProvider(spec, creds, [&](const http::TlsOptions& tls) {
    seenTls = tls;
    return http;
  });
  ASSERT_TRUE(provider.ok()) << provider.status();
  EXPECT_TRUE(seenTls.insecureSkipVerify);
  ASSERT_TRUE((*provider)->query("1").ok());
  const auto& headers = http->requests[0].headers;
  int orgHeaders = 0;
  bool basic = false;
  for (const auto& [k, v] : headers) {
    if (k == "X-Org") ++orgHeaders;
    if (k == "Authorization" && v == "Basic dTpw") basic = true;
  }
  EXPECT_EQ(orgHeaders, 2);
  EXPECT_TRUE(basic);
}

TEST(ProviderFactoryTest, UnsupportedTypeIsAnErrorNeverAFallback) {
  TemplateProvider spec;
  spec.type = "datadog";
  spec.address = "https://api.datadoghq.com";
  auto provider =
      makeProvider(spec, {}, [](const http::TlsOptions&) { return std::make_shared<ScriptedHttpClient>(); });
  ASSERT_FALSE(provider.ok());
  EXPECT_NE(provider.status().message().find("datadog"), absl::string_view::npos);
}

TEST(ProviderFactoryTest, SecretRefWithoutCredentialsIsAnError) {
  TemplateProvider spec;
  spec.address = "http://prom:9090";
  spec.secretName = "missing";
  auto provider =
      makeProvider(spec, {}, [](const http::TlsOptions&) { return std::make_shared<ScriptedHttpClient>(); });
  EXPECT_FALSE(provider.ok());
}

}  // namespace
}  // namespace pennant::metrics
