// The controller on the real control plane, under the shipped ClusterRole (deploy/rbac) through a
// ServiceAccount token, never as cluster admin. The Manager runs in-process (informers, one work
// queue, workers, Events, leader election), watching only the test's namespace.
// No Gateway API data plane exists here: no gateway reports status on the route, so its weights
// are trusted as written (a route without status.parents counts as accepted).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "controller/manager.h"
#include "controller/status_writer.h"
#include "fakes/test_http_server.h"
#include "integration/cluster_env.h"
#include "kube/errors.h"
#include "kube/resource.h"

namespace pennant::testbed {
namespace {

#define ASSERT_OK_CREATE(expr)                       \
  do {                                               \
    auto created_ = (expr);                          \
    ASSERT_TRUE(created_.ok()) << created_.status(); \
  } while (0)

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

// A token of a ServiceAccount bound to a copy of deploy/rbac/cluster-role.yaml (same rules, a
// name of this test's own so parallel tests do not share it).
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

// Creates `object`; right after the testbed comes up a CRD's storage may still be initialising,
// so transient errors are retried for a few seconds. Returns the last status.
StatusOr<Json> createSoon(kube::Client& client, const kube::Resource& r, const std::string& ns, const Json& object) {
  StatusOr<Json> created = client.create(r, ns, object);
  for (int i = 0;
       i < 50 && !created.ok() && !kube::isAlreadyExists(created.status()) && !kube::isInvalid(created.status()); ++i) {
    std::this_thread::sleep_for(200ms);
    created = client.create(r, ns, object);
  }
  return created;
}

// The canary backend's weight on the GRPCRoute; -1 when the route is absent.
int64_t canaryWeight(kube::Client& client, const std::string& ns, const std::string& name) {
  auto route = client.get(res::grpcRoutes(), ns, name);
  if (!route.ok()) return -1;
  for (const auto& rule : (*route)["spec"]["rules"]) {
    for (const auto& b : rule["backendRefs"]) {
      if (b.value("name", "") == name + "-canary") return b.value("weight", 0);
    }
  }
  return -1;
}

std::string phaseOf(kube::Client& client, const std::string& ns, const std::string& name) {
  auto c = client.get(res::canaries(), ns, name);
  return c.ok() ? stringAt(*c, {"status", "phase"}) : "";
}

class ControllerOnCluster : public ::testing::Test {
 protected:
  void SetUp() override {
    admin = adminClient();
    ASSERT_NE(admin, nullptr);
    ASSERT_TRUE(ns.ok());
    auto token = controllerToken(*admin, ns.name());
    ASSERT_TRUE(token.ok()) << token.status();
    controller::ManagerOptions options;
    options.ns = ns.name();
    options.workers = 2;
    options.leaderElect = true;
    options.leaseNamespace = ns.name();
    options.healthAddr = "127.0.0.1:0";
    manager = std::make_unique<controller::Manager>(clientWithToken(*token), options);
    runner = std::thread([this] { runStatus = manager->run(); });
    // A second replica campaigns for the same Lease: it must stay passive while the first leads.
    options.healthAddr = "";
    options.identity = "standby";
    standby = std::make_unique<controller::Manager>(clientWithToken(*token), options);
    standbyRunner = std::thread([this] { standbyStatus = standby->run(); });
  }
  void TearDown() override {
    if (standby) standby->stop();
    if (standbyRunner.joinable()) standbyRunner.join();
    if (manager) manager->stop();
    if (runner.joinable()) runner.join();
    EXPECT_TRUE(runStatus.ok()) << runStatus;
    EXPECT_TRUE(standbyStatus.ok()) << standbyStatus;
    if (admin) removeClusterObjects(*admin, ns.name());
  }

  ScopedNamespace ns{"ctl"};
  kube::ClientPtr admin;
  std::unique_ptr<controller::Manager> manager;
  std::thread runner;
  Status runStatus;
  std::unique_ptr<controller::Manager> standby;
  std::thread standbyRunner;
  Status standbyStatus;
};

TEST_F(ControllerOnCluster, GrpcRouteCanaryIsInitialisedSteppedPromotedAndSucceeds) {
  const std::string n = ns.name();
  ASSERT_OK_CREATE(createSoon(*admin, res::deployments(), n, deployment("greeter", "example.com/greeter:1")));
  Json analysis = {{"interval", "10s"}, {"threshold", 2}, {"stepWeight", 25}, {"maxWeight", 50}};
  ASSERT_OK_CREATE(createSoon(*admin, res::canaries(), n, grpcCanary("greeter", analysis)));

  ASSERT_TRUE(eventually([&] { return phaseOf(*admin, n, "greeter") == "Initialized"; }, 90s))
      << "phase " << phaseOf(*admin, n, "greeter");
  EXPECT_NE(manager->isLeader(), standby->isLeader());  // exactly one replica acts
  EXPECT_EQ(canaryWeight(*admin, n, "greeter"), 0);
  auto primary = admin->get(res::deployments(), n, "greeter-primary");
  ASSERT_TRUE(primary.ok()) << primary.status();
  EXPECT_GE((*primary)["status"].value("readyReplicas", 0), 1);  // Ready via KWOK
  for (const char* s : {"greeter", "greeter-primary", "greeter-canary"}) {
    auto svc = admin->get(res::services(), n, s);
    ASSERT_TRUE(svc.ok()) << s << ": " << svc.status();
    EXPECT_EQ((*svc)["spec"]["ports"][0].value("appProtocol", ""), "kubernetes.io/h2c");
  }
  ASSERT_TRUE(eventually(
      [&] {
        auto t = admin->get(res::deployments(), n, "greeter");
        return t.ok() && (*t)["spec"].value("replicas", -1) == 0;
      },
      30s));

  // A new pod template: Progressing, then the weight steps 25, 50 at each tick, then promotion.
  auto target = admin->get(res::deployments(), n, "greeter");
  ASSERT_TRUE(target.ok());
  (*target)["spec"]["template"]["spec"]["containers"][0]["image"] = "example.com/greeter:2";
  ASSERT_TRUE(admin->update(res::deployments(), n, *target).ok());

  std::vector<int64_t> weights;
  std::vector<std::string> phases;
  bool done = eventually(
      [&] {
        int64_t w = canaryWeight(*admin, n, "greeter");
        if (weights.empty() || weights.back() != w) weights.push_back(w);
        std::string p = phaseOf(*admin, n, "greeter");
        if (phases.empty() || phases.back() != p) phases.push_back(p);
        return p == "Succeeded" || p == "Failed";
      },
      180s);
  auto joined = [](const auto& v) {
    std::string s;
    for (const auto& x : v) s += fmt::format("{} ", x);
    return s;
  };
  ASSERT_TRUE(done) << "phases: " << joined(phases) << " weights: " << joined(weights);
  EXPECT_EQ(phases.back(), "Succeeded") << joined(phases);
  EXPECT_EQ(weights, (std::vector<int64_t>{0, 25, 50, 0})) << joined(weights);
  EXPECT_NE(std::find(phases.begin(), phases.end(), "Progressing"), phases.end()) << joined(phases);
  auto promoted = admin->get(res::deployments(), n, "greeter-primary");
  ASSERT_TRUE(promoted.ok());
  EXPECT_EQ((*promoted)["spec"]["template"]["spec"]["containers"][0].value("image", ""), "example.com/greeter:2");
  auto scaled = admin->get(res::deployments(), n, "greeter");
  ASSERT_TRUE(scaled.ok());
  EXPECT_EQ((*scaled)["spec"].value("replicas", -1), 0);

  // /metrics carries Flagger's names.
  auto scrape = (manager->isLeader() ? manager : standby)->metrics()->scrape();
  EXPECT_NE(scrape.find("flagger_canary_status{"), std::string::npos);
  EXPECT_NE(scrape.find("flagger_canary_successes_total{"), std::string::npos);
}

TEST_F(ControllerOnCluster, InvalidCanaryGetsAConditionAndAnEventAndItsRouteIsUntouched) {
  const std::string n = ns.name();
  ASSERT_OK_CREATE(createSoon(*admin, res::deployments(), n, deployment("broken", "example.com/broken:1")));
  // A GRPCRoute of the apex's name that the user wrote: an invalid Canary must not touch it.
  Json route = {{"apiVersion", "gateway.networking.k8s.io/v1"},
                {"kind", "GRPCRoute"},
                {"metadata", {{"name", "broken"}}},
                {"spec",
                 {{"parentRefs", Json::array({{{"name", "public-gw"}, {"namespace", "gateway-system"}}})},
                  {"rules", Json::array({{{"backendRefs", Json::array({{{"name", "legacy"}, {"port", 9090}}})}}})}}}};
  auto created = admin->create(res::grpcRoutes(), n, route);
  ASSERT_TRUE(created.ok()) << created.status();
  // Valid for the CRD schema, invalid for Pennant: GRPCRoute has no timeout field.
  Json analysis = {{"interval", "10s"}, {"threshold", 2}, {"stepWeight", 10}, {"maxWeight", 50}};
  Json canary = grpcCanary("broken", analysis);
  canary["spec"]["service"]["timeout"] = "5s";
  auto made = admin->create(res::canaries(), n, canary);
  ASSERT_TRUE(made.ok()) << made.status();

  std::string message;
  ASSERT_TRUE(eventually(
      [&] {
        auto c = admin->get(res::canaries(), n, "broken");
        if (!c.ok()) return false;
        const Json* conditions = findPath(*c, {"status", "conditions"});
        if (!conditions || !conditions->is_array()) return false;
        for (const auto& cond : *conditions) {
          if (cond.value("type", "") == controller::kValidatedCondition && cond.value("status", "") == "False") {
            message = cond.value("message", "");
            return true;
          }
        }
        return false;
      },
      60s));
  EXPECT_NE(message.find("spec.service.timeout"), std::string::npos) << message;
  EXPECT_TRUE(eventually(
      [&] {
        auto events = admin->list(res::events(), n, {});
        if (!events.ok()) return false;
        for (const auto& e : events->items) {
          if (stringAt(e, {"regarding", "name"}) == "broken" && e.value("type", "") == "Warning" &&
              e.value("reason", "") == "InvalidSpec") {
            return true;
          }
        }
        return false;
      },
      30s));
  auto after = admin->get(res::grpcRoutes(), n, "broken");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*after)["metadata"]["resourceVersion"], (*created)["metadata"]["resourceVersion"]);
  EXPECT_FALSE(admin->get(res::deployments(), n, "broken-primary").ok());
  EXPECT_EQ(phaseOf(*admin, n, "broken"), "");
}

TEST_F(ControllerOnCluster, FailingRolloutWebhooksRollTheCanaryBack) {
  const std::string n = ns.name();
  pennant::testing::TestHttpServer hooks;  // on loopback; the controller runs in this process
  std::atomic<int> calls{0};
  hooks.on("POST", "/check", [&](const pennant::testing::TestRequest&) {
    calls++;
    return pennant::testing::TestResponse::text(500, "error rate too high");
  });
  ASSERT_OK_CREATE(createSoon(*admin, res::deployments(), n, deployment("payments", "example.com/payments:1")));
  Json analysis = {
      {"interval", "10s"},
      {"threshold", 1},
      {"stepWeight", 20},
      {"maxWeight", 60},
      {"webhooks", Json::array({{{"name", "smoke"}, {"type", "rollout"}, {"url", hooks.url() + "/check"}}})}};
  ASSERT_OK_CREATE(createSoon(*admin, res::canaries(), n, grpcCanary("payments", analysis)));
  ASSERT_TRUE(eventually([&] { return phaseOf(*admin, n, "payments") == "Initialized"; }, 90s))
      << "phase " << phaseOf(*admin, n, "payments");

  auto target = admin->get(res::deployments(), n, "payments");
  ASSERT_TRUE(target.ok());
  (*target)["spec"]["template"]["spec"]["containers"][0]["image"] = "example.com/payments:2";
  ASSERT_TRUE(admin->update(res::deployments(), n, *target).ok());

  int64_t highest = 0;
  ASSERT_TRUE(eventually(
      [&] {
        highest = std::max(highest, canaryWeight(*admin, n, "payments"));
        return phaseOf(*admin, n, "payments") == "Failed";
      },
      120s))
      << "phase " << phaseOf(*admin, n, "payments");
  EXPECT_GE(calls.load(), 1);
  EXPECT_EQ(highest, 20);  // the first step only; the failed check stopped any further increase
  EXPECT_EQ(canaryWeight(*admin, n, "payments"), 0);
  auto primary = admin->get(res::deployments(), n, "payments-primary");
  ASSERT_TRUE(primary.ok());
  EXPECT_EQ((*primary)["spec"]["template"]["spec"]["containers"][0].value("image", ""), "example.com/payments:1");
  EXPECT_TRUE(eventually(
      [&] {
        auto t = admin->get(res::deployments(), n, "payments");
        return t.ok() && (*t)["spec"].value("replicas", -1) == 0;
      },
      30s));
  EXPECT_TRUE(eventually(
      [&] {
        auto events = admin->list(res::events(), n, {});
        if (!events.ok()) return false;
        for (const auto& e : events->items) {
          if (stringAt(e, {"regarding", "name"}) == "payments" &&
              e.value("note", "").find("error rate too high") != std::string::npos) {
            return true;
          }
        }
        return false;
      },
      30s));
}

}  // namespace
}  // namespace pennant::testbed
