#include "kube/config.h"

#include <cstdlib>

namespace pennant::kube {
namespace {

bool envSet(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0';
}

}  // namespace

// Order as controller-runtime's GetConfig: an explicit kubeconfig or context, $KUBECONFIG, the
// Pod's service account, then ~/.kube/config.
StatusOr<ClusterConfig> loadDefault(const KubeconfigOptions& options) {
  bool kubeconfigAsked = !options.path.empty() || !options.context.empty() || envSet("KUBECONFIG");
  if (!kubeconfigAsked && envSet("KUBERNETES_SERVICE_HOST")) {
    InClusterOptions inCluster;
    inCluster.clock = options.clock;
    return loadInCluster(inCluster);
  }
  auto config = loadKubeconfig(options);
  if (!config.ok() && !kubeconfigAsked && config.status().code() == StatusCode::kNotFound) {
    return annotate(config.status(), "not in a cluster (KUBERNETES_SERVICE_HOST unset) and no kubeconfig");
  }
  return config;
}

}  // namespace pennant::kube
