// pennant-pod-runner: the data-plane test bed's stand-in for a kubelet's container runtime. It
// watches every Pod and runs a real greeter bound to the Pod's address for each running Pod of a
// greeter image (pod_runner.h). Runs inside the test's network namespace, where the Pod range is
// assigned to the loopback interface (test/dataplane/dataplane.sh).
#include <CLI/CLI.hpp>
#include <csignal>
#include <fstream>
#include <iostream>

#include "common/clock.h"
#include "dataplane/pod_runner.h"
#include "kube/config.h"
#include "kube/informer.h"
#include "kube/rest_client.h"

int main(int argc, char** argv) {
  using namespace pennant;
  CLI::App app{"pennant-pod-runner: a real greeter process per running greeter Pod"};
  std::string kubeconfig, greeter, logs, readyFile;
  app.add_option("--kubeconfig", kubeconfig)->required();
  app.add_option("--greeter", greeter, "the greeter binary")->required();
  app.add_option("--logs", logs, "directory for the greeters' logs")->required();
  app.add_option("--ready-file", readyFile, "written once the Pod cache has synced");
  CLI11_PARSE(app, argc, argv);

  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  auto config = kube::loadKubeconfig({.path = kubeconfig, .context = ""});
  if (!config.ok()) {
    std::cerr << "pod runner: " << config.status() << std::endl;
    return 1;
  }
  auto client = kube::makeRestClient(*std::move(config));
  // A Pod labelled pennant.dev/pod-runner waits (KWOK stage pod-running-unready) for this: Ready
  // once its greeter listens, so the gateway never routes to a server that has not started.
  auto markReady = [&client](const dataplane::Launch& l) {
    const std::string ns = l.key.substr(0, l.key.find('/')), name = l.key.substr(l.key.find('/') + 1);
    const std::string now = formatRfc3339(std::chrono::system_clock::now());
    Json patch = {
        {"status",
         {{"conditions", Json::array({{{"type", "Ready"}, {"status", "True"}, {"lastTransitionTime", now}},
                                      {{"type", "ContainersReady"}, {"status", "True"}, {"lastTransitionTime", now}}})},
          {"containerStatuses", Json::array({{{"name", l.container}, {"ready", true}}})}}}};
    auto done = client->patch(kube::resources::pods(), ns, name, kube::PatchType::kStrategicMerge, patch, "status");
    if (!done.ok()) std::cerr << "pod runner: marking " << l.key << " ready: " << done.status() << std::endl;
  };
  dataplane::PodRunner runner(greeter, logs, markReady);
  kube::InformerOptions options;
  options.resource = kube::resources::pods();
  kube::Informer pods(client, options);
  auto sync = [&](const kube::ObjectPtr& pod) {
    runner.reconcile(kube::Informer::keyOf(*pod), dataplane::launchFor(*pod));
  };
  pods.addHandlers(
      {.onAdd = sync,
       .onUpdate = [&](const kube::ObjectPtr&, const kube::ObjectPtr& after) { sync(after); },
       .onDelete = [&](const kube::ObjectPtr& last) { runner.reconcile(kube::Informer::keyOf(*last), std::nullopt); }});
  pods.start();
  if (!pods.waitForSync(std::chrono::seconds(60))) {
    std::cerr << "pod runner: the Pod cache did not sync" << std::endl;
    return 1;
  }
  if (!readyFile.empty()) std::ofstream(readyFile) << "ready\n";
  std::cout << "pod runner: watching Pods" << std::endl;
  int signal = 0;
  sigwait(&stop, &signal);
  pods.stop();
  runner.stopAll();
  std::cout << "pod runner: stopped" << std::endl;
  return 0;
}
