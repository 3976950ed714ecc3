#pragma once
// kube::Client over the HTTP seam: REST calls with error mapping (kube/errors.h), retries with
// jittered back-off for 429/5xx/transport errors (honouring Retry-After), one re-authentication
// after a 401, and watch streams decoded by WatchDecoder.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>

#include "http/http_client.h"
#include "kube/client.h"
#include "kube/config.h"
#include "kube/retry_policy.h"

namespace pennant::kube {

struct RestClientOptions {
  RetryPolicy retry;
  std::chrono::milliseconds requestTimeout{std::chrono::seconds(30)};
  std::string userAgent = "pennant";
  // Waits between retries; default std::this_thread::sleep_for. Tests record instead of waiting.
  std::function<void(std::chrono::milliseconds)> sleep;
  // Uniform in [0,1) for back-off jitter; default a per-thread engine.
  std::function<double()> random;
  // Builds an HTTP client for TLS options that change at run time (a client certificate from an
  // exec plugin). Unset: such certificates are ignored and the injected client is kept.
  std::function<http::ClientPtr(const http::TlsOptions&)> httpFactory;
};

// API calls made so far. reads/writes count calls (get/list vs create/update/patch/delete), not
// attempts; retries counts the extra attempts; watches counts watch streams opened.
struct RequestCounts {
  uint64_t reads = 0;
  uint64_t writes = 0;
  uint64_t watches = 0;
  uint64_t retries = 0;
};

class RestClient final : public Client {
 public:
  RestClient(ClusterConfig config, http::ClientPtr http, RestClientOptions options = {});

  RequestCounts requestCounts() const;
  const ClusterConfig& config() const { return config_; }

  // Client
  StatusOr<Json> get(const Resource& r, std::string_view ns, std::string_view name) override;
  StatusOr<ObjectList> list(const Resource& r, std::string_view ns, const ListOptions& opts) override;
  StatusOr<Json> create(const Resource& r, std::string_view ns, const Json& object) override;
  StatusOr<Json> update(const Resource& r, std::string_view ns, const Json& object) override;
  StatusOr<Json> updateStatus(const Resource& r, std::string_view ns, const Json& object) override;
  Status remove(const Resource& r, std::string_view ns, std::string_view name, const DeleteOptions& opts) override;
  StatusOr<Json> patch(const Resource& r, std::string_view ns, std::string_view name, PatchType type,
                       const Json& patch, std::string_view subresource) override;
  // Not retried (the caller's reconnect loop owns back-off) except once after a 401.
  // A non-410 ERROR event is delivered as kError, then watch() returns its mapped status.
  Status watch(const Resource& r, std::string_view ns, const WatchOptions& opts, const WatchHandler& onEvent) override;

 private:
  struct Call {
    std::string verb;  // "get", "update", ... (messages)
    std::string what;  // "deployments.apps default/web" (messages)
    std::string method;
    std::string pathAndQuery;
    std::string body;
    std::string contentType;
    bool write = false;
  };

  StatusOr<http::Request> buildRequest(const Call& call);
  StatusOr<http::Response> execute(const Call& call);
  StatusOr<Json> executeForObject(const Call& call);
  http::ClientPtr httpClient();

  ClusterConfig config_;
  RestClientOptions options_;
  std::mutex httpMutex_;
  http::ClientPtr http_;
  std::optional<ClientCertificate> currentCert_;
  std::atomic<uint64_t> reads_{0};
  std::atomic<uint64_t> writes_{0};
  std::atomic<uint64_t> watches_{0};
  std::atomic<uint64_t> retries_{0};
};

// The counts in Prometheus text format, as pennant_kube_requests_total{type="read|write|watch|retry"},
// for the controller's /metrics (the scale benchmark reads them).
std::string requestCountsExposition(const RequestCounts& counts);

// A RestClient on libcurl for `config` (its TLS options, re-built for exec-plugin certificates).
std::shared_ptr<RestClient> makeRestClient(ClusterConfig config, RestClientOptions options = {});

// Percent-encodes a query parameter value (RFC 3986 unreserved characters stay as they are).
std::string urlEncode(std::string_view value);

}  // namespace pennant::kube
