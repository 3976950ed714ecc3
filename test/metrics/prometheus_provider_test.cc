#include "metrics/prometheus_provider.h"

#include <gtest/gtest.h>

#include <cmath>

#include "metrics/scripted_http_client.h"

namespace pennant::metrics {
namespace {

using testing::ScriptedHttpClient;

std::string vectorAnswer(const std::vector<std::string>& values) {
  std::string result;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) result += ",";
    result += R"({"metric":{"pod":"p)" + std::to_string(i) + R"("},"value":[1700000000.123,")" + values[i] + R"("]})";
  }
  return R"({"status":"success","data":{"resultType":"vector","result":[)" + result + "]}}";
}

struct Fixture {
  std::shared_ptr<ScriptedHttpClient> http = std::make_shared<ScriptedHttpClient>();
  MetricProviderPtr provider;
  explicit Fixture(PrometheusConfig config = {}) {
    if (config.address.empty()) config.address = "http://prometheus.monitoring:9090/prom/";
    auto made = makePrometheusProvider(config, http);
    EXPECT_TRUE(made.ok()) << made.status();
    provider = *made;
  }
};

std::string header(const http::Request& request, const std::string& name) {
  for (const auto& [k, v] : request.headers) {
    if (k == name) return v;
  }
  return "";
}

TEST(PrometheusProviderTest, SendsAnInstantQueryWithCollapsedWhitespace) {
  Fixture f;
  f.http->answer(200, vectorAnswer({"99.5"}));
  auto value = f.provider->query("sum(rate(x{a=\"b c\"}[1m]))\n  /\n  2");
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_EQ(*value, 99.5);
  ASSERT_EQ(f.http->requests.size(), 1u);
  EXPECT_EQ(f.http->requests[0].method, "GET");
  EXPECT_EQ(f.http->requests[0].url,
            "http://prometheus.monitoring:9090/prom/api/v1/query?query="
            "sum%28rate%28x%7Ba%3D%22b%20c%22%7D%5B1m%5D%29%29%20%2F%202");
  EXPECT_EQ(f.http->requests[0].timeout, std::chrono::seconds(5));
}

TEST(PrometheusProviderTest, ScalarNaNAndInfinity) {
  Fixture f;
  f.http->answer(200, R"({"status":"success","data":{"resultType":"scalar","result":[1700000000,"42"]}})");
  f.http->answer(200, vectorAnswer({"NaN"}));
  f.http->answer(200, vectorAnswer({"+Inf"}));
  f.http->answer(200, vectorAnswer({"-Inf"}));
  EXPECT_EQ(**f.provider->query("scalar(x)"), 42);
  EXPECT_TRUE(std::isnan(**f.provider->query("a")));
  EXPECT_EQ(**f.provider->query("b"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(**f.provider->query("c"), -std::numeric_limits<double>::infinity());
}

TEST(PrometheusProviderTest, EmptyVectorIsNoValuesNotAnError) {
  Fixture f;
  f.http->answer(200, vectorAnswer({}));
  auto value = f.provider->query("absent_metric");
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_FALSE(value->has_value());
}

TEST(PrometheusProviderTest, SeveralSeriesIsAnErrorNamingTheQuery) {
  Fixture f;
  f.http->answer(200, vectorAnswer({"1", "2"}));
  auto value = f.provider->query("rate(x[1m])");
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(value.status().message().find("2 series"), absl::string_view::npos) << value.status();
  EXPECT_NE(value.status().message().find("rate(x[1m])"), absl::string_view::npos) << value.status();
}

TEST(PrometheusProviderTest, RangeVectorAndStringResultsAreErrors) {
  Fixture f;
  f.http->answer(200, R"({"status":"success","data":{"resultType":"matrix","result":[]}})");
  f.http->answer(200, R"({"status":"success","data":{"resultType":"string","result":[1,"x"]}})");
  auto matrix = f.provider->query("x[1m]");
  EXPECT_EQ(matrix.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(matrix.status().message().find("matrix"), absl::string_view::npos);
  EXPECT_EQ(f.provider->query("\"x\"").status().code(), StatusCode::kFailedPrecondition);
}

TEST(PrometheusProviderTest, QueryErrorCarriesPrometheusMessage) {
  Fixture f;
  f.http->answer(400,
                 R"({"status":"error","errorType":"bad_data","error":"1:14: parse error: unclosed left parenthesis"})");
  auto value = f.provider->query("sum(rate(x[1m])");
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(value.status().message().find("Prometheus query error (bad_data, HTTP 400)"), absl::string_view::npos)
      << value.status();
  EXPECT_NE(value.status().message().find("unclosed left parenthesis"), absl::string_view::npos);
}

TEST(PrometheusProviderTest, ServerSideTimeoutAndExecutionErrors) {
  Fixture f;
  f.http->answer(503, R"({"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"})");
  f.http->answer(422, R"({"status":"error","errorType":"execution","error":"many-to-many matching not allowed"})");
  EXPECT_EQ(f.provider->query("a").status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(f.provider->query("b").status().code(), StatusCode::kInvalidArgument);
}

TEST(PrometheusProviderTest, UnreachableAndTimeoutHaveTheirOwnMessages) {
  Fixture f;
  f.http->fail(absl::UnavailableError("Couldn't connect to server"));
  f.http->fail(absl::DeadlineExceededError("Operation timed out"));
  auto unreachable = f.provider->query("up");
  EXPECT_EQ(unreachable.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(unreachable.status().message().find("is unreachable"), absl::string_view::npos) << unreachable.status();
  EXPECT_NE(unreachable.status().message().find("http://prometheus.monitoring:9090/prom/"), absl::string_view::npos);
  auto timeout = f.provider->query("up");
  EXPECT_EQ(timeout.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_NE(timeout.status().message().find("did not answer within 5s"), absl::string_view::npos) << timeout.status();
}

TEST(PrometheusProviderTest, NonJsonAnswers) {
  Fixture f;
  f.http->answer(502, "<html>Bad Gateway</html>");
  f.http->answer(404, "404 page not found");
  f.http->answer(200, "not json");
  EXPECT_EQ(f.provider->query("a").status().code(), StatusCode::kUnavailable);
  auto notFound = f.provider->query("b");
  EXPECT_EQ(notFound.status().code(), StatusCode::kInternal);
  EXPECT_NE(notFound.status().message().find("HTTP 404"), absl::string_view::npos);
  EXPECT_EQ(f.provider->query("c").status().code(), StatusCode::kInternal);
}

TEST(PrometheusProviderTest, AuthFailures) {
  Fixture f;
  f.http->answer(401, "Unauthorized");
  f.http->answer(403, "Forbidden");
  EXPECT_EQ(f.provider->query("a").status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(f.provider->query("b").status().code(), StatusCode::kPermissionDenied);
}

TEST(PrometheusProviderTest, SendsHeadersAndCredentialsButNeverShowsThem) {
  PrometheusConfig config;
  config.address = "https://user:pw@thanos.example:443";
  config.headers = {{"X-Scope-OrgID", "tenant-a"}};
  config.credentials.bearerToken = "t0k3n";
  config.timeout = std::chrono::milliseconds(1500);
  Fixture f(config);
  f.http->fail(absl::DeadlineExceededError("timed out"));
  auto value = f.provider->query("up");
  ASSERT_EQ(f.http->requests.size(), 1u);
  EXPECT_EQ(header(f.http->requests[0], "X-Scope-OrgID"), "tenant-a");
  EXPECT_EQ(header(f.http->requests[0], "Authorization"), "Bearer t0k3n");
  EXPECT_EQ(f.http->requests[0].timeout, std::chrono::milliseconds(1500));
  EXPECT_NE(value.status().message().find("1500ms"), absl::string_view::npos) << value.status();
  EXPECT_EQ(value.status().message().find("t0k3n"), absl::string_view::npos);
  EXPECT_EQ(value.status().message().find("pw"), absl::string_view::npos);
  EXPECT_EQ(f.provider->describe(), "prometheus https://thanos.example:443");
}

TEST(PrometheusProviderTest, RejectsAddressesThatAreNotHttp) {
  auto http = std::make_shared<ScriptedHttpClient>();
  EXPECT_FALSE(makePrometheusProvider(PrometheusConfig{.address = "prometheus:9090"}, http).ok());
  EXPECT_FALSE(makePrometheusProvider(PrometheusConfig{.address = ""}, http).ok());
  EXPECT_FALSE(makePrometheusProvider(PrometheusConfig{.address = "http://p:9090"}, nullptr).ok());
}

TEST(PrometheusProviderTest, CheckOnlineWantsVectorOfOne) {
  Fixture f;
  f.http->answer(200, vectorAnswer({"1"}));
  f.http->answer(200, vectorAnswer({}));
  EXPECT_TRUE(checkOnline(*f.provider).ok());
  EXPECT_FALSE(checkOnline(*f.provider).ok());
  EXPECT_NE(f.http->requests[0].url.find("query=vector%281%29"), std::string::npos);
}

TEST(PrometheusProviderTest, SampleValues) {
  EXPECT_EQ(parseSampleValue("1e+06"), 1e6);
  EXPECT_EQ(parseSampleValue("-0.5"), -0.5);
  EXPECT_FALSE(parseSampleValue("abc").has_value());
  EXPECT_FALSE(parseSampleValue("").has_value());
}

TEST(PrometheusProviderTest, RedactsUserInfo) {
  EXPECT_EQ(redactAddress("http://a:b@host:9090/x@y"), "http://host:9090/x@y");
  EXPECT_EQ(redactAddress("http://host:9090"), "http://host:9090");
}

}  // namespace
}  // namespace pennant::metrics
