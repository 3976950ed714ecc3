#include "integration/cluster_objects.h"

#include <chrono>
#include <thread>

#include "integration/cluster_env.h"
#include "kube/errors.h"
#include "kube/resource.h"

namespace pennant::testbed {
namespace {

using namespace std::chrono_literals;
namespace res = kube::resources;

}  // namespace

const kube::Resource& serviceAccounts() {
  static const kube::Resource r{"", "v1", "serviceaccounts", true};
  return r;
}
const kube::Resource& roles() {
  static const kube::Resource r{"rbac.authorization.k8s.io", "v1", "roles", true};
  return r;
}
const kube::Resource& roleBindings() {
  static const kube::Resource r{"rbac.authorization.k8s.io", "v1", "rolebindings", true};
  return r;
}
const kube::Resource& clusterRoles() {
  static const kube::Resource r{"rbac.authorization.k8s.io", "v1", "clusterroles", false};
  return r;
}
const kube::Resource& clusterRoleBindings() {
  static const kube::Resource r{"rbac.authorization.k8s.io", "v1", "clusterrolebindings", false};
  return r;
}

StatusOr<Json> createSoon(kube::Client& client, const kube::Resource& r, const std::string& ns, const Json& object) {
  StatusOr<Json> created = client.create(r, ns, object);
  for (int i = 0;
       i < 50 && !created.ok() && !kube::isAlreadyExists(created.status()) && !kube::isInvalid(created.status()); ++i) {
    std::this_thread::sleep_for(200ms);
    created = client.create(r, ns, object);
  }
  return created;
}

StatusOr<std::string> shippedRoleToken(kube::Client& admin, const std::string& ns, const std::string& roleName) {
  PENNANT_ASSIGN_OR_RETURN(std::string text,
                           readFile(std::string(PENNANT_SOURCE_DIR) + "/deploy/rbac/cluster-role.yaml"));
  PENNANT_ASSIGN_OR_RETURN(Json role, parseYaml(text));
  role["metadata"] = {{"name", roleName}};
  PENNANT_RETURN_IF_ERROR(createSoon(admin, clusterRoles(), "", role).status());
  Json account = {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", "pennant"}}}};
  PENNANT_RETURN_IF_ERROR(createSoon(admin, serviceAccounts(), ns, account).status());
  Json binding = {{"apiVersion", "rbac.authorization.k8s.io/v1"},
                  {"kind", "ClusterRoleBinding"},
                  {"metadata", {{"name", roleName}}},
                  {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", roleName}}},
                  {"subjects", Json::array({{{"kind", "ServiceAccount"}, {"name", "pennant"}, {"namespace", ns}}})}};
  PENNANT_RETURN_IF_ERROR(createSoon(admin, clusterRoleBindings(), "", binding).status());
  return serviceAccountToken(ns, "pennant", 3600);
}

void removeShippedRole(kube::Client& admin, const std::string& roleName) {
  (void)admin.remove(clusterRoleBindings(), "", roleName);
  (void)admin.remove(clusterRoles(), "", roleName);
}

Json deployment(const std::string& name, const std::string& image) {
  Json labels = {{"app", name}};
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", name}, {"labels", labels}}},
          {"spec",
           {{"replicas", 1},
            {"selector", {{"matchLabels", labels}}},
            {"template",
             {{"metadata", {{"labels", labels}}},
              {"spec", {{"containers", Json::array({{{"name", "app"}, {"image", image}}})}}}}}}}};
}

Status setImage(kube::Client& client, const std::string& ns, const std::string& name, const std::string& image) {
  Status last = absl::OkStatus();
  for (int attempt = 0; attempt < 20; ++attempt) {
    PENNANT_ASSIGN_OR_RETURN(Json target, client.get(res::deployments(), ns, name));
    target["spec"]["template"]["spec"]["containers"][0]["image"] = image;
    last = client.update(res::deployments(), ns, target).status();
    if (!kube::isConflict(last)) return last;
  }
  return last;
}

std::string phaseOf(kube::Client& client, const std::string& ns, const std::string& canary) {
  auto c = client.get(res::canaries(), ns, canary);
  return c.ok() ? stringAt(*c, {"status", "phase"}) : "";
}

int64_t replicasOf(kube::Client& client, const std::string& ns, const std::string& deployment) {
  auto d = client.get(res::deployments(), ns, deployment);
  return d.ok() ? (*d)["spec"].value("replicas", int64_t{-1}) : -1;
}

}  // namespace pennant::testbed
