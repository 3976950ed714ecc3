#pragma once
// Where the test control plane is, for integration tests running under the ctest fixture
// "cluster" (test/cluster/cluster.sh up <build>/testbed). The directory is $PENNANT_TESTBED_DIR
// when set, else <build>/testbed. Tests run in parallel: each uses its own namespace
// (ScopedNamespace) and never touches another test's objects.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "common/json.h"
#include "common/status.h"
#include "http/http_client.h"
#include "kube/client.h"
#include "kube/config.h"

namespace pennant::testbed {

// The testbed directory (holds kubeconfig, cluster.env, logs/, pids/).
std::string dir();
// The admin kubeconfig (token user in system:masters, CA-verified TLS).
std::string kubeconfigPath();
// A value of DIR/cluster.env: KUBECONFIG, APISERVER, ADMIN_TOKEN, CA_FILE, ETCD_ENDPOINT, TESTBED_BIN.
StatusOr<std::string> env(std::string_view key);

// The admin kubeconfig loaded by Pennant's own loader, and a RestClient for it.
StatusOr<kube::ClusterConfig> adminConfig();
kube::ClientPtr adminClient();  // fails the current test (ADD_FAILURE) and returns null when absent
// A client that authenticates with `token` instead (same server and CA).
kube::ClientPtr clientWithToken(const std::string& token);
// A token for an existing ServiceAccount from the TokenRequest API (kube::Client has no
// subresource create). With clientWithToken() a test acts as that ServiceAccount, e.g. one bound
// to the ClusterRole Pennant ships, so a missing verb fails the test.
StatusOr<std::string> serviceAccountToken(const std::string& ns, const std::string& serviceAccount,
                                          int expirationSeconds = 3600);

// A namespace of its own for one test: created on construction (name "<prefix>-xxxxxx"),
// deleted (in the background) on destruction.
class ScopedNamespace {
 public:
  explicit ScopedNamespace(std::string_view prefix);
  ~ScopedNamespace();
  ScopedNamespace(const ScopedNamespace&) = delete;
  ScopedNamespace& operator=(const ScopedNamespace&) = delete;
  const std::string& name() const { return name_; }
  bool ok() const { return created_; }

 private:
  std::string name_;
  bool created_ = false;
};

// A curl client that trusts the testbed CA, and a raw request as `token` (default: the admin).
// For what kube::Client does not cover (e.g. the TokenRequest subresource, etcd's own API).
http::ClientPtr httpClient();
StatusOr<http::Response> apiRequest(std::string method, std::string path, std::string body = "",
                                    std::string token = "");

// A loopback port free right now (the kernel's pick), for a server a test starts; -1 on failure.
int freeLoopbackPort();

// Compacts etcd up to its current revision through etcd's JSON gateway; returns that revision.
StatusOr<int64_t> compactEtcd();

// Polls `condition` every 100 ms until it is true or `timeout` passes; returns the last result.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

// A fresh name with a random suffix: "<prefix>-k3x9q".
std::string uniqueName(std::string_view prefix);

}  // namespace pennant::testbed
