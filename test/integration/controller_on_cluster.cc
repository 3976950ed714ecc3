#include "integration/controller_on_cluster.h"

#include "kube/errors.h"

namespace pennant::testbed {
namespace {

using namespace std::chrono_literals;
namespace res = kube::resources;

const kube::Resource& serviceAccounts() {
  static const kube::Resource r{"", "v1", "serviceaccounts", true};
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

}  // namespace

StatusOr<std::string> controllerToken(kube::Client& admin, const std::string& ns) {
  PENNANT_ASSIGN_OR_RETURN(std::string text,
                           readFile(std::string(PENNANT_SOURCE_DIR) + "/deploy/rbac/cluster-role.yaml"));
  PENNANT_ASSIGN_OR_RETURN(Json role, parseYaml(text));
  const std::string roleName = "pennant-" + ns;
  role["metadata"] = {{"name", roleName}};
  PENNANT_RETURN_IF_ERROR(admin.create(clusterRoles(), "", role).status());
  PENNANT_RETURN_IF_ERROR(
      admin
          .create(serviceAccounts(), ns,
                  {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", "pennant"}}}})
          .status());
  PENNANT_RETURN_IF_ERROR(
      admin
          .create(
              clusterRoleBindings(), "",
              {{"apiVersion", "rbac.authorization.k8s.io/v1"},
               {"kind", "ClusterRoleBinding"},
               {"metadata", {{"name", roleName}}},
               {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", roleName}}},
               {"subjects", Json::array({{{"kind", "ServiceAccount"}, {"name", "pennant"}, {"namespace", ns}}})}})
          .status());
  Json request = {
      {"apiVersion", "authentication.k8s.io/v1"}, {"kind", "TokenRequest"}, {"spec", {{"expirationSeconds", 3600}}}};
  PENNANT_ASSIGN_OR_RETURN(
      http::Response answer,
      apiRequest("POST", "/api/v1/namespaces/" + ns + "/serviceaccounts/pennant/token", request.dump()));
  if (answer.status != 201) return absl::InternalError("TokenRequest: HTTP " + std::to_string(answer.status));
  PENNANT_ASSIGN_OR_RETURN(Json doc, parseJson(answer.body));
  return stringAt(doc, {"status", "token"});
}

void removeClusterObjects(kube::Client& admin, const std::string& ns) {
  (void)admin.remove(clusterRoleBindings(), "", "pennant-" + ns);
  (void)admin.remove(clusterRoles(), "", "pennant-" + ns);
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

Json grpcCanary(const std::string& name, const Json& analysis) {
  return {{"apiVersion", "flagger.app/v1beta1"},
          {"kind", "Canary"},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"provider", "gatewayapi:v1"},
            {"targetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", name}}},
            {"skipAnalysis", false},
            {"service",
             {{"port", 9090},
              {"appProtocol", "kubernetes.io/h2c"},
              {"gatewayRefs", Json::array({{{"name", "public-gw"}, {"namespace", "gateway-system"}}})},
              {"route", {{"kind", "GRPCRoute"}}}}},
            {"analysis", analysis}}}};
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

RouteWeights routeWeights(kube::Client& client, const std::string& ns, const std::string& route,
                          const std::string& apex) {
  auto r = client.get(res::grpcRoutes(), ns, route);
  return r.ok() ? weightsOf(*r, apex) : RouteWeights{};
}

RouteWeights weightsOf(const Json& route, const std::string& apex) {
  RouteWeights out;
  for (const auto& rule : route["spec"]["rules"]) {
    const bool ab = rule.value("name", "").rfind("pennant-ab-", 0) == 0;
    int64_t primary = -1;
    int64_t canary = -1;
    for (const auto& b : rule.value("backendRefs", Json::array())) {
      if (b.value("name", "") == apex + "-primary") primary = b.value("weight", 1);
      if (b.value("name", "") == apex + "-canary") canary = b.value("weight", 1);
    }
    if (canary < 0) continue;
    if (ab) {
      out.abCanary = canary;
    } else if (out.canary < 0) {
      out.primary = primary;
      out.canary = canary;
    }
  }
  return out;
}

int64_t canaryWeight(kube::Client& client, const std::string& ns, const std::string& name) {
  return routeWeights(client, ns, name, name).canary;
}

std::string phaseOf(kube::Client& client, const std::string& ns, const std::string& name) {
  auto c = client.get(res::canaries(), ns, name);
  return c.ok() ? stringAt(*c, {"status", "phase"}) : "";
}

int replicasOf(kube::Client& client, const std::string& ns, const std::string& deployment) {
  auto d = client.get(res::deployments(), ns, deployment);
  return d.ok() ? (*d)["spec"].value("replicas", -1) : -1;
}

bool hasEvent(kube::Client& client, const std::string& ns, const std::string& name, const std::string& text) {
  auto events = client.list(res::events(), ns, {});
  if (!events.ok()) return false;
  for (const auto& e : events->items) {
    if (stringAt(e, {"regarding", "name"}) == name && e.value("note", "").find(text) != std::string::npos) return true;
  }
  return false;
}

controller::ManagerOptions ControllerOnCluster::options(const std::string& identity,
                                                        const std::string& healthAddr) const {
  controller::ManagerOptions o;
  o.ns = ns.name();
  o.workers = 2;
  o.leaderElect = true;
  o.leaseNamespace = ns.name();
  o.healthAddr = healthAddr;
  o.identity = identity;
  return o;
}

void ControllerOnCluster::SetUp() {
  admin = adminClient();
  ASSERT_NE(admin, nullptr);
  ASSERT_TRUE(ns.ok());
  auto made = controllerToken(*admin, ns.name());
  ASSERT_TRUE(made.ok()) << made.status();
  token = *made;
  manager = std::make_unique<controller::Manager>(clientWithToken(token), options("", "127.0.0.1:0"));
  runner = std::thread([this] { runStatus = manager->run(); });
  // A second replica campaigns for the same Lease: it must stay passive while the first leads.
  standby = std::make_unique<controller::Manager>(clientWithToken(token), options("standby", ""));
  standbyRunner = std::thread([this] { standbyStatus = standby->run(); });
}

void ControllerOnCluster::restartController() {
  for (auto* m : {&standby, &manager}) {
    if (*m) (*m)->stop();
  }
  if (standbyRunner.joinable()) standbyRunner.join();
  if (runner.joinable()) runner.join();
  EXPECT_TRUE(runStatus.ok()) << runStatus;
  standby.reset();
  // Stopping released the Lease: the new process leads at once.
  manager = std::make_unique<controller::Manager>(clientWithToken(token), options("restarted", "127.0.0.1:0"));
  runner = std::thread([this] { runStatus = manager->run(); });
}

void ControllerOnCluster::TearDown() {
  if (standby) standby->stop();
  if (standbyRunner.joinable()) standbyRunner.join();
  if (manager) manager->stop();
  if (runner.joinable()) runner.join();
  EXPECT_TRUE(runStatus.ok()) << runStatus;
  EXPECT_TRUE(standbyStatus.ok()) << standbyStatus;
  if (admin) removeClusterObjects(*admin, ns.name());
}

}  // namespace pennant::testbed
