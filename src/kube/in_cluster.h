#pragma once
// In-cluster configuration from the Pod's service account (loadInCluster() in kube/config.h).
#include <string>

namespace pennant::kube {

// "https://host:port", with an IPv6 host in brackets ("https://[fd00::1]:443").
std::string inClusterServer(const std::string& host, const std::string& port);

}  // namespace pennant::kube
