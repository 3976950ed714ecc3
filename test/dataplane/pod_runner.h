#pragma once
// Runs a real greeter process for every running Pod of a greeter image (pod_launch.h), as a
// kubelet would: started once the Pod has its address, stopped (SIGTERM, then SIGKILL after the
// Pod's grace period) when it is deleted or goes away. Each child runs in its own process group,
// its output in LOGS/<namespace>_<pod>.log.
#include <sys/types.h>

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "dataplane/pod_launch.h"

namespace pennant::dataplane {

class PodRunner {
 public:
  // Called (from a prober thread) once a started greeter accepts connections on its first
  // address, like a kubelet's passing readiness probe.
  using ReadyFn = std::function<void(const Launch& launch)>;

  PodRunner(std::string greeterBinary, std::string logDir, ReadyFn ready = nullptr);
  ~PodRunner();  // stops every child

  // Brings the process for `key` in line with `launch` (nothing: no process).
  void reconcile(const std::string& key, const std::optional<Launch>& launch);
  void stopAll();
  size_t running() const;

 private:
  struct Child {
    pid_t pid = -1;
    Launch launch;
  };
  void start(const Launch& launch);
  void stop(const std::string& key, Child child);

  std::string greeter_, logDir_;
  ReadyFn ready_;
  mutable std::mutex mutex_;
  std::map<std::string, Child> children_;
  std::vector<std::thread> reapers_;
};

}  // namespace pennant::dataplane
