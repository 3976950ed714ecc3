#include "controller/object_store.h"

namespace pennant::controller {

kube::ObjectPtr ClientObjectStore::get(const kube::Resource& r, std::string_view ns, std::string_view name) const {
  auto object = client_->get(r, ns, name);
  if (!object.ok()) return nullptr;
  return std::make_shared<const Json>(std::move(*object));
}

void InformerObjectStore::add(const kube::Resource& r, std::shared_ptr<kube::Informer> informer) {
  informers_[r.qualifiedName()] = std::move(informer);
}

void InformerObjectStore::readOutside(std::string watchedNs, kube::ClientPtr client) {
  watchedNs_ = std::move(watchedNs);
  outside_ = std::move(client);
}

kube::ObjectPtr InformerObjectStore::get(const kube::Resource& r, std::string_view ns, std::string_view name) const {
  if (outside_ && !watchedNs_.empty() && r.namespaced && ns != watchedNs_) {
    return ClientObjectStore(outside_).get(r, ns, name);
  }
  auto it = informers_.find(r.qualifiedName());
  if (it == informers_.end()) return nullptr;
  return it->second->get(ns, name);
}

}  // namespace pennant::controller
