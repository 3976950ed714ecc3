#pragma once
// The greeter workload of the data-plane scenarios: a Deployment of the example image the pod
// runner serves (examples/greeter), scraped by Prometheus through its annotations.
#include <map>
#include <string>

#include "common/json.h"
#include "common/status.h"
#include "kube/client.h"

namespace pennant::e2e {

inline constexpr int kGrpcPort = 9090;
inline constexpr int kHttpPort = 8080;
inline constexpr int kMetricsPort = 9797;

// `name` running example.com/greeter:<version> (the pod runner takes the tag as the version and
// marks the Pods, labelled pennant.dev/pod-runner, Ready once the greeter listens),
// with the greeter's env (GREETER_FAULT_RATE, GREETER_LATENCY_MS, ...). A 2 s preStop sleep, as
// zero-downtime rollouts need: the gateway stops routing to a deleted Pod before it gets SIGTERM.
Json greeterDeployment(const std::string& name, const std::string& version,
                       const std::map<std::string, std::string>& env = {}, int replicas = 1);

// A ClusterIP Service `name` for the greeters of Deployment `app`: port `grpc` (9090, h2c, as
// Traefik needs to speak HTTP/2 to it) and `http` (8080).
Json greeterService(const std::string& name, const std::string& app);

// A new revision: the version (image tag) and the env of the greeter container, in one update.
Status release(kube::Client& admin, const std::string& ns, const std::string& name, const std::string& version,
               const std::map<std::string, std::string>& env = {});

}  // namespace pennant::e2e
