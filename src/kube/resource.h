#pragma once
// Identifies a Kubernetes API resource (group/version/resource) and builds its REST paths.
#include <string>
#include <string_view>

namespace pennant::kube {

struct Resource {
  std::string group;     // "" for the core group
  std::string version;   // "v1"
  std::string resource;  // plural, lower-case: "deployments"
  bool namespaced = true;

  std::string apiVersion() const { return group.empty() ? version : group + "/" + version; }
  // "/api/v1" or "/apis/<group>/<version>"
  std::string groupVersionPath() const;
  // Collection path; namespace ignored for cluster-scoped resources, "" = all namespaces.
  std::string collectionPath(std::string_view ns) const;
  // Object path, with an optional subresource ("status", "scale").
  std::string objectPath(std::string_view ns, std::string_view name, std::string_view subresource = "") const;
  // "deployments.apps" (for messages)
  std::string qualifiedName() const { return group.empty() ? resource : resource + "." + group; }
};

// Well-known resources Pennant uses.
namespace resources {
const Resource& deployments();
const Resource& services();
const Resource& configMaps();
const Resource& secrets();
const Resource& pods();
const Resource& namespaces();
const Resource& events();           // events.k8s.io/v1
const Resource& leases();           // coordination.k8s.io/v1
const Resource& hpas();             // autoscaling/v2
const Resource& httpRoutes();       // gateway.networking.k8s.io/v1
const Resource& grpcRoutes();       // gateway.networking.k8s.io/v1
const Resource& canaries();         // flagger.app/v1beta1
const Resource& metricTemplates();  // flagger.app/v1beta1
const Resource& alertProviders();   // flagger.app/v1beta1
const Resource& customResourceDefinitions();  // apiextensions.k8s.io/v1, cluster-scoped
}  // namespace resources

}  // namespace pennant::kube
