#pragma once
// Where the reconciler reads the cluster from. The manager hands it the informer caches (reads
// never reach the API server); tests may read straight through a kube::Client instead.
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "kube/client.h"
#include "kube/informer.h"

namespace pennant::controller {

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;
  // The object, or nullptr when it does not exist (or its resource is not watched).
  virtual kube::ObjectPtr get(const kube::Resource& r, std::string_view ns, std::string_view name) const = 0;
};

// Reads through a client (each get() is an API call). For tests and one-shot tools.
class ClientObjectStore final : public ObjectStore {
 public:
  explicit ClientObjectStore(kube::ClientPtr client) : client_(std::move(client)) {}
  kube::ObjectPtr get(const kube::Resource& r, std::string_view ns, std::string_view name) const override;

 private:
  kube::ClientPtr client_;
};

// Reads from informer caches, one per resource (keyed by Resource::qualifiedName()).
class InformerObjectStore final : public ObjectStore {
 public:
  void add(const kube::Resource& r, std::shared_ptr<kube::Informer> informer);
  // The caches hold `watchedNs` only (--namespace): objects of other namespaces (a MetricTemplate
  // or AlertProvider a Canary names there, and their Secrets) are read through `client` instead.
  void readOutside(std::string watchedNs, kube::ClientPtr client);
  kube::ObjectPtr get(const kube::Resource& r, std::string_view ns, std::string_view name) const override;

 private:
  std::map<std::string, std::shared_ptr<kube::Informer>> informers_;
  std::string watchedNs_;  // "" = the caches hold every namespace
  kube::ClientPtr outside_;
};

}  // namespace pennant::controller
