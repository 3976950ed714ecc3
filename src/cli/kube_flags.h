#pragma once
// kubectl's connection flags for the commands that talk to a cluster (status, promote, abort,
// pause, resume), and kubectl-style error messages on stderr.
#include <CLI/CLI.hpp>

#include <iosfwd>
#include <string>

#include "common/status.h"
#include "kube/client.h"

namespace pennant::cli {

struct KubeFlags {
  std::string kubeconfig;
  std::string context;
  std::string ns;  // "" = the context's namespace
  bool allNamespaces = false;
};

// --kubeconfig, --context, -n/--namespace; -A/--all-namespaces when `allNamespaces`.
void addKubeFlags(CLI::App* cmd, KubeFlags& flags, bool allNamespaces = false);

struct Connection {
  kube::ClientPtr client;
  std::string ns;  // -n, else the kubeconfig context's namespace, else "default"
};

// In-cluster when in a Pod and no kubeconfig flag is given, else the kubeconfig (as kubectl).
StatusOr<Connection> connect(const KubeFlags& flags);

// kubectl's wording: `Error from server (NotFound): canaries.flagger.app "x" not found` for API
// answers, `error: ...` otherwise. Returns the exit code (1).
int printError(const Status& status, std::ostream& err);

}  // namespace pennant::cli
