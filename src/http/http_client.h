#pragma once
// The one network seam. The Kubernetes client, the metrics provider and the webhook client all
// talk through http::Client; tests swap it and fault tests inject errors here.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace pennant::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method = "GET";
  std::string url;
  Headers headers;
  std::string body;
  // Whole-request deadline for send(); for stream() the time allowed to receive the headers.
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  // stream() only: abort when no byte arrives for this long (0 = never).
  std::chrono::milliseconds idleTimeout{0};
  // Set to true from any thread to abort a running send()/stream() (returns kCancelled).
  std::shared_ptr<std::atomic<bool>> cancel;
};

struct Response {
  int status = 0;
  Headers headers;  // names lower-cased
  std::string body;

  // First header value by case-insensitive name.
  std::optional<std::string> header(std::string_view name) const;
};

// Receives body bytes of a streamed response as they arrive. Return false to stop the stream
// (stream() then returns OK with what was received so far).
using ChunkHandler = std::function<bool(std::string_view chunk)>;

// Transport errors are statuses: kUnavailable (connect/reset/TLS), kDeadlineExceeded (timeout),
// kCancelled (Request::cancel). Any HTTP status, 4xx and 5xx included, is an OK Response: mapping
// HTTP codes to meaning belongs to the caller (kube/errors.h does it for the API server).
class Client {
 public:
  virtual ~Client() = default;
  // Sends a request and buffers the whole response body.
  virtual StatusOr<Response> send(const Request& request) = 0;
  // Sends a request and hands the body to `onChunk` as it arrives. For non-2xx answers the body
  // is buffered into Response::body instead and onChunk is not called.
  virtual StatusOr<Response> stream(const Request& request, const ChunkHandler& onChunk) = 0;
};

using ClientPtr = std::shared_ptr<Client>;

// TLS settings of one client. Verification is on unless insecureSkipVerify is set.
struct TlsOptions {
  std::string caFile;        // PEM file with trusted CAs (empty: system store)
  std::string caPem;         // PEM data with trusted CAs (takes precedence over caFile)
  std::string clientCertFile;
  std::string clientCertPem;
  std::string clientKeyFile;
  std::string clientKeyPem;
  bool insecureSkipVerify = false;
  // Name to verify the server certificate against (and send as SNI) instead of the URL's host
  // (kubeconfig tls-server-name); "" = the URL's host.
  std::string serverName;
};

// libcurl-backed client with connection reuse across requests (thread-safe).
ClientPtr makeCurlClient(const TlsOptions& tls = {});

}  // namespace pennant::http
