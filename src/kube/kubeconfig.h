#pragma once
// Kubeconfig files: which file, which context, and the ClusterConfig a context describes.
// loadKubeconfig() (declared in kube/config.h) = kubeconfigPath() + readFile + parseYaml +
// clusterConfigFromKubeconfig().
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/json.h"
#include "kube/config.h"

namespace pennant::kube {

// The file to read: `explicitPath` when set, else the first existing entry of $KUBECONFIG (a
// ':'-separated list), else ~/.kube/config. kNotFound when $KUBECONFIG names no existing file.
StatusOr<std::string> kubeconfigPath(const std::string& explicitPath);

// Builds the config of `context` ("" = current-context) from a parsed kubeconfig. `file` names
// the file in messages and anchors relative paths (certificate files, tokenFile, exec command).
// Every malformed field is kInvalidArgument "<file>: <field path>: <problem>".
StatusOr<ClusterConfig> clusterConfigFromKubeconfig(const Json& doc, const std::string& file,
                                                    const std::string& context,
                                                    std::shared_ptr<const Clock> clock = nullptr);

}  // namespace pennant::kube
