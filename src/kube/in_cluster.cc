#include "kube/in_cluster.h"

#include <absl/strings/match.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "common/json.h"
#include "kube/config.h"
#include "kube/credentials.h"

namespace pennant::kube {
namespace {

std::string envOr(const std::string& value, const char* name) {
  if (!value.empty()) return value;
  const char* env = std::getenv(name);
  return env == nullptr ? std::string() : std::string(env);
}

}  // namespace

std::string inClusterServer(const std::string& host, const std::string& port) {
  bool ipv6 = absl::StrContains(host, ':') && !absl::StartsWith(host, "[");
  return "https://" + (ipv6 ? "[" + host + "]" : host) + ":" + port;
}

StatusOr<ClusterConfig> loadInCluster(const InClusterOptions& options) {
  std::string host = envOr(options.host, "KUBERNETES_SERVICE_HOST");
  std::string port = envOr(options.port, "KUBERNETES_SERVICE_PORT");
  if (host.empty() || port.empty()) {
    return absl::FailedPreconditionError(
        "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set");
  }
  const std::string& dir = options.serviceAccountDir;
  ClusterConfig config;
  config.server = inClusterServer(host, port);
  config.source = "in-cluster (" + dir + ")";
  auto creds = makeTokenFileCredentials({.path = dir + "/token", .clock = options.clock});
  if (!creds.ok()) return annotate(creds.status(), "in-cluster config");
  config.credentials = std::move(*creds);

  std::string caFile = dir + "/ca.crt";
  if (readFile(caFile).ok()) {
    config.tls.caFile = caFile;
  } else {
    // As client-go: without the service-account CA, verify against the system store (still verifying).
    spdlog::warn("in-cluster config: cannot read {}; verifying the API server against the system CAs", caFile);
  }
  if (auto ns = readFile(dir + "/namespace"); ns.ok() && !trimToken(*ns).empty()) {
    config.defaultNamespace = trimToken(*ns);
  }
  return config;
}

}  // namespace pennant::kube
