#pragma once
// Shared pieces of the end-to-end scenarios (docs/e2e.md): the data plane of the ctest fixture
// `dataplane` (test/dataplane/dataplane.sh: Traefik, real greeters, Prometheus), the
// `pennant controller` binary run as a process under the shipped ClusterRole, and a watch that
// records every weight the route ever carried, and when.
#include <sys/types.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "integration/cluster_objects.h"
#include "kube/client.h"
#include "kube/resource.h"

namespace pennant::e2e {

// Shared with the controller's integration tests (test/integration/cluster_objects.h).
using testbed::createSoon;
using testbed::deployment;
using testbed::phaseOf;
using testbed::replicasOf;
using testbed::setImage;

// From the data plane's env file (DIR/dataplane.env): GATEWAY, RESTRICTED_GATEWAY,
// PROMETHEUS_URL, TRAEFIK_API, TRAEFIK_PID, NETNS.
StatusOr<std::string> fixtureValue(const std::string& key);
// The data plane's directory ($PENNANT_DATAPLANE_DIR, else <build>/dataplane).
std::string fixtureDir();

// A ServiceAccount `pennant` in `ns` bound to a copy of deploy/rbac/cluster-role.yaml (named
// pennant-e2e-<ns>, removed by removeControllerAccess), and a kubeconfig file for its token;
// returns the kubeconfig path.
StatusOr<std::string> controllerKubeconfig(kube::Client& admin, const std::string& ns);
void removeControllerAccess(kube::Client& admin, const std::string& ns);

// `pennant controller --namespace NS` as a child process, its output in a log file.
class ControllerProcess {
 public:
  ControllerProcess(std::string kubeconfig, std::string ns, std::string metricsServer);
  ~ControllerProcess();  // SIGTERM, then SIGKILL if needed
  Status start();
  void kill(int signal);  // e.g. SIGKILL; waits for the process to end
  bool stopGracefully();  // SIGTERM; true when it exited 0
  std::string logTail(size_t lines = 40) const;
  // The controller's own /metrics (Flagger's names), "" when it does not answer.
  std::string scrapeMetrics() const;
  const std::string& logPath() const { return log_; }

 private:
  std::string kubeconfig_, ns_, metricsServer_, log_;
  std::string healthAddr_;  // 127.0.0.1:<free port>: /healthz /readyz /metrics
  pid_t pid_ = -1;
  int starts_ = 0;
};

// The weights of one rule naming <apex>-primary or <apex>-canary.
struct RuleWeights {
  std::string name;
  int64_t primary = -1, canary = -1;  // -1: the rule does not name that backend
};
std::vector<RuleWeights> ruleWeights(const Json& route, const std::string& apex);

// One change of the route's weights, and when the recorder saw it.
struct RouteVersion {
  std::chrono::steady_clock::time_point at;
  std::string signature;
  std::vector<RuleWeights> rules;
};

// Watches one route and records its "weight signature" after every change, consecutive
// duplicates dropped. The signature lists each rule naming <apex>-primary or <apex>-canary as
// "[name=]primaryWeight/canaryWeight", space-separated; "absent" before creation / after deletion.
class RouteRecorder {
 public:
  RouteRecorder(kube::ClientPtr client, const kube::Resource& route, std::string ns, std::string name,
                std::string apex);
  ~RouteRecorder();
  std::vector<std::string> sequence() const;
  std::string joined() const;  // "100/0 -> 80/20 -> ..."
  // Every route object seen, in order (for byte-for-byte checks).
  std::vector<Json> objects() const;
  // The signature changes with their times (the first entry is the first version seen).
  std::vector<RouteVersion> versions() const;

 private:
  void run();
  void record(const Json& object, bool deleted);

  kube::ClientPtr client_;
  const kube::Resource& route_;
  std::string ns_, name_, apex_;
  mutable std::mutex mutex_;
  std::vector<std::string> sequence_;
  std::vector<Json> objects_;
  std::vector<RouteVersion> versions_;
  std::shared_ptr<std::atomic<bool>> cancel_ = std::make_shared<std::atomic<bool>>(false);
  std::thread thread_;
};

std::string weightSignature(const Json& route, const std::string& apex);

// The stretches of time one rule held one pair of weights: from `settle` after the recorder saw
// the change (the gateway applies a write within ~0.4 s) to the next change, or `end`.
struct Step {
  std::chrono::steady_clock::time_point from, to;
  int64_t primary = 0, canary = 0;
};
std::vector<Step> stepsOf(const std::vector<RouteVersion>& versions, const std::string& rule,
                          std::chrono::milliseconds settle, std::chrono::steady_clock::time_point end);

// The value of flagger_canary_metric_analysis{metric="<metric>"} in a /metrics text; NaN if absent.
double metricAnalysisValue(const std::string& exposition, const std::string& metric);

// Readers.
std::string imageOf(kube::Client& admin, const std::string& ns, const std::string& name);
// Events about `canary` (regarding.name) as "Type/Reason: note" lines.
std::vector<std::string> eventsOf(kube::Client& admin, const std::string& ns, const std::string& canary);

std::string join(const std::vector<std::string>& items, const std::string& sep);

}  // namespace pennant::e2e
