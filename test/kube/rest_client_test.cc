#include "kube/rest_client.h"

#include <gtest/gtest.h>

#include "kube/errors.h"
#include "kube/rest_test_support.h"

namespace pennant::kube {
namespace {

using namespace std::chrono_literals;
using testing::TestRequest;
using testing::TestResponse;

const std::string kPodPath = "/api/v1/namespaces/default/pods/web";
const std::string kDeployPath = "/apis/apps/v1/namespaces/prod/deployments/web";

Json webPod() {
  return {{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", "web"}, {"namespace", "default"}}}};
}

class RestClientTest : public ::testing::Test, public RestFixture {
 protected:
  std::shared_ptr<RestClient> client_ = makeClient();
};

TEST_F(RestClientTest, GetSendsAuthAndAcceptAndReturnsTheObject) {
  server.on("GET", kPodPath, [](const TestRequest&) { return TestResponse::json(200, webPod()); });
  auto got = client_->get(resources::pods(), "default", "web");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(stringAt(*got, {"metadata", "name"}), "web");
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].header("authorization"), "Bearer token-1");
  EXPECT_EQ(seen[0].header("accept"), "application/json");
  EXPECT_EQ(seen[0].header("user-agent"), "pennant");
}

TEST_F(RestClientTest, NotFoundKeepsTheServerMessageAndIsNotRetried) {
  server.on("GET", kPodPath,
            [](const TestRequest&) { return TestResponse::kubeStatus(404, "NotFound", R"(pods "web" not found)"); });
  auto got = client_->get(resources::pods(), "default", "web");
  EXPECT_TRUE(isNotFound(got.status()));
  EXPECT_EQ(got.status().message(), R"(get pods default/web: pods "web" not found)");
  EXPECT_EQ(server.requestCount(), 1u);
  EXPECT_TRUE(sleeps.empty());
}

TEST_F(RestClientTest, EmptyNamesAreRejectedBeforeAnyRequest) {
  EXPECT_EQ(client_->get(resources::pods(), "default", "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(client_->remove(resources::pods(), "default", "", {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(client_->update(resources::pods(), "default", Json::object()).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(server.requestCount(), 0u);
}

TEST_F(RestClientTest, ListEncodesSelectorsAndPagingAndFillsKinds) {
  server.on("GET", "/apis/apps/v1/namespaces/prod/deployments", [](const TestRequest&) {
    return TestResponse::json(200, {{"kind", "DeploymentList"},
                                    {"apiVersion", "apps/v1"},
                                    {"metadata", {{"resourceVersion", "99"}, {"continue", "next"}}},
                                    {"items", {{{"metadata", {{"name", "a"}}}}}}});
  });
  ListOptions opts;
  opts.labelSelector = "app in (a,b),tier!=db";
  opts.fieldSelector = "metadata.name=a";
  opts.limit = 50;
  opts.continueToken = "tok/en+=";
  auto list = client_->list(resources::deployments(), "prod", opts);
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->resourceVersion, "99");
  EXPECT_EQ(list->continueToken, "next");
  ASSERT_EQ(list->items.size(), 1u);
  EXPECT_EQ(list->items[0]["kind"], "Deployment");
  EXPECT_EQ(list->items[0]["apiVersion"], "apps/v1");
  const TestRequest req = server.requests().at(0);
  EXPECT_EQ(req.param("labelSelector"), "app in (a,b),tier!=db");  // survived encoding
  EXPECT_EQ(req.param("fieldSelector"), "metadata.name=a");
  EXPECT_EQ(req.param("limit"), "50");
  EXPECT_EQ(req.param("continue"), "tok/en+=");
  EXPECT_FALSE(req.hasParam("resourceVersion"));
}

TEST_F(RestClientTest, ListAcrossAllNamespacesAndClusterScoped) {
  server.on("GET", "/api/v1/pods", [](const TestRequest&) {
    return TestResponse::json(200, {{"items", Json::array()}});
  });
  server.on("GET", "/api/v1/namespaces", [](const TestRequest&) {
    return TestResponse::json(200, {{"items", Json::array()}});
  });
  EXPECT_TRUE(client_->list(resources::pods(), "", {}).ok());
  EXPECT_TRUE(client_->list(resources::namespaces(), "ignored", {}).ok());
}

TEST_F(RestClientTest, CreatePostsToTheObjectsNamespace) {
  server.on("POST", "/api/v1/namespaces/default/pods", [](const TestRequest& req) {
    Json body = Json::parse(req.body);
    body["metadata"]["uid"] = "u1";
    return TestResponse::json(201, body);
  });
  auto created = client_->create(resources::pods(), "", webPod());
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(stringAt(*created, {"metadata", "uid"}), "u1");
  EXPECT_EQ(server.requests().at(0).header("content-type"), "application/json");
}

TEST_F(RestClientTest, CreateConflictIsAlreadyExistsAndNotRetried) {
  server.on("POST", "/api/v1/namespaces/default/pods", [](const TestRequest&) {
    return TestResponse::kubeStatus(409, "AlreadyExists", R"(pods "web" already exists)");
  });
  auto created = client_->create(resources::pods(), "default", webPod());
  EXPECT_TRUE(isAlreadyExists(created.status())) << created.status();
  EXPECT_EQ(server.requestCount(), 1u);
}

TEST_F(RestClientTest, UpdateConflictIsAbortedAndNotRetried) {
  server.on("PUT", kDeployPath, [](const TestRequest&) {
    return TestResponse::kubeStatus(409, "Conflict", "the object has been modified; please apply your changes");
  });
  Json d = {{"metadata", {{"name", "web"}, {"resourceVersion", "5"}}}};
  auto updated = client_->update(resources::deployments(), "prod", d);
  EXPECT_TRUE(isConflict(updated.status())) << updated.status();
  EXPECT_EQ(reasonOf(updated.status()), "Conflict");
  EXPECT_EQ(server.requestCount(), 1u);
  EXPECT_EQ(Json::parse(server.requests().at(0).body)["metadata"]["resourceVersion"], "5");
}

TEST_F(RestClientTest, InvalidCarriesFieldCausesAndIsNotRetried) {
  Json details = {
      {"causes", {{{"field", "spec.replicas"}, {"reason", "FieldValueInvalid"}, {"message", "must be >= 0"}}}}};
  server.on("PUT", kDeployPath + "/status", [&](const TestRequest&) {
    return TestResponse::kubeStatus(422, "Invalid", "Deployment.apps \"web\" is invalid", details);
  });
  auto updated = client_->updateStatus(resources::deployments(), "prod", {{"metadata", {{"name", "web"}}}});
  EXPECT_TRUE(isInvalid(updated.status()));
  ASSERT_EQ(causesOf(updated.status()).size(), 1u);
  EXPECT_EQ(causesOf(updated.status())[0].field, "spec.replicas");
  EXPECT_NE(updated.status().message().find("spec.replicas: must be >= 0"), std::string::npos);
  EXPECT_EQ(server.requestCount(), 1u);
}

TEST_F(RestClientTest, ForbiddenNamesVerbAndResource) {
  server.on("DELETE", kDeployPath,
            [](const TestRequest&) { return TestResponse::kubeStatus(403, "Forbidden", "cannot delete"); });
  Status s = client_->remove(resources::deployments(), "prod", "web", {});
  EXPECT_TRUE(isForbidden(s));
  EXPECT_NE(s.message().find("delete deployments.apps prod/web"), std::string::npos);
}

TEST_F(RestClientTest, DeleteSendsDeleteOptions) {
  server.on("DELETE", kDeployPath, [](const TestRequest&) { return TestResponse::json(200, {{"kind", "Status"}}); });
  DeleteOptions opts;
  opts.propagationPolicy = "Foreground";
  opts.preconditionResourceVersion = "7";
  opts.preconditionUid = "u1";
  ASSERT_TRUE(client_->remove(resources::deployments(), "prod", "web", opts).ok());
  Json body = Json::parse(server.requests().at(0).body);
  EXPECT_EQ(body["kind"], "DeleteOptions");
  EXPECT_EQ(body["propagationPolicy"], "Foreground");
  EXPECT_EQ(body["preconditions"]["resourceVersion"], "7");
  EXPECT_EQ(body["preconditions"]["uid"], "u1");
}

TEST_F(RestClientTest, PatchUsesTheContentTypeOfEachPatchKind) {
  server.on("PATCH", kDeployPath + "*", [](const TestRequest& req) {
    return TestResponse::json(200, {{"path", req.path}, {"ct", req.header("content-type").value_or("")}});
  });
  auto merge =
      client_->patch(resources::deployments(), "prod", "web", PatchType::kMerge, {{"spec", {{"replicas", 2}}}}, "");
  auto json = client_->patch(resources::deployments(), "prod", "web", PatchType::kJson,
                             Json::array({{{"op", "replace"}, {"path", "/spec/replicas"}, {"value", 3}}}), "scale");
  auto smp = client_->patch(resources::deployments(), "prod", "web", PatchType::kStrategicMerge, Json::object(), "");
  ASSERT_TRUE(merge.ok() && json.ok() && smp.ok());
  EXPECT_EQ((*merge)["ct"], "application/merge-patch+json");
  EXPECT_EQ((*json)["ct"], "application/json-patch+json");
  EXPECT_EQ((*json)["path"], kDeployPath + "/scale");
  EXPECT_EQ((*smp)["ct"], "application/strategic-merge-patch+json");
}

TEST_F(RestClientTest, TooManyRequestsHonoursRetryAfter) {
  server.enqueue("GET", kPodPath,
                 TestResponse::kubeStatus(429, "TooManyRequests", "slow down").header("Retry-After", "2"));
  server.on("GET", kPodPath, [](const TestRequest&) { return TestResponse::json(200, webPod()); });
  auto got = client_->get(resources::pods(), "default", "web");
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(sleeps.size(), 1u);
  EXPECT_EQ(sleeps[0], 2s);
  EXPECT_EQ(server.requestCount(), 2u);
  EXPECT_EQ(client_->requestCounts().retries, 1u);
  EXPECT_EQ(client_->requestCounts().reads, 1u);
}

TEST_F(RestClientTest, ServerErrorsBackOffExponentiallyThenGiveUp) {
  server.on("GET", kPodPath,
            [](const TestRequest&) { return TestResponse::kubeStatus(503, "ServiceUnavailable", "busy"); });
  auto got = client_->get(resources::pods(), "default", "web");
  EXPECT_EQ(got.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(got.status().message().find("busy"), std::string::npos);
  EXPECT_EQ(server.requestCount(), 4u);  // maxAttempts
  // random = 0.5: 0.75 * 100ms * 2^n, capped at 1s.
  EXPECT_EQ(sleeps, (std::vector<std::chrono::milliseconds>{75ms, 150ms, 300ms}));
}

TEST_F(RestClientTest, HugeRetryAfterIsCapped) {
  server.enqueue("GET", kPodPath,
                 TestResponse::kubeStatus(503, "ServiceUnavailable", "x").header("Retry-After", "86400"));
  server.on("GET", kPodPath, [](const TestRequest&) { return TestResponse::json(200, webPod()); });
  ASSERT_TRUE(client_->get(resources::pods(), "default", "web").ok());
  ASSERT_EQ(sleeps.size(), 1u);
  EXPECT_EQ(sleeps[0], RetryPolicy{}.maxRetryAfter);
}

TEST_F(RestClientTest, TransportErrorsAreRetriedThenUnavailable) {
  server.stop();
  auto got = client_->get(resources::pods(), "default", "web");
  EXPECT_EQ(got.status().code(), StatusCode::kUnavailable) << got.status();
  EXPECT_NE(got.status().message().find("get pods default/web"), std::string::npos);
  EXPECT_EQ(sleeps.size(), 3u);
}

TEST_F(RestClientTest, SlowServerTimesOutAsDeadlineExceeded) {
  auto client = makeClient(/*maxAttempts=*/2, /*timeout=*/150ms);
  TestResponse slow = TestResponse::json(200, webPod());
  slow.delay = 3s;
  server.enqueue("GET", kPodPath, slow);
  server.enqueue("GET", kPodPath, slow);
  auto got = client->get(resources::pods(), "default", "web");
  EXPECT_EQ(got.status().code(), StatusCode::kDeadlineExceeded) << got.status();
  EXPECT_EQ(sleeps.size(), 1u);  // a timeout is retried like any transport error
}

TEST_F(RestClientTest, UnauthorizedRefreshesCredentialsOnce) {
  server.on("GET", kPodPath, [](const TestRequest& req) {
    if (req.header("authorization") != "Bearer token-2")
      return TestResponse::kubeStatus(401, "Unauthorized", "expired");
    return TestResponse::json(200, webPod());
  });
  auto got = client_->get(resources::pods(), "default", "web");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(credentials->invalidations.load(), 1);
  EXPECT_TRUE(sleeps.empty());
}

TEST_F(RestClientTest, PersistentUnauthorizedIsUnauthenticated) {
  server.on("GET", kPodPath, [](const TestRequest&) { return TestResponse::kubeStatus(401, "Unauthorized", "no"); });
  auto got = client_->get(resources::pods(), "default", "web");
  EXPECT_EQ(got.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(credentials->invalidations.load(), 1);
  EXPECT_EQ(server.requestCount(), 2u);
}

TEST_F(RestClientTest, MalformedJsonAnswerIsDataLoss) {
  server.on("GET", kPodPath, [](const TestRequest&) { return TestResponse::text(200, "{\"kind\": \"Pod\", "); });
  EXPECT_EQ(client_->get(resources::pods(), "default", "web").status().code(), StatusCode::kDataLoss);
  server.on("GET", "/api/v1/namespaces/default/pods",
            [](const TestRequest&) { return TestResponse::text(200, "oops"); });
  EXPECT_EQ(client_->list(resources::pods(), "default", {}).status().code(), StatusCode::kDataLoss);
}

TEST_F(RestClientTest, CountsReadsAndWrites) {
  server.setFallback([](const TestRequest&) { return TestResponse::json(200, webPod()); });
  ASSERT_TRUE(client_->get(resources::pods(), "default", "web").ok());
  ASSERT_TRUE(client_->list(resources::pods(), "default", {}).ok());
  ASSERT_TRUE(client_->create(resources::pods(), "default", webPod()).ok());
  ASSERT_TRUE(client_->update(resources::pods(), "default", webPod()).ok());
  ASSERT_TRUE(client_->patch(resources::pods(), "default", "web", PatchType::kMerge, Json::object(), "").ok());
  ASSERT_TRUE(client_->remove(resources::pods(), "default", "web", {}).ok());
  RequestCounts counts = client_->requestCounts();
  EXPECT_EQ(counts.reads, 2u);
  EXPECT_EQ(counts.writes, 4u);
  EXPECT_EQ(counts.retries, 0u);
}

TEST_F(RestClientTest, FailingCredentialsStopTheRequest) {
  class Broken final : public Credentials {
   public:
    StatusOr<std::string> authorization() override { return absl::UnauthenticatedError("exec plugin failed"); }
    void invalidate() override {}
  };
  ClusterConfig config;
  config.server = server.url();
  config.credentials = std::make_shared<Broken>();
  RestClient client(config, http::makeCurlClient());
  auto got = client.get(resources::pods(), "default", "web");
  EXPECT_EQ(got.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(got.status().message().find("exec plugin failed"), std::string::npos);
  EXPECT_EQ(server.requestCount(), 0u);
}

TEST(MakeRestClientTest, AppliesServerNameAndRebuildsTheClientForExecCertificates) {
  class CertCredentials final : public Credentials {
   public:
    StatusOr<std::string> authorization() override { return std::string(); }
    void invalidate() override {}
    StatusOr<std::optional<ClientCertificate>> clientCertificate() override { return cert; }
    std::optional<ClientCertificate> cert;
  };
  testing::TestHttpServer server;
  server.on("GET", kPodPath, [](const TestRequest&) { return TestResponse::json(200, webPod()); });
  auto credentials = std::make_shared<CertCredentials>();
  ClusterConfig config;
  config.server = server.url();
  config.tlsServerName = "apiserver.internal";
  config.credentials = credentials;
  std::vector<http::TlsOptions> built;
  RestClientOptions options;
  options.httpFactory = [&built](const http::TlsOptions& tls) {
    built.push_back(tls);
    return http::makeCurlClient();
  };
  auto client = makeRestClient(config, options);
  ASSERT_EQ(built.size(), 1u);
  EXPECT_EQ(built[0].serverName, "apiserver.internal");
  ASSERT_TRUE(client->get(resources::pods(), "default", "web").ok());
  EXPECT_EQ(built.size(), 1u);  // no exec certificate: the first client stays
  credentials->cert = ClientCertificate{"CERT-1", "KEY-1"};
  ASSERT_TRUE(client->get(resources::pods(), "default", "web").ok());
  ASSERT_TRUE(client->get(resources::pods(), "default", "web").ok());
  ASSERT_EQ(built.size(), 2u);  // rebuilt once for the new certificate, then reused
  EXPECT_EQ(built[1].clientCertPem, "CERT-1");
  EXPECT_EQ(built[1].clientKeyPem, "KEY-1");
  EXPECT_EQ(built[1].serverName, "apiserver.internal");
  credentials->cert = ClientCertificate{"CERT-2", "KEY-2"};
  ASSERT_TRUE(client->get(resources::pods(), "default", "web").ok());
  EXPECT_EQ(built.size(), 3u);
}

TEST(UrlEncodeTest, EncodesReservedCharacters) {
  EXPECT_EQ(urlEncode("a-b_c.d~e"), "a-b_c.d~e");
  EXPECT_EQ(urlEncode("app in (a,b)"), "app%20in%20%28a%2Cb%29");
  EXPECT_EQ(urlEncode("x=1&y/z+"), "x%3D1%26y%2Fz%2B");
}

}  // namespace
}  // namespace pennant::kube
