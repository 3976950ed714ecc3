#pragma once
// How to reach an API server: from a kubeconfig file or from the in-cluster service account.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"
#include "http/http_client.h"

namespace pennant::kube {

// A client certificate handed out at request time (exec plugins return one that expires).
struct ClientCertificate {
  std::string certPem;
  std::string keyPem;
};

// Supplies the Authorization header. Implementations re-read rotated token files and refresh
// exec-plugin credentials when they expire; all methods are thread-safe.
class Credentials {
 public:
  virtual ~Credentials() = default;
  // "Bearer <token>", "Basic <b64>", or "" when the config authenticates by client certificate only.
  virtual StatusOr<std::string> authorization() = 0;
  // Called after a 401 answer: the next authorization() fetches fresh credentials.
  virtual void invalidate() = 0;
  // A client certificate that overrides ClusterConfig::tls's client cert/key, or nullopt to use
  // those. Only exec plugins return one; it comes from the same cached plugin answer as
  // authorization() (whichever is called first runs the plugin when needed).
  virtual StatusOr<std::optional<ClientCertificate>> clientCertificate() { return std::nullopt; }
};

struct ClusterConfig {
  std::string server;  // "https://127.0.0.1:6443" (no trailing slash)
  http::TlsOptions tls;
  std::shared_ptr<Credentials> credentials;  // never null (a no-auth Credentials when none)
  std::string defaultNamespace = "default";
  std::string source;  // where this came from, for messages: "/root/.kube/config (context kind)"
  // kubeconfig tls-server-name: the name to verify the server certificate against (and send as
  // SNI) instead of the host in `server`; "" = the host in `server`.
  std::string tlsServerName;
};

struct KubeconfigOptions {
  std::string path;                    // "" = $KUBECONFIG (first existing entry) or ~/.kube/config
  std::string context;                 // "" = current-context
  std::shared_ptr<const Clock> clock;  // for credential expiry; nullptr = systemClock()
};

// Loads a kubeconfig. A malformed file is kInvalidArgument naming the file and the field
// ("/tmp/kc: users[0].user.client-key-data: not valid base64").
StatusOr<ClusterConfig> loadKubeconfig(const KubeconfigOptions& options = {});

struct InClusterOptions {
  std::string serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";
  std::string host;                    // "" = $KUBERNETES_SERVICE_HOST
  std::string port;                    // "" = $KUBERNETES_SERVICE_PORT
  std::shared_ptr<const Clock> clock;  // for the token re-read period; nullptr = systemClock()
};

// In-cluster config: the token file is re-read when it changes (projected tokens rotate).
StatusOr<ClusterConfig> loadInCluster(const InClusterOptions& options = {});

// In-cluster when running in a Pod (KUBERNETES_SERVICE_HOST set) and no kubeconfig is given,
// else the kubeconfig.
StatusOr<ClusterConfig> loadDefault(const KubeconfigOptions& options = {});

}  // namespace pennant::kube
