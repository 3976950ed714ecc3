#include "cli/kube_flags.h"

#include <ostream>

#include "kube/config.h"
#include "kube/errors.h"
#include "kube/rest_client.h"

namespace pennant::cli {

void addKubeFlags(CLI::App* cmd, KubeFlags& flags, bool allNamespaces) {
  cmd->add_option("--kubeconfig", flags.kubeconfig, "kubeconfig file (default: $KUBECONFIG or ~/.kube/config)");
  cmd->add_option("--context", flags.context, "kubeconfig context (default: current-context)");
  cmd->add_option("-n,--namespace", flags.ns, "namespace (default: the context's namespace)");
  if (allNamespaces) cmd->add_flag("-A,--all-namespaces", flags.allNamespaces, "Canaries of every namespace");
}

StatusOr<Connection> connect(const KubeFlags& flags) {
  kube::KubeconfigOptions options;
  options.path = flags.kubeconfig;
  options.context = flags.context;
  auto config =
      flags.kubeconfig.empty() && flags.context.empty() ? kube::loadDefault(options) : kube::loadKubeconfig(options);
  if (!config.ok()) return config.status();
  Connection c;
  c.ns = flags.ns.empty() ? config->defaultNamespace : flags.ns;
  if (c.ns.empty()) c.ns = "default";
  c.client = kube::makeRestClient(*config);
  return c;
}

int printError(const Status& status, std::ostream& err) {
  std::string message(status.message());
  auto reason = kube::reasonOf(status);
  if (reason && !reason->empty()) {
    // The client prefixes "<verb> <resource> <ns/name>: "; kubectl prints the server's message alone.
    if (auto colon = message.find(": "); colon != std::string::npos) message = message.substr(colon + 2);
    err << "Error from server (" << *reason << "): " << message << "\n";
  } else {
    err << "error: " << message << "\n";
  }
  return 1;
}

}  // namespace pennant::cli
