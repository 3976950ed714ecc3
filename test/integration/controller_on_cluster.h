#pragma once
// Shared setup of the controller's integration tests: the Manager runs in-process (informers, one
// work queue, workers, Events, leader election with a standby replica), watching only the test's
// namespace, under a copy of the shipped ClusterRole (deploy/rbac) through a ServiceAccount token,
// never as cluster admin. Plus builders and readers for the objects the tests look at.
// No Gateway API data plane exists here: no gateway reports status on the route, so its weights
// are trusted as written (a route without status.parents counts as accepted).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "controller/manager.h"
#include "integration/cluster_env.h"
#include "integration/cluster_objects.h"
#include "kube/resource.h"

namespace pennant::testbed {

#define ASSERT_OK_CREATE(expr)                       \
  do {                                               \
    auto created_ = (expr);                          \
    ASSERT_TRUE(created_.ok()) << created_.status(); \
  } while (0)

// A token of a ServiceAccount bound to a copy of deploy/rbac/cluster-role.yaml (same rules, a
// name of this test's own so parallel tests do not share it).
StatusOr<std::string> controllerToken(kube::Client& admin, const std::string& ns);
void removeClusterObjects(kube::Client& admin, const std::string& ns);

// A managed-GRPCRoute Canary for the Deployment `name` (port 9090, h2c, gateway public-gw).
Json grpcCanary(const std::string& name, const Json& analysis);

// Weights on the GRPCRoute `route`: of the first rule whose name is not Pennant's A/B rule, and of
// the A/B rule (-1 when absent). canary = -1 when the route is absent.
struct RouteWeights {
  int64_t primary = -1;
  int64_t canary = -1;
  int64_t abCanary = -1;  // weight of <apex>-canary on the pennant-ab-* rule
  bool operator==(const RouteWeights&) const = default;
};
RouteWeights weightsOf(const Json& route, const std::string& apex);
RouteWeights routeWeights(kube::Client& client, const std::string& ns, const std::string& route,
                          const std::string& apex);
// The canary backend's weight on the GRPCRoute `name` (= apex); -1 when the route is absent.
int64_t canaryWeight(kube::Client& client, const std::string& ns, const std::string& name);
// Whether an Event regarding `name` has a note containing `text`.
bool hasEvent(kube::Client& client, const std::string& ns, const std::string& name, const std::string& text);

// "a b c " for failure messages.
template <class T>
std::string joined(const std::vector<T>& values) {
  std::string out;
  for (const auto& v : values) out += ::testing::PrintToString(v) + " ";
  return out;
}

class ControllerOnCluster : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Starts the leading replica again (as after a crash): the in-memory pacing is gone.
  void restartController();

  ScopedNamespace ns{"ctl"};
  kube::ClientPtr admin;
  std::string token;
  std::unique_ptr<controller::Manager> manager;
  std::thread runner;
  Status runStatus;
  std::unique_ptr<controller::Manager> standby;
  std::thread standbyRunner;
  Status standbyStatus;

 private:
  controller::ManagerOptions options(const std::string& identity, const std::string& healthAddr) const;
};

}  // namespace pennant::testbed
