// pennant controller: run the operator (informers, work queue, reconcile, leader election,
// /healthz /readyz /metrics) until SIGINT/SIGTERM, then shut down gracefully.
#include <signal.h>
#include <unistd.h>

#include <iostream>
#include <thread>

#include "api/canary.h"
#include "cli/commands.h"
#include "cli/version.h"
#include "common/allocator.h"
#include "common/log.h"
#include "controller/manager.h"
#include "kube/config.h"
#include "kube/rest_client.h"

namespace pennant::cli {
namespace {

struct ControllerFlags {
  std::string kubeconfig;
  std::string context;
  std::string ns;
  std::string metricsServer;
  std::string drainPeriod = "10s";
  std::string logLevel = "info";
  std::string logFormat;  // "" = json, text on a terminal
  bool leaderElect = false;
  std::string leaseNamespace = "pennant-system";
  std::string healthAddr = ":8080";
  int workers = 2;
};

int runController(const ControllerFlags& flags) {
  LogFormat format = flags.logFormat == "text" || (flags.logFormat.empty() && isatty(STDERR_FILENO)) ? LogFormat::kText
                                                                                                     : LogFormat::kJson;
  configureLogging(format, flags.logLevel);

  kube::KubeconfigOptions kc;
  kc.path = flags.kubeconfig;
  kc.context = flags.context;
  auto config = flags.kubeconfig.empty() && flags.context.empty() ? kube::loadDefault(kc) : kube::loadKubeconfig(kc);
  if (!config.ok()) {
    std::cerr << "pennant controller: " << config.status().message() << "\n";
    return 1;
  }
  spdlog::info("pennant {} controller starting against {} ({}); allocator {}", kVersion, config->server, config->source,
               allocatorName());

  // Signals are taken by one thread (sigwait), so every thread started later inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  controller::ManagerOptions options;
  options.ns = flags.ns;
  options.workers = flags.workers;
  options.leaderElect = flags.leaderElect;
  options.leaseNamespace = flags.leaseNamespace;
  options.healthAddr = flags.healthAddr;
  options.version = kVersion;
  options.analysis.metricsServer = flags.metricsServer;
  options.analysis.defaultDrainSeconds = api::parseDurationSeconds(flags.drainPeriod).value_or(10);
  controller::Manager manager(kube::makeRestClient(*config), options);

  std::thread signalThread([&] {
    int received = 0;
    sigwait(&signals, &received);
    spdlog::info("signal {}: shutting down", received);
    manager.stop();
  });
  Status status = manager.run();
  if (!status.ok()) spdlog::error("controller: {}", std::string(status.message()));
  manager.stop();
  // Wake the signal thread if no signal came (run() ended on lost leadership or an error).
  pthread_kill(signalThread.native_handle(), SIGTERM);
  signalThread.join();
  return status.ok() ? 0 : 1;
}

}  // namespace

void registerController(CLI::App& app) {
  auto flags = std::make_shared<ControllerFlags>();
  auto* cmd = app.add_subcommand("controller", "Run the operator: canary analysis for every Canary in the cluster");
  cmd->add_option("--kubeconfig", flags->kubeconfig,
                  "kubeconfig file (default: in-cluster, else $KUBECONFIG or ~/.kube/config)");
  cmd->add_option("--context", flags->context, "kubeconfig context (default: current-context)");
  cmd->add_option("--namespace", flags->ns, "watch only this namespace (default: all)");
  cmd->add_option("--metrics-server", flags->metricsServer, "Prometheus address for the builtin checks");
  cmd->add_option("--drain-period", flags->drainPeriod,
                  "how long a version that lost its traffic keeps running before it is scaled down, for Canaries "
                  "without analysis.drainPeriod (0s: at once, as Flagger)")
      ->capture_default_str()
      ->check([](const std::string& v) {
        return api::parseDurationSeconds(v) ? std::string() : "\"" + v + "\" is not a duration (e.g. 10s, 1m)";
      });
  cmd->add_option("--log-level", flags->logLevel, "trace|debug|info|warn|error")->capture_default_str();
  cmd->add_option("--log-format", flags->logFormat, "json|text (default: json, text on a terminal)")
      ->check(CLI::IsMember({"json", "text"}));
  cmd->add_flag("--leader-elect", flags->leaderElect, "elect one active replica through a Lease");
  cmd->add_option("--lease-namespace", flags->leaseNamespace, "namespace of the leader-election Lease")
      ->capture_default_str();
  cmd->add_option("--health-addr", flags->healthAddr, "listen address of /healthz /readyz /metrics (\"\" = off)")
      ->capture_default_str();
  cmd->add_option("--workers", flags->workers, "reconcile workers")->check(CLI::Range(1, 64))->capture_default_str();
  cmd->callback([flags] { setExitCode(runController(*flags)); });
}

}  // namespace pennant::cli
