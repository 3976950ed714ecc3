#pragma once
// An in-process HTTP(S) server on 127.0.0.1 (free port) whose answers tests script, with fault
// injection: slow answers, streamed (chunked) bodies with delays, disconnects in the middle of a
// stream, idle streams, any status/headers/body. Reusable for any http::Client consumer (kube
// REST, webhooks, Prometheus queries).
//
//   TestHttpServer server;
//   server.on("GET", "/api/v1/namespaces/default/pods/p", [](const TestRequest&) {
//     return TestResponse::json(200, {{"kind", "Pod"}});
//   });
//   server.enqueue("GET", "/healthz", TestResponse::text(503, "down"));  // one-shot, before the handler
//   client->send({.url = server.url() + "/healthz"});
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "http/http_client.h"

namespace pennant::testing {

struct TestRequest {
  std::string method;
  std::string path;                              // without the query string
  std::multimap<std::string, std::string> query;  // decoded
  http::Headers headers;                         // names lower-cased
  std::string body;
  int remotePort = 0;  // client's port: equal ports on two requests mean a reused connection

  // First value of a query parameter, "" when absent.
  std::string param(std::string_view name) const;
  bool hasParam(std::string_view name) const;
  std::optional<std::string> header(std::string_view name) const;
};

struct TestChunk {
  std::string data;
  std::chrono::milliseconds delayBefore{0};
};

struct TestResponse {
  int status = 200;
  std::string body;
  std::string contentType = "application/json";
  http::Headers headers;
  std::chrono::milliseconds delay{0};  // before sending anything (slow server)

  // Streamed (chunked) body: when non-empty, `body` is ignored and the chunks go out in order.
  std::vector<TestChunk> chunks;
  std::chrono::milliseconds holdOpen{0};  // after the last chunk, stay open and silent this long
  bool disconnect = false;                // then drop the connection instead of ending the body cleanly

  static TestResponse json(int status, const Json& body);
  static TestResponse text(int status, std::string body);
  // A metav1.Status answer as the API server sends it.
  static TestResponse kubeStatus(int code, std::string_view reason, std::string_view message, Json details = nullptr);
  TestResponse& header(std::string name, std::string value);
};

// Newline-delimited watch event line: {"type":"ADDED","object":{...}}\n
std::string watchEventLine(std::string_view type, const Json& object);

using TestHandler = std::function<TestResponse(const TestRequest&)>;

struct TlsFiles {
  std::string certFile;
  std::string keyFile;
  std::string clientCaFile;  // when set, the server requires a client certificate signed by it
};

class TestHttpServer {
 public:
  TestHttpServer();                        // http://127.0.0.1:<port>
  explicit TestHttpServer(const TlsFiles& tls);  // https://127.0.0.1:<port>
  ~TestHttpServer();
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  bool running() const;
  int port() const;
  std::string url() const;  // "http://127.0.0.1:<port>" (no trailing slash)

  // Handler for a method and path. A path ending in '*' matches by prefix. Later calls for the
  // same method and path replace earlier ones.
  void on(std::string method, std::string path, TestHandler handler);
  // One-shot answers for a method and path, used in order before the handler.
  void enqueue(std::string method, std::string path, TestResponse response);
  // Answer for requests no route matches (default: 404 metav1.Status NotFound).
  void setFallback(TestHandler handler);

  std::vector<TestRequest> requests() const;
  size_t requestCount() const;
  size_t requestCount(std::string_view method, std::string_view path) const;

  // Stops serving; wakes handlers that are sleeping or holding streams open. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes a self-signed certificate for 127.0.0.1 (and its key) into `dir` with the openssl CLI,
// as `<name>.crt` / `<name>.key`. Cheap (EC P-256), for TLS tests.
// `subjectAltName` is an openssl SAN list ("IP:127.0.0.1", "DNS:apiserver.internal").
StatusOr<TlsFiles> makeSelfSignedCert(const std::string& dir, const std::string& name = "server",
                                      const std::string& subjectAltName = "IP:127.0.0.1");

// A fresh temporary directory (mkdtemp under $TMPDIR or /tmp).
std::string makeTempDir();

}  // namespace pennant::testing
