#include "integration/cluster_env.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <random>
#include <sstream>
#include <thread>

#include "kube/credentials.h"
#include "kube/rest_client.h"

namespace pennant::testbed {

std::string dir() {
  if (const char* d = std::getenv("PENNANT_TESTBED_DIR"); d != nullptr && *d != '\0') return d;
  return PENNANT_TESTBED_DEFAULT_DIR;
}

std::string kubeconfigPath() { return dir() + "/kubeconfig"; }

StatusOr<std::string> env(std::string_view key) {
  const std::string path = dir() + "/cluster.env";
  PENNANT_ASSIGN_OR_RETURN(std::string text, readFile(path));
  std::istringstream lines(text);
  const std::string prefix = std::string(key) + "=";
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
  }
  return absl::NotFoundError(path + ": no " + std::string(key) + " (is the cluster up?)");
}

http::ClientPtr httpClient() {
  http::TlsOptions tls;
  tls.caFile = env("CA_FILE").value_or("");
  return http::makeCurlClient(tls);
}

StatusOr<http::Response> apiRequest(std::string method, std::string path, std::string body, std::string token) {
  PENNANT_ASSIGN_OR_RETURN(std::string server, env("APISERVER"));
  if (token.empty()) {
    PENNANT_ASSIGN_OR_RETURN(token, env("ADMIN_TOKEN"));
  }
  http::Request request;
  request.method = std::move(method);
  request.url = server + path;
  request.body = std::move(body);
  request.headers = {{"Authorization", "Bearer " + token}, {"Accept", "application/json"}};
  if (!request.body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  return httpClient()->send(request);
}

StatusOr<int64_t> compactEtcd() {
  PENNANT_ASSIGN_OR_RETURN(std::string etcd, env("ETCD_ENDPOINT"));
  auto client = http::makeCurlClient();
  http::Request range;  // any read answers with the current revision in its header
  range.method = "POST";
  range.url = etcd + "/v3/kv/range";
  range.body = R"({"key":"Lw=="})";  // "/" in base64
  PENNANT_ASSIGN_OR_RETURN(http::Response answer, client->send(range));
  PENNANT_ASSIGN_OR_RETURN(Json doc, parseJson(answer.body, "etcd range answer"));
  const std::string revision = stringAt(doc, {"header", "revision"});
  if (answer.status != 200 || revision.empty()) {
    return absl::InternalError("etcd range: HTTP " + std::to_string(answer.status) + ": " + answer.body);
  }
  http::Request compact;
  compact.method = "POST";
  compact.url = etcd + "/v3/kv/compaction";
  compact.body = Json{{"revision", revision}, {"physical", true}}.dump();
  PENNANT_ASSIGN_OR_RETURN(http::Response done, client->send(compact));
  if (done.status != 200) {
    return absl::InternalError("etcd compaction: HTTP " + std::to_string(done.status) + ": " + done.body);
  }
  return std::stoll(revision);
}

StatusOr<kube::ClusterConfig> adminConfig() { return kube::loadKubeconfig({.path = kubeconfigPath(), .context = ""}); }

kube::ClientPtr adminClient() {
  auto config = adminConfig();
  if (!config.ok()) {
    ADD_FAILURE() << "admin kubeconfig: " << config.status();
    return nullptr;
  }
  return kube::makeRestClient(*std::move(config));
}

kube::ClientPtr clientWithToken(const std::string& token) {
  auto config = adminConfig();
  if (!config.ok()) {
    ADD_FAILURE() << "admin kubeconfig: " << config.status();
    return nullptr;
  }
  config->credentials = kube::makeBearerCredentials(token);
  return kube::makeRestClient(*std::move(config));
}

StatusOr<std::string> serviceAccountToken(const std::string& ns, const std::string& serviceAccount,
                                          int expirationSeconds) {
  Json request = {{"apiVersion", "authentication.k8s.io/v1"},
                  {"kind", "TokenRequest"},
                  {"spec", {{"expirationSeconds", expirationSeconds}}}};
  const std::string path = "/api/v1/namespaces/" + ns + "/serviceaccounts/" + serviceAccount + "/token";
  PENNANT_ASSIGN_OR_RETURN(http::Response answer, apiRequest("POST", path, request.dump()));
  if (answer.status != 201) {
    return absl::InternalError("TokenRequest " + path + ": HTTP " + std::to_string(answer.status) + ": " + answer.body);
  }
  PENNANT_ASSIGN_OR_RETURN(Json doc, parseJson(answer.body, "TokenRequest answer"));
  std::string token = stringAt(doc, {"status", "token"});
  if (token.empty()) return absl::InternalError("TokenRequest " + path + ": no status.token");
  return token;
}

ScopedNamespace::ScopedNamespace(std::string_view prefix) : name_(uniqueName(prefix)) {
  auto client = adminClient();
  if (client == nullptr) return;
  Json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name_}}}};
  auto created = client->create(kube::resources::namespaces(), "", ns);
  created_ = created.ok();
  if (!created_) ADD_FAILURE() << "create namespace " << name_ << ": " << created.status();
}

ScopedNamespace::~ScopedNamespace() {
  if (!created_) return;
  if (auto client = adminClient()) {
    // The namespace controller removes the contents; nothing waits for that.
    (void)client->remove(kube::resources::namespaces(), "", name_, {.propagationPolicy = "Background"});
  }
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

std::string uniqueName(std::string_view prefix) {
  static thread_local std::mt19937 rng{std::random_device{}()};
  static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string name = std::string(prefix) + "-";
  for (int i = 0; i < 6; ++i) name += kAlphabet[rng() % kAlphabet.size()];
  return name;
}

int freeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

}  // namespace pennant::testbed
