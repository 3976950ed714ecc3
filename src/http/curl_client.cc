// http::Client on libcurl. Each request borrows an (easy, multi) handle pair from a pool: the pair
// keeps its connections alive between requests (connection reuse), and driving the transfer
// through our own multi loop lets us notice Request::cancel and idle streams within ~50 ms
// instead of libcurl's ~1 s progress-callback cadence. DNS and TLS sessions are shared across the
// pool; the connection cache is not, because libcurl does not support sharing it between threads.
#include <curl/curl.h>

#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>

#include <array>
#include <chrono>
#include <mutex>
#include <vector>

#include "http/http_client.h"

namespace pennant::http {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr int kPollIntervalMs = 50;
constexpr size_t kMaxIdleHandles = 16;

void globalInitOnce() {
  static const bool initialised = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)initialised;
}

// DNS cache and TLS sessions shared by every handle of one client, guarded per data kind.
class Share {
 public:
  Share() : share_(curl_share_init()) {
    curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &Share::lock);
    curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &Share::unlock);
    curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
  ~Share() { curl_share_cleanup(share_); }
  Share(const Share&) = delete;
  Share& operator=(const Share&) = delete;
  CURLSH* get() const { return share_; }

 private:
  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* self) {
    static_cast<Share*>(self)->mutexes_[static_cast<size_t>(data)].lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* self) {
    static_cast<Share*>(self)->mutexes_[static_cast<size_t>(data)].unlock();
  }
  CURLSH* share_;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> mutexes_;
};

struct HandlePair {
  CURL* easy = curl_easy_init();
  CURLM* multi = curl_multi_init();
  ~HandlePair() {
    curl_multi_cleanup(multi);
    curl_easy_cleanup(easy);
  }
};

class HandlePool {
 public:
  std::unique_ptr<HandlePair> acquire() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        auto pair = std::move(idle_.back());
        idle_.pop_back();
        return pair;
      }
    }
    return std::make_unique<HandlePair>();
  }
  void release(std::unique_ptr<HandlePair> pair) {
    std::lock_guard lock(mutex_);
    if (idle_.size() < kMaxIdleHandles) idle_.push_back(std::move(pair));
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<HandlePair>> idle_;
};

// State of one transfer, reached from libcurl's C callbacks.
struct Transfer {
  CURL* easy = nullptr;
  const ChunkHandler* onChunk = nullptr;  // null for send()
  Response response;
  bool headersDone = false;
  bool stoppedByHandler = false;
  SteadyClock::time_point lastActivity = SteadyClock::now();
};

size_t onHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  t->lastActivity = SteadyClock::now();
  std::string_view line(data, n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.starts_with("HTTP/")) {
    t->response.headers.clear();  // a new status line (after 100 Continue): start over
    return n;
  }
  if (line.empty()) {
    long code = 0;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &code);
    if (code >= 200) t->headersDone = true;
    return n;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name = absl::AsciiStrToLower(std::string(line.substr(0, colon)));
  const std::string_view rest = line.substr(colon + 1);
  std::string value(absl::StripAsciiWhitespace(absl::string_view(rest.data(), rest.size())));
  t->response.headers.emplace_back(std::move(name), std::move(value));
  return n;
}

size_t onBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  t->lastActivity = SteadyClock::now();
  if (t->onChunk != nullptr) {
    long code = 0;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &code);
    if (code >= 200 && code < 300) {
      if (!(*t->onChunk)(std::string_view(data, n))) {
        t->stoppedByHandler = true;
        return 0;  // makes libcurl abort with CURLE_WRITE_ERROR
      }
      return n;
    }
  }
  t->response.body.append(data, n);
  return n;
}

Status transportError(CURLcode code, const Request& request, const char* detail) {
  std::string message = absl::StrCat(request.method, " ", request.url, ": ", curl_easy_strerror(code));
  if (detail != nullptr && detail[0] != '\0') absl::StrAppend(&message, " (", detail, ")");
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return absl::DeadlineExceededError(message);
    case CURLE_ABORTED_BY_CALLBACK:
      return absl::CancelledError(message);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return absl::InvalidArgumentError(message);
    default:
      return absl::UnavailableError(message);
  }
}

void setBlob(CURL* easy, CURLoption option, const std::string& pem) {
  curl_blob blob{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
  curl_easy_setopt(easy, option, &blob);
}

class CurlClient final : public Client {
 public:
  explicit CurlClient(TlsOptions tls) : tls_(std::move(tls)) {}

  // Client
  StatusOr<Response> send(const Request& request) override { return perform(request, nullptr); }
  StatusOr<Response> stream(const Request& request, const ChunkHandler& onChunk) override {
    return perform(request, &onChunk);
  }

 private:
  void applyTls(CURL* easy) const {
    if (tls_.insecureSkipVerify) {
      curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
    } else {
      curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
      curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    }
    if (!tls_.caPem.empty()) {
      setBlob(easy, CURLOPT_CAINFO_BLOB, tls_.caPem);
    } else if (!tls_.caFile.empty()) {
      curl_easy_setopt(easy, CURLOPT_CAINFO, tls_.caFile.c_str());
    }
    if (!tls_.clientCertPem.empty()) {
      curl_easy_setopt(easy, CURLOPT_SSLCERTTYPE, "PEM");
      setBlob(easy, CURLOPT_SSLCERT_BLOB, tls_.clientCertPem);
    } else if (!tls_.clientCertFile.empty()) {
      curl_easy_setopt(easy, CURLOPT_SSLCERT, tls_.clientCertFile.c_str());
    }
    if (!tls_.clientKeyPem.empty()) {
      curl_easy_setopt(easy, CURLOPT_SSLKEYTYPE, "PEM");
      setBlob(easy, CURLOPT_SSLKEY_BLOB, tls_.clientKeyPem);
    } else if (!tls_.clientKeyFile.empty()) {
      curl_easy_setopt(easy, CURLOPT_SSLKEY, tls_.clientKeyFile.c_str());
    }
  }

  // For TlsOptions::serverName: the URL names serverName (so SNI and verification use it) and
  // CURLOPT_CONNECT_TO still dials the original host. Returns the URL to use.
  std::string redirectForServerName(const std::string& url, curl_slist** connectTo) const {
    if (tls_.serverName.empty()) return url;
    CURLU* parsed = curl_url();
    std::string out = url;
    char* scheme = nullptr;
    char* host = nullptr;
    char* port = nullptr;
    if (curl_url_set(parsed, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
        curl_url_get(parsed, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK && std::string_view(scheme) == "https" &&
        curl_url_get(parsed, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(parsed, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
        curl_url_set(parsed, CURLUPART_HOST, tls_.serverName.c_str(), 0) == CURLUE_OK) {
      char* rewritten = nullptr;
      if (curl_url_get(parsed, CURLUPART_URL, &rewritten, 0) == CURLUE_OK) {
        out = rewritten;
        *connectTo = curl_slist_append(*connectTo, absl::StrCat(tls_.serverName, ":", port, ":", host, ":", port).c_str());
      }
      curl_free(rewritten);
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(parsed);
    return out;
  }

  static curl_slist* buildHeaders(const Request& request) {
    curl_slist* list = nullptr;
    for (const auto& [name, value] : request.headers) {
      list = curl_slist_append(list, absl::StrCat(name, ": ", value).c_str());
    }
    // No "Expect: 100-continue" round trip for bodies: API servers answer directly.
    return curl_slist_append(list, "Expect:");
  }

  StatusOr<Response> perform(const Request& request, const ChunkHandler* onChunk) {
    globalInitOnce();
    std::unique_ptr<HandlePair> pair = pool_.acquire();
    if (pair->easy == nullptr || pair->multi == nullptr) return absl::InternalError("curl: cannot create handle");
    CURL* easy = pair->easy;
    curl_easy_reset(easy);

    Transfer transfer;
    transfer.easy = easy;
    transfer.onChunk = onChunk;
    char errorBuffer[CURL_ERROR_SIZE] = {0};
    curl_slist* headers = buildHeaders(request);

    curl_slist* connectTo = nullptr;
    const std::string url = redirectForServerName(request.url, &connectTo);
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    if (connectTo != nullptr) curl_easy_setopt(easy, CURLOPT_CONNECT_TO, connectTo);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_SHARE, share_.get());
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errorBuffer);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &onHeader);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &onBody);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
    // gzip for large lists; never for streams, where a compressor would hold back watch events.
    if (onChunk == nullptr) curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.timeout.count()));
    if (onChunk == nullptr) curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    if (request.method == "HEAD") {
      curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
    } else if (request.method != "GET" || !request.body.empty()) {
      curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
      curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
    }
    applyTls(easy);

    Status outcome = runTransfer(*pair, request, transfer, errorBuffer);
    curl_multi_remove_handle(pair->multi, easy);
    curl_slist_free_all(headers);
    curl_slist_free_all(connectTo);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, nullptr);
    pool_.release(std::move(pair));
    if (!outcome.ok()) return outcome;
    long code = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
    transfer.response.status = static_cast<int>(code);
    return std::move(transfer.response);
  }

  // Drives one transfer to its end, checking cancellation and stream deadlines between polls.
  static Status runTransfer(HandlePair& pair, const Request& request, Transfer& transfer, const char* errorBuffer) {
    if (curl_multi_add_handle(pair.multi, pair.easy) != CURLM_OK) return absl::InternalError("curl: add handle");
    const auto start = SteadyClock::now();
    const bool streaming = transfer.onChunk != nullptr;
    while (true) {
      int running = 0;
      if (curl_multi_perform(pair.multi, &running) != CURLM_OK) return absl::InternalError("curl: multi perform");
      if (running == 0) break;
      if (request.cancel && request.cancel->load()) {
        return absl::CancelledError(absl::StrCat(request.method, " ", request.url, ": cancelled"));
      }
      const auto now = SteadyClock::now();
      if (streaming && !transfer.headersDone && now - start > request.timeout) {
        return absl::DeadlineExceededError(absl::StrCat(request.method, " ", request.url, ": no response headers within ",
                                                        request.timeout.count(), " ms"));
      }
      if (streaming && transfer.headersDone && request.idleTimeout.count() > 0 &&
          now - transfer.lastActivity > request.idleTimeout) {
        return absl::DeadlineExceededError(absl::StrCat(request.method, " ", request.url, ": stream idle for more than ",
                                                        request.idleTimeout.count(), " ms"));
      }
      curl_multi_poll(pair.multi, nullptr, 0, kPollIntervalMs, nullptr);
    }
    int pending = 0;
    CURLcode code = CURLE_OK;
    while (CURLMsg* message = curl_multi_info_read(pair.multi, &pending)) {
      if (message->msg == CURLMSG_DONE && message->easy_handle == pair.easy) code = message->data.result;
    }
    if (code == CURLE_OK || (code == CURLE_WRITE_ERROR && transfer.stoppedByHandler)) return absl::OkStatus();
    return transportError(code, request, errorBuffer);
  }

  TlsOptions tls_;
  Share share_;      // outlives the pool's handles (declared first, destroyed last)
  HandlePool pool_;
};

}  // namespace

ClientPtr makeCurlClient(const TlsOptions& tls) { return std::make_shared<CurlClient>(tls); }

}  // namespace pennant::http
