#pragma once
// What the pod runner starts for a Pod (pure): KWOK Pods run nothing, so the data-plane test bed
// runs one real greeter process per Pod of a greeter image, bound to the Pod's own address.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"

namespace pennant::dataplane {

struct Launch {
  std::string key;  // namespace/name
  std::string uid;
  std::string container;  // the greeter container's name
  std::string podIP;
  std::vector<std::string> args;           // after the greeter binary
  std::map<std::string, std::string> env;  // the container's literal env, plus GREETER_VERSION
  int graceSeconds = 30;                   // terminationGracePeriodSeconds
  // lifecycle.preStop as a kubelet runs it before SIGTERM: the sleep action, or an exec of
  // `sleep N` (directly or through `sh -c`). 0 when there is none.
  int preStopSeconds = 0;
};

// The greeter to run for `pod`, or nothing: not a greeter image (repository basename "greeter"),
// no address yet, not running, or being deleted. The version defaults to the image tag; ports
// come from the container's ports named grpc, http and metrics.
std::optional<Launch> launchFor(const Json& pod);

}  // namespace pennant::dataplane
