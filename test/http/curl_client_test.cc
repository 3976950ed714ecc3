#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "fakes/test_http_server.h"
#include "http/http_client.h"

namespace pennant::http {
namespace {

using namespace std::chrono_literals;
using testing::TestChunk;
using testing::TestHttpServer;
using testing::TestRequest;
using testing::TestResponse;
using Clock = std::chrono::steady_clock;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class CurlClientTest : public ::testing::Test {
 protected:
  TestHttpServer server_;
  ClientPtr client_ = makeCurlClient();

  Request get(std::string path) {
    Request r;
    r.url = server_.url() + path;
    r.timeout = 5s;
    return r;
  }
};

TEST_F(CurlClientTest, SendsMethodHeadersAndBodyAndLowerCasesResponseHeaders) {
  server_.on("PUT", "/things/a", [](const TestRequest& req) {
    return TestResponse::text(201, req.body + "|" + req.header("X-Token").value_or("none")).header("X-Reply", "yes");
  });
  Request r = get("/things/a");
  r.method = "PUT";
  r.body = R"({"a":1})";
  r.headers = {{"X-Token", "t1"}, {"Content-Type", "application/json"}};
  auto response = client_->send(r);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, R"({"a":1}|t1)");
  bool found = false;
  for (const auto& [name, value] : response->headers) found |= (name == "x-reply" && value == "yes");
  EXPECT_TRUE(found);
  ASSERT_EQ(server_.requests().size(), 1u);
  EXPECT_EQ(server_.requests()[0].header("content-type"), "application/json");
}

TEST_F(CurlClientTest, DeleteAndPatchCarryBodies) {
  server_.on("DELETE", "/x", [](const TestRequest& req) { return TestResponse::text(200, "del:" + req.body); });
  server_.on("PATCH", "/x", [](const TestRequest& req) { return TestResponse::text(200, "patch:" + req.body); });
  Request r = get("/x");
  r.method = "DELETE";
  r.body = "b1";
  EXPECT_EQ(client_->send(r)->body, "del:b1");
  r.method = "PATCH";
  r.body = "b2";
  EXPECT_EQ(client_->send(r)->body, "patch:b2");
}

TEST_F(CurlClientTest, HttpErrorsAreResponsesNotStatuses) {
  server_.enqueue("GET", "/missing", TestResponse::kubeStatus(404, "NotFound", "nope"));
  auto response = client_->send(get("/missing"));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 404);
  EXPECT_NE(response->body.find("nope"), std::string::npos);
}

TEST_F(CurlClientTest, ReusesTheConnectionAcrossRequests) {
  server_.on("GET", "/ping", [](const TestRequest&) { return TestResponse::text(200, "pong"); });
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client_->send(get("/ping")).ok());
  auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].remotePort, seen[1].remotePort);
  EXPECT_EQ(seen[1].remotePort, seen[2].remotePort);
}

TEST_F(CurlClientTest, ConnectionRefusedIsUnavailable) {
  const std::string url = server_.url();
  server_.stop();
  Request r;
  r.url = url + "/x";
  r.timeout = 2s;
  auto response = client_->send(r);
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable) << response.status();
}

TEST_F(CurlClientTest, MalformedUrlIsInvalidArgument) {
  Request r;
  r.url = "notascheme://x";
  EXPECT_EQ(client_->send(r).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(CurlClientTest, SlowServerHitsTheRequestTimeout) {
  TestResponse slow = TestResponse::text(200, "late");
  slow.delay = 3s;
  server_.enqueue("GET", "/slow", slow);
  Request r = get("/slow");
  r.timeout = 200ms;
  const auto start = Clock::now();
  auto response = client_->send(r);
  EXPECT_EQ(response.status().code(), StatusCode::kDeadlineExceeded) << response.status();
  EXPECT_LT(Clock::now() - start, 2s);
}

TEST_F(CurlClientTest, CancelAbortsARunningSend) {
  TestResponse slow = TestResponse::text(200, "late");
  slow.delay = 5s;
  server_.enqueue("GET", "/slow", slow);
  Request r = get("/slow");
  r.cancel = std::make_shared<std::atomic<bool>>(false);
  std::thread canceller([cancel = r.cancel] {
    std::this_thread::sleep_for(100ms);
    cancel->store(true);
  });
  const auto start = Clock::now();
  auto response = client_->send(r);
  canceller.join();
  EXPECT_EQ(response.status().code(), StatusCode::kCancelled) << response.status();
  EXPECT_LT(Clock::now() - start, 2s);
}

TEST_F(CurlClientTest, StreamDeliversChunksAsTheyArrive) {
  TestResponse streamed;
  streamed.chunks = {{"first\n", 0ms}, {"second\n", 600ms}};
  server_.enqueue("GET", "/watch", streamed);
  const auto start = Clock::now();
  std::vector<std::pair<std::string, Clock::duration>> got;
  auto response = client_->stream(get("/watch"), [&](std::string_view chunk) {
    got.emplace_back(std::string(chunk), Clock::now() - start);
    return true;
  });
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  ASSERT_GE(got.size(), 2u);
  EXPECT_EQ(got.front().first, "first\n");
  EXPECT_LT(got.front().second, 400ms);  // not buffered until the end
  std::string all;
  for (const auto& g : got) all += g.first;
  EXPECT_EQ(all, "first\nsecond\n");
}

TEST_F(CurlClientTest, StreamEndsOkWhenTheHandlerStops) {
  TestResponse streamed;
  streamed.chunks = {{"one\n", 0ms}, {"two\n", 200ms}};
  streamed.holdOpen = 10s;
  server_.enqueue("GET", "/watch", streamed);
  int calls = 0;
  const auto start = Clock::now();
  auto response = client_->stream(get("/watch"), [&](std::string_view) { return ++calls < 1; });
  EXPECT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(calls, 1);
  EXPECT_LT(Clock::now() - start, 2s);
}

TEST_F(CurlClientTest, IdleStreamHitsTheIdleTimeout) {
  TestResponse streamed;
  streamed.chunks = {{"one\n", 0ms}};
  streamed.holdOpen = 10s;
  server_.enqueue("GET", "/watch", streamed);
  Request r = get("/watch");
  r.idleTimeout = 300ms;
  const auto start = Clock::now();
  std::string got;
  auto response = client_->stream(r, [&](std::string_view c) {
    got += c;
    return true;
  });
  EXPECT_EQ(response.status().code(), StatusCode::kDeadlineExceeded) << response.status();
  EXPECT_EQ(got, "one\n");
  EXPECT_LT(Clock::now() - start, 2s);
}

TEST_F(CurlClientTest, StreamWithoutHeadersInTimeIsDeadlineExceeded) {
  TestResponse slow;
  slow.delay = 3s;
  slow.chunks = {{"x\n", 0ms}};
  server_.enqueue("GET", "/watch", slow);
  Request r = get("/watch");
  r.timeout = 200ms;
  const auto start = Clock::now();
  auto response = client_->stream(r, [](std::string_view) { return true; });
  EXPECT_EQ(response.status().code(), StatusCode::kDeadlineExceeded) << response.status();
  EXPECT_LT(Clock::now() - start, 2s);
}

TEST_F(CurlClientTest, CancelAbortsAnOpenStream) {
  TestResponse streamed;
  streamed.chunks = {{"one\n", 0ms}};
  streamed.holdOpen = 10s;
  server_.enqueue("GET", "/watch", streamed);
  Request r = get("/watch");
  r.cancel = std::make_shared<std::atomic<bool>>(false);
  auto response = client_->stream(r, [cancel = r.cancel](std::string_view) {
    cancel->store(true);  // cancel from inside: the next loop turn must notice
    return true;
  });
  EXPECT_EQ(response.status().code(), StatusCode::kCancelled) << response.status();
}

TEST_F(CurlClientTest, DisconnectInTheMiddleOfAStreamIsUnavailable) {
  TestResponse streamed;
  streamed.chunks = {{"one\n", 0ms}, {"two\n", 50ms}};
  streamed.disconnect = true;
  server_.enqueue("GET", "/watch", streamed);
  std::string got;
  auto response = client_->stream(get("/watch"), [&](std::string_view c) {
    got += c;
    return true;
  });
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable) << response.status();
  EXPECT_EQ(got, "one\ntwo\n");
}

TEST_F(CurlClientTest, StreamErrorAnswersAreBufferedNotStreamed) {
  server_.enqueue("GET", "/watch", TestResponse::kubeStatus(410, "Expired", "too old resource version"));
  bool called = false;
  auto response = client_->stream(get("/watch"), [&](std::string_view) { return called = true; });
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 410);
  EXPECT_NE(response->body.find("too old"), std::string::npos);
  EXPECT_FALSE(called);
}

TEST_F(CurlClientTest, IsSafeToShareAcrossThreads) {
  server_.on("GET", "/echo", [](const TestRequest& req) { return TestResponse::text(200, req.param("i")); });
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 15; ++i) {
        const std::string id = std::to_string(t * 100 + i);
        auto response = client_->send(get("/echo?i=" + id));
        if (!response.ok() || response->body != id) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(server_.requestCount(), 90u);
}

class CurlTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::makeTempDir();
    auto cert = testing::makeSelfSignedCert(dir_);
    ASSERT_TRUE(cert.ok()) << cert.status();
    files_ = *cert;
  }
  StatusOr<Response> ping(TestHttpServer& server, const TlsOptions& tls) {
    server.on("GET", "/ping", [](const TestRequest&) { return TestResponse::text(200, "pong"); });
    Request r;
    r.url = server.url() + "/ping";
    r.timeout = 5s;
    return makeCurlClient(tls)->send(r);
  }
  std::string dir_;
  testing::TlsFiles files_;
};

TEST_F(CurlTlsTest, VerifiesTheServerAgainstCaDataOrFile) {
  TestHttpServer server(files_);
  ASSERT_TRUE(server.running());
  TlsOptions byData;
  byData.caPem = slurp(files_.certFile);
  auto a = ping(server, byData);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->body, "pong");
  TlsOptions byFile;
  byFile.caFile = files_.certFile;
  EXPECT_TRUE(ping(server, byFile).ok());
}

TEST_F(CurlTlsTest, RejectsAnUntrustedServerUnlessVerificationIsSkipped) {
  TestHttpServer server(files_);
  auto untrusted = ping(server, {});
  EXPECT_EQ(untrusted.status().code(), StatusCode::kUnavailable) << untrusted.status();
  TlsOptions insecure;
  insecure.insecureSkipVerify = true;
  EXPECT_TRUE(ping(server, insecure).ok());
}

TEST_F(CurlTlsTest, PresentsAClientCertificateFromPemData) {
  auto clientCert = testing::makeSelfSignedCert(dir_, "client");
  ASSERT_TRUE(clientCert.ok());
  testing::TlsFiles serverFiles = files_;
  serverFiles.clientCaFile = clientCert->certFile;  // self-signed client cert is its own CA
  TestHttpServer server(serverFiles);
  TlsOptions withCert;
  withCert.caPem = slurp(files_.certFile);
  withCert.clientCertPem = slurp(clientCert->certFile);
  withCert.clientKeyPem = slurp(clientCert->keyFile);
  auto ok = ping(server, withCert);
  EXPECT_TRUE(ok.ok()) << ok.status();
  TlsOptions fromFiles;
  fromFiles.caFile = files_.certFile;
  fromFiles.clientCertFile = clientCert->certFile;
  fromFiles.clientKeyFile = clientCert->keyFile;
  EXPECT_TRUE(ping(server, fromFiles).ok());
  TlsOptions withoutCert;
  withoutCert.caPem = withCert.caPem;
  EXPECT_FALSE(ping(server, withoutCert).ok());
}

TEST_F(CurlTlsTest, VerifiesAgainstTheConfiguredServerName) {
  auto named = testing::makeSelfSignedCert(dir_, "named", "DNS:apiserver.internal");
  ASSERT_TRUE(named.ok());
  TestHttpServer server(*named);
  TlsOptions plain;
  plain.caFile = named->certFile;
  EXPECT_EQ(ping(server, plain).status().code(), StatusCode::kUnavailable);  // 127.0.0.1 is not in the cert
  TlsOptions withName = plain;
  withName.serverName = "apiserver.internal";
  auto ok = ping(server, withName);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->body, "pong");
}

}  // namespace
}  // namespace pennant::http
