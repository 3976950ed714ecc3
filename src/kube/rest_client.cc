#include "kube/rest_client.h"

#include <random>
#include <thread>

#include "common/strings.h"
#include "kube/errors.h"
#include "kube/object_decoder.h"
#include "kube/watch_decoder.h"

namespace pennant::kube {
namespace {

using namespace std::chrono_literals;

// Builds "?a=1&b=2" with encoded values, skipping empty ones.
class Query {
 public:
  Query& add(std::string_view key, std::string_view value) {
    if (value.empty()) return *this;
    text_ += strCat(text_.empty() ? "?" : "&", key, "=", urlEncode(value));
    return *this;
  }
  const std::string& str() const { return text_; }

 private:
  std::string text_;
};

std::string describe(const Resource& r, std::string_view ns, std::string_view name) {
  if (!r.namespaced || ns.empty()) return name.empty() ? r.qualifiedName() : strCat(r.qualifiedName(), " ", name);
  return name.empty() ? strCat(r.qualifiedName(), " in ", ns) : strCat(r.qualifiedName(), " ", ns, "/", name);
}

// The namespace of a write: the argument, else the object's own metadata.namespace.
std::string namespaceFor(const Resource& r, std::string_view ns, const Json& object) {
  if (!r.namespaced) return "";
  if (!ns.empty()) return std::string(ns);
  return stringAt(object, {"metadata", "namespace"});
}

// Dumps without throwing on invalid UTF-8 (replaced): objects may carry arbitrary strings.
std::string toBody(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string_view patchContentType(PatchType type) {
  switch (type) {
    case PatchType::kMerge:
      return "application/merge-patch+json";
    case PatchType::kJson:
      return "application/json-patch+json";
    case PatchType::kStrategicMerge:
      return "application/strategic-merge-patch+json";
  }
  return "application/merge-patch+json";
}

bool isSuccess(int httpStatus) { return httpStatus >= 200 && httpStatus < 300; }

// The config's TLS options with kubeconfig's tls-server-name applied.
http::TlsOptions tlsFor(const ClusterConfig& config) {
  http::TlsOptions tls = config.tls;
  if (tls.serverName.empty()) tls.serverName = config.tlsServerName;
  return tls;
}

}  // namespace

std::string urlEncode(std::string_view value) {
  // Hand-written: a dozen lines, and curl_easy_escape would need a handle for every call.
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

RestClient::RestClient(ClusterConfig config, http::ClientPtr http, RestClientOptions options)
    : config_(std::move(config)), options_(std::move(options)), http_(std::move(http)) {
  if (!options_.sleep) options_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  if (!options_.random) {
    options_.random = [] {
      thread_local std::mt19937_64 engine(std::random_device{}());
      return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
    };
  }
  if (options_.retry.maxAttempts < 1) options_.retry.maxAttempts = 1;
}

RequestCounts RestClient::requestCounts() const {
  return {reads_.load(), writes_.load(), watches_.load(), retries_.load()};
}

std::string requestCountsExposition(const RequestCounts& counts) {
  std::string out =
      "# HELP pennant_kube_requests_total API calls by the controller's client (reads: get/list; writes: "
      "create/update/patch/delete; watch streams opened; extra attempts)\n"
      "# TYPE pennant_kube_requests_total counter\n";
  for (const auto& [type, value] : {std::pair<const char*, uint64_t>{"read", counts.reads},
                                    {"write", counts.writes},
                                    {"watch", counts.watches},
                                    {"retry", counts.retries}}) {
    out += strCat("pennant_kube_requests_total{type=\"", type, "\"} ", std::to_string(value), "\n");
  }
  return out;
}

http::ClientPtr RestClient::httpClient() {
  std::lock_guard lock(httpMutex_);
  if (!options_.httpFactory || !config_.credentials) return http_;
  StatusOr<std::optional<ClientCertificate>> cert = config_.credentials->clientCertificate();
  if (!cert.ok() || !cert->has_value()) return http_;
  const ClientCertificate& fresh = **cert;
  if (!currentCert_ || currentCert_->certPem != fresh.certPem || currentCert_->keyPem != fresh.keyPem) {
    http::TlsOptions tls = tlsFor(config_);
    tls.clientCertPem = fresh.certPem;
    tls.clientKeyPem = fresh.keyPem;
    tls.clientCertFile.clear();
    tls.clientKeyFile.clear();
    http_ = options_.httpFactory(tls);
    currentCert_ = fresh;
  }
  return http_;
}

StatusOr<http::Request> RestClient::buildRequest(const Call& call) {
  http::Request request;
  request.method = call.method;
  request.url = config_.server + call.pathAndQuery;
  request.timeout = options_.requestTimeout;
  request.headers = {{"Accept", "application/json"}, {"User-Agent", options_.userAgent}};
  if (!call.contentType.empty()) request.headers.emplace_back("Content-Type", call.contentType);
  if (config_.credentials) {
    StatusOr<std::string> authorization = config_.credentials->authorization();
    if (!authorization.ok())
      return annotate(authorization.status(), strCat(call.verb, " ", call.what, ": credentials"));
    if (!authorization->empty()) request.headers.emplace_back("Authorization", *authorization);
  }
  request.body = call.body;
  return request;
}

StatusOr<http::Response> RestClient::execute(const Call& call) {
  (call.write ? writes_ : reads_).fetch_add(1, std::memory_order_relaxed);
  bool reauthenticated = false;
  int attempt = 0;
  while (true) {
    PENNANT_ASSIGN_OR_RETURN(http::Request request, buildRequest(call));
    StatusOr<http::Response> response = httpClient()->send(request);
    Status failure;
    std::optional<std::chrono::milliseconds> retryAfter;
    if (!response.ok()) {
      failure = annotate(response.status(), strCat(call.verb, " ", call.what));
    } else if (isSuccess(response->status)) {
      return response;
    } else if (response->status == 401 && !reauthenticated && config_.credentials) {
      // Tokens rotate and exec credentials expire: fetch fresh ones once, then give up.
      reauthenticated = true;
      config_.credentials->invalidate();
      continue;
    } else {
      failure = statusFromResponse(response->status, response->body, call.verb, call.what);
      if (!isRetryableHttpStatus(response->status)) return failure;
      if (auto header = response->header("retry-after")) retryAfter = parseRetryAfter(*header);
    }
    if (!isRetryable(failure) || attempt + 1 >= options_.retry.maxAttempts) return failure;
    const auto delay = retryAfter ? std::min(*retryAfter, options_.retry.maxRetryAfter)
                                  : backoffDelay(options_.retry, attempt, options_.random());
    ++attempt;
    retries_.fetch_add(1, std::memory_order_relaxed);
    options_.sleep(delay);
  }
}

StatusOr<Json> RestClient::executeForObject(const Call& call) {
  PENNANT_ASSIGN_OR_RETURN(http::Response response, execute(call));
  return decodeObject(response.body, strCat(call.verb, " ", call.what));
}

StatusOr<Json> RestClient::get(const Resource& r, std::string_view ns, std::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError(strCat("get ", r.qualifiedName(), ": empty name"));
  return executeForObject({"get", describe(r, ns, name), "GET", r.objectPath(ns, name), "", "", false});
}

StatusOr<ObjectList> RestClient::list(const Resource& r, std::string_view ns, const ListOptions& opts) {
  Query query;
  query.add("labelSelector", opts.labelSelector)
      .add("fieldSelector", opts.fieldSelector)
      .add("limit", opts.limit > 0 ? std::to_string(opts.limit) : "")
      .add("continue", opts.continueToken)
      .add("resourceVersion", opts.resourceVersion);
  Call call{"list", describe(r, ns, ""), "GET", r.collectionPath(ns) + query.str(), "", "", false};
  PENNANT_ASSIGN_OR_RETURN(http::Response response, execute(call));
  return decodeList(response.body, r, strCat(call.verb, " ", call.what));
}

StatusOr<Json> RestClient::create(const Resource& r, std::string_view ns, const Json& object) {
  const std::string objectNs = namespaceFor(r, ns, object);
  std::string name = stringAt(object, {"metadata", "name"}, stringAt(object, {"metadata", "generateName"}));
  return executeForObject({"create", describe(r, objectNs, name), "POST", r.collectionPath(objectNs), toBody(object),
                           "application/json", true});
}

StatusOr<Json> RestClient::update(const Resource& r, std::string_view ns, const Json& object) {
  const std::string objectNs = namespaceFor(r, ns, object);
  const std::string name = stringAt(object, {"metadata", "name"});
  if (name.empty())
    return absl::InvalidArgumentError(strCat("update ", r.qualifiedName(), ": object has no metadata.name"));
  return executeForObject({"update", describe(r, objectNs, name), "PUT", r.objectPath(objectNs, name), toBody(object),
                           "application/json", true});
}

StatusOr<Json> RestClient::updateStatus(const Resource& r, std::string_view ns, const Json& object) {
  const std::string objectNs = namespaceFor(r, ns, object);
  const std::string name = stringAt(object, {"metadata", "name"});
  if (name.empty()) {
    return absl::InvalidArgumentError(strCat("update status ", r.qualifiedName(), ": object has no metadata.name"));
  }
  return executeForObject({"update status", describe(r, objectNs, name), "PUT", r.objectPath(objectNs, name, "status"),
                           toBody(object), "application/json", true});
}

Status RestClient::remove(const Resource& r, std::string_view ns, std::string_view name, const DeleteOptions& opts) {
  if (name.empty()) return absl::InvalidArgumentError(strCat("delete ", r.qualifiedName(), ": empty name"));
  Json body = {{"apiVersion", "v1"}, {"kind", "DeleteOptions"}};
  if (!opts.propagationPolicy.empty()) body["propagationPolicy"] = opts.propagationPolicy;
  if (!opts.preconditionResourceVersion.empty())
    body["preconditions"]["resourceVersion"] = opts.preconditionResourceVersion;
  if (!opts.preconditionUid.empty()) body["preconditions"]["uid"] = opts.preconditionUid;
  return execute({"delete", describe(r, ns, name), "DELETE", r.objectPath(ns, name), toBody(body), "application/json",
                  true})
      .status();
}

StatusOr<Json> RestClient::patch(const Resource& r, std::string_view ns, std::string_view name, PatchType type,
                                 const Json& patch, std::string_view subresource) {
  if (name.empty()) return absl::InvalidArgumentError(strCat("patch ", r.qualifiedName(), ": empty name"));
  return executeForObject({"patch", describe(r, ns, name), "PATCH", r.objectPath(ns, name, subresource), toBody(patch),
                           std::string(patchContentType(type)), true});
}

Status RestClient::watch(const Resource& r, std::string_view ns, const WatchOptions& opts,
                         const WatchHandler& onEvent) {
  watches_.fetch_add(1, std::memory_order_relaxed);
  Query query;
  query.add("watch", "1")
      .add("allowWatchBookmarks", opts.allowBookmarks ? "true" : "")
      .add("resourceVersion", opts.resourceVersion)
      .add("timeoutSeconds", opts.timeoutSeconds > 0 ? std::to_string(opts.timeoutSeconds) : "")
      .add("labelSelector", opts.labelSelector)
      .add("fieldSelector", opts.fieldSelector);
  const Call call{"watch", describe(r, ns, ""), "GET", r.collectionPath(ns) + query.str(), "", "", false};

  for (bool reauthenticated = false;;) {
    PENNANT_ASSIGN_OR_RETURN(http::Request request, buildRequest(call));
    request.cancel = opts.cancel;
    // The server ends the stream after timeoutSeconds; silence well beyond that is a dead peer.
    if (opts.timeoutSeconds > 0) request.idleTimeout = std::chrono::seconds(opts.timeoutSeconds) + 30s;
    WatchDecoder decoder(call.what);
    StatusOr<http::Response> response = httpClient()->stream(
        request, [&](std::string_view chunk) { return decoder.feed(chunk, onEvent).ok() && !decoder.stopped(); });
    if (!decoder.status().ok()) return decoder.status();
    if (!response.ok()) {
      if (response.status().code() == StatusCode::kCancelled && opts.cancel && opts.cancel->load())
        return absl::OkStatus();
      return annotate(response.status(), strCat(call.verb, " ", call.what));
    }
    if (response->status == 401 && !reauthenticated && config_.credentials) {
      reauthenticated = true;
      config_.credentials->invalidate();
      continue;
    }
    if (!isSuccess(response->status)) return statusFromResponse(response->status, response->body, call.verb, call.what);
    if (decoder.stopped()) return absl::OkStatus();
    return decoder.finish(onEvent);
  }
}

std::shared_ptr<RestClient> makeRestClient(ClusterConfig config, RestClientOptions options) {
  if (!options.httpFactory) options.httpFactory = [](const http::TlsOptions& tls) { return http::makeCurlClient(tls); };
  http::ClientPtr http = options.httpFactory(tlsFor(config));
  return std::make_shared<RestClient>(std::move(config), std::move(http), std::move(options));
}

}  // namespace pennant::kube
