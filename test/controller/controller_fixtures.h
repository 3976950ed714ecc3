#pragma once
// Shared setup of the controller unit tests: an in-memory API server (FakeKubeClient), a fake
// clock, the reconciler reading straight through the fake (ClientObjectStore) and captured Events.
// There is no Deployment controller in the fake: markReady() plays it.
#include <memory>
#include <string>

#include "controller/event_sink.h"
#include "controller/object_store.h"
#include "controller/reconciler.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_kube_client.h"
#include "kube/resource.h"

namespace pennant::controller::testing {

inline const char* kNs = "shop";

inline Json targetDeployment(const std::string& image) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", "greeter"}, {"namespace", kNs}, {"labels", {{"app", "greeter"}}}}},
          {"spec",
           {{"replicas", 1},
            {"selector", {{"matchLabels", {{"app", "greeter"}}}}},
            {"template",
             {{"metadata", {{"labels", {{"app", "greeter"}}}}},
              {"spec", {{"containers", Json::array({{{"name", "app"}, {"image", image}}})}}}}}}}};
}

inline Json grpcCanary(const std::string& name = "greeter") {
  return {{"apiVersion", "flagger.app/v1beta1"},
          {"kind", "Canary"},
          {"metadata", {{"name", name}, {"namespace", kNs}}},
          {"spec",
           {{"provider", "gatewayapi:v1"},
            {"targetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "greeter"}}},
            {"service",
             {{"port", 9090},
              {"appProtocol", "kubernetes.io/h2c"},
              {"gatewayRefs", Json::array({{{"name", "gw"}, {"namespace", "gateway-system"}}})},
              {"route", {{"kind", "GRPCRoute"}}}}},
            {"analysis", {{"interval", "10s"}, {"threshold", 2}, {"stepWeight", 25}, {"maxWeight", 50}}}}}};
}

class ControllerTest {
 public:
  ControllerTest() {
    fake = std::make_shared<fakes::FakeKubeClient>();
    clock = std::make_shared<fakes::FakeClock>();
    events = std::make_shared<MemoryEventSink>();
    ReconcilerDeps deps;
    deps.client = fake;
    deps.store = std::make_shared<ClientObjectStore>(fake);
    deps.clock = clock;
    deps.events = events;
    reconciler = std::make_unique<Reconciler>(std::move(deps));
  }

  Json get(const kube::Resource& r, const std::string& name) const {
    auto o = fake->get(r, kNs, name);
    return o.ok() ? *o : Json();
  }
  Json canaryStatus(const std::string& name = "greeter") const {
    return get(kube::resources::canaries(), name).value("status", Json::object());
  }
  std::string phase(const std::string& name = "greeter") const { return canaryStatus(name).value("phase", ""); }

  // The Deployment controller's part: every replica updated and available.
  void markReady(const std::string& deployment) {
    Json d = get(kube::resources::deployments(), deployment);
    int replicas = d["spec"].value("replicas", 1);
    d["status"] = {{"observedGeneration", d["metadata"].value("generation", 0)},
                   {"replicas", replicas},
                   {"updatedReplicas", replicas},
                   {"readyReplicas", replicas},
                   {"availableReplicas", replicas}};
    (void)fake->updateStatus(kube::resources::deployments(), kNs, d);
  }

  // One reconcile of `name`, then the clock moves past the interval.
  StatusOr<ReconcileResult> tick(const std::string& name = "greeter") {
    auto r = reconciler->reconcile(std::string(kNs) + "/" + name);
    clock->advance(std::chrono::seconds(11));
    return r;
  }

  // The canary's weight on the stored GRPCRoute (backendRef named <apex>-canary).
  int64_t routeCanaryWeight(const std::string& route = "greeter") const {
    Json r = get(kube::resources::grpcRoutes(), route);
    for (const auto& rule : r["spec"]["rules"]) {
      for (const auto& b : rule["backendRefs"]) {
        if (b.value("name", "") == route + "-canary") return b.value("weight", 0);
      }
    }
    return -1;
  }

  std::shared_ptr<fakes::FakeKubeClient> fake;
  std::shared_ptr<fakes::FakeClock> clock;
  std::shared_ptr<MemoryEventSink> events;
  std::unique_ptr<Reconciler> reconciler;
};

}  // namespace pennant::controller::testing
