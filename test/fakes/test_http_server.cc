#include "fakes/test_http_server.h"

#include <httplib.h>

#include <absl/strings/ascii.h>
#include <absl/strings/match.h>

#include <csignal>
#include <cstdlib>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace pennant::testing {

std::string TestRequest::param(std::string_view name) const {
  auto it = query.find(std::string(name));
  return it == query.end() ? "" : it->second;
}

bool TestRequest::hasParam(std::string_view name) const { return query.count(std::string(name)) > 0; }

std::optional<std::string> TestRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, absl::string_view(name.data(), name.size()))) return value;
  }
  return std::nullopt;
}

TestResponse TestResponse::json(int status, const Json& body) {
  TestResponse r;
  r.status = status;
  r.body = body.dump();
  return r;
}

TestResponse TestResponse::text(int status, std::string body) {
  TestResponse r;
  r.status = status;
  r.body = std::move(body);
  r.contentType = "text/plain";
  return r;
}

TestResponse TestResponse::kubeStatus(int code, std::string_view reason, std::string_view message, Json details) {
  Json status = {{"kind", "Status"},   {"apiVersion", "v1"},         {"metadata", Json::object()},
                 {"status", "Failure"}, {"message", std::string(message)}, {"reason", std::string(reason)},
                 {"code", code}};
  if (!details.is_null()) status["details"] = std::move(details);
  return json(code, status);
}

TestResponse& TestResponse::header(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

std::string watchEventLine(std::string_view type, const Json& object) {
  return Json{{"type", std::string(type)}, {"object", object}}.dump() + "\n";
}

struct TestHttpServer::Impl {
  struct Route {
    std::string method;
    std::string path;
    TestHandler handler;
  };
  struct Queued {
    std::string method;
    std::string path;
    TestResponse response;
  };

  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  int port = -1;
  std::string scheme = "http";

  mutable std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::vector<Route> routes;
  std::deque<Queued> queued;
  TestHandler fallback;
  std::vector<TestRequest> seen;

  static bool matches(const std::string& pattern, const std::string& path) {
    if (!pattern.empty() && pattern.back() == '*') return absl::StartsWith(path, pattern.substr(0, pattern.size() - 1));
    return pattern == path;
  }

  // Sleeps up to `d`; false when the server is stopping.
  bool sleepFor(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex);
    return !wake.wait_for(lock, d, [this] { return stopping; });
  }

  TestResponse answer(const TestRequest& request) {
    TestHandler handler;
    {
      std::lock_guard lock(mutex);
      seen.push_back(request);
      for (auto it = queued.begin(); it != queued.end(); ++it) {
        if (it->method == request.method && matches(it->path, request.path)) {
          TestResponse r = std::move(it->response);
          queued.erase(it);
          return r;
        }
      }
      for (auto it = routes.rbegin(); it != routes.rend(); ++it) {
        if (it->method == request.method && matches(it->path, request.path)) {
          handler = it->handler;
          break;
        }
      }
      if (!handler) handler = fallback;
    }
    if (handler) return handler(request);
    return TestResponse::kubeStatus(404, "NotFound", "no route for " + request.method + " " + request.path);
  }

  void handle(const httplib::Request& in, httplib::Response& out) {
    TestRequest request;
    request.method = in.method;
    request.path = in.path;
    request.body = in.body;
    request.remotePort = in.remote_port;
    for (const auto& [k, v] : in.params) request.query.emplace(k, v);
    for (const auto& [k, v] : in.headers) request.headers.emplace_back(absl::AsciiStrToLower(k), v);

    auto response = std::make_shared<TestResponse>(answer(request));
    if (response->delay.count() > 0 && !sleepFor(response->delay)) {
      out.status = 503;
      return;
    }
    out.status = response->status;
    for (const auto& [k, v] : response->headers) out.set_header(k, v);
    if (response->chunks.empty() && response->holdOpen.count() == 0 && !response->disconnect) {
      out.set_content(response->body, response->contentType);
      return;
    }
    auto next = std::make_shared<size_t>(0);
    out.set_chunked_content_provider(response->contentType, [this, response, next](size_t, httplib::DataSink& sink) {
      if (*next < response->chunks.size()) {
        const TestChunk& chunk = response->chunks[(*next)++];
        if (chunk.delayBefore.count() > 0 && !sleepFor(chunk.delayBefore)) return false;
        if (chunk.data.empty()) return true;  // an empty chunk would end a chunked body: just the delay
        return sink.write(chunk.data.data(), chunk.data.size());
      }
      if (response->holdOpen.count() > 0 && !sleepFor(response->holdOpen)) return false;
      if (response->disconnect) return false;  // abort: no terminating chunk, connection closed
      sink.done();
      return true;
    });
  }

  void start(std::unique_ptr<httplib::Server> s) {
    // A client that hangs up mid-stream must not kill the test process.
    std::signal(SIGPIPE, SIG_IGN);
    server = std::move(s);
    server->new_task_queue = [] { return new httplib::ThreadPool(32); };
    server->set_keep_alive_max_count(1000);
    auto dispatch = [this](const httplib::Request& in, httplib::Response& out) { handle(in, out); };
    server->Get(".*", dispatch);
    server->Post(".*", dispatch);
    server->Put(".*", dispatch);
    server->Patch(".*", dispatch);
    server->Delete(".*", dispatch);
    server->Options(".*", dispatch);
    if (!server->is_valid()) return;
    port = server->bind_to_any_port("127.0.0.1");
    if (port <= 0) return;
    thread = std::thread([this] { server->listen_after_bind(); });
    for (int i = 0; i < 500 && !server->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }

  void stop() {
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    wake.notify_all();
    if (server) server->stop();
    if (thread.joinable()) thread.join();
  }
};

TestHttpServer::TestHttpServer() : impl_(std::make_unique<Impl>()) { impl_->start(std::make_unique<httplib::Server>()); }

TestHttpServer::TestHttpServer(const TlsFiles& tls) : impl_(std::make_unique<Impl>()) {
  impl_->scheme = "https";
  impl_->start(std::make_unique<httplib::SSLServer>(tls.certFile.c_str(), tls.keyFile.c_str(),
                                                    tls.clientCaFile.empty() ? nullptr : tls.clientCaFile.c_str()));
}

TestHttpServer::~TestHttpServer() { stop(); }

bool TestHttpServer::running() const { return impl_->server && impl_->server->is_running(); }
int TestHttpServer::port() const { return impl_->port; }
std::string TestHttpServer::url() const { return impl_->scheme + "://127.0.0.1:" + std::to_string(impl_->port); }

void TestHttpServer::on(std::string method, std::string path, TestHandler handler) {
  std::lock_guard lock(impl_->mutex);
  impl_->routes.push_back({std::move(method), std::move(path), std::move(handler)});
}

void TestHttpServer::enqueue(std::string method, std::string path, TestResponse response) {
  std::lock_guard lock(impl_->mutex);
  impl_->queued.push_back({std::move(method), std::move(path), std::move(response)});
}

void TestHttpServer::setFallback(TestHandler handler) {
  std::lock_guard lock(impl_->mutex);
  impl_->fallback = std::move(handler);
}

std::vector<TestRequest> TestHttpServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->seen;
}

size_t TestHttpServer::requestCount() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->seen.size();
}

size_t TestHttpServer::requestCount(std::string_view method, std::string_view path) const {
  std::lock_guard lock(impl_->mutex);
  size_t n = 0;
  for (const auto& r : impl_->seen) n += (r.method == method && Impl::matches(std::string(path), r.path)) ? 1 : 0;
  return n;
}

void TestHttpServer::stop() { impl_->stop(); }

std::string makeTempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base != nullptr && base[0] != '\0' ? base : "/tmp") + "/pennant-test-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return "";
  return pattern;
}

StatusOr<TlsFiles> makeSelfSignedCert(const std::string& dir, const std::string& name,
                                      const std::string& subjectAltName) {
  TlsFiles files;
  files.certFile = dir + "/" + name + ".crt";
  files.keyFile = dir + "/" + name + ".key";
  const std::string command =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1"
      " -addext 'subjectAltName=" + subjectAltName + "' -keyout '" + files.keyFile + "' -out '" + files.certFile +
      "' >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0) return absl::InternalError("openssl failed: " + command);
  return files;
}

}  // namespace pennant::testing
