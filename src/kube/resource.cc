#include "kube/resource.h"

namespace pennant::kube {

std::string Resource::groupVersionPath() const {
  return group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
}

std::string Resource::collectionPath(std::string_view ns) const {
  std::string path = groupVersionPath();
  if (namespaced && !ns.empty()) {
    path += "/namespaces/";
    path += ns;
  }
  path += "/";
  path += resource;
  return path;
}

std::string Resource::objectPath(std::string_view ns, std::string_view name, std::string_view subresource) const {
  std::string path = collectionPath(ns);
  path += "/";
  path += name;
  if (!subresource.empty()) {
    path += "/";
    path += subresource;
  }
  return path;
}

namespace resources {
// Function-local statics: built on first use, so no static-initialisation-order issues.
#define PENNANT_RESOURCE(fn, group, version, plural, namespaced) \
  const Resource& fn() {                                         \
    static const Resource r{group, version, plural, namespaced}; \
    return r;                                                    \
  }

PENNANT_RESOURCE(deployments, "apps", "v1", "deployments", true)
PENNANT_RESOURCE(services, "", "v1", "services", true)
PENNANT_RESOURCE(configMaps, "", "v1", "configmaps", true)
PENNANT_RESOURCE(secrets, "", "v1", "secrets", true)
PENNANT_RESOURCE(pods, "", "v1", "pods", true)
PENNANT_RESOURCE(namespaces, "", "v1", "namespaces", false)
PENNANT_RESOURCE(events, "events.k8s.io", "v1", "events", true)
PENNANT_RESOURCE(leases, "coordination.k8s.io", "v1", "leases", true)
PENNANT_RESOURCE(hpas, "autoscaling", "v2", "horizontalpodautoscalers", true)
PENNANT_RESOURCE(httpRoutes, "gateway.networking.k8s.io", "v1", "httproutes", true)
PENNANT_RESOURCE(grpcRoutes, "gateway.networking.k8s.io", "v1", "grpcroutes", true)
PENNANT_RESOURCE(canaries, "flagger.app", "v1beta1", "canaries", true)
PENNANT_RESOURCE(metricTemplates, "flagger.app", "v1beta1", "metrictemplates", true)
PENNANT_RESOURCE(alertProviders, "flagger.app", "v1beta1", "alertproviders", true)
PENNANT_RESOURCE(customResourceDefinitions, "apiextensions.k8s.io", "v1", "customresourcedefinitions", false)

#undef PENNANT_RESOURCE

}  // namespace resources
}  // namespace pennant::kube
