#pragma once
// Exec credential plugins (client.authentication.k8s.io/v1 and v1beta1): kubeconfig names a
// program that prints an ExecCredential (a token and/or a client certificate, maybe with an
// expiry). The plugin runs on first use, its answer is cached until expirationTimestamp, and
// invalidate() (after a 401) makes the next call run it again.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "kube/config.h"

namespace pennant::kube {

inline constexpr std::string_view kExecApiV1 = "client.authentication.k8s.io/v1";
inline constexpr std::string_view kExecApiV1Beta1 = "client.authentication.k8s.io/v1beta1";

struct ExecConfig {
  std::string apiVersion;  // kExecApiV1 or kExecApiV1Beta1
  std::string command;     // a name looked up in PATH, or a path (already resolved)
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;  // added to Pennant's environment
  std::string installHint;                               // shown when the command is missing
  // Non-null: sent as spec.cluster in KUBERNETES_EXEC_INFO (kubeconfig provideClusterInfo).
  Json cluster;
  std::string interactiveMode = "IfAvailable";  // Never | IfAvailable | Always (Pennant has no TTY)
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
};

// What a plugin answered.
struct ExecCredential {
  std::string token;
  std::string clientCertificatePem;
  std::string clientKeyPem;
  std::optional<Clock::TimePoint> expiry;  // nullopt = valid until invalidate()
};

// The KUBERNETES_EXEC_INFO value: an ExecCredential with only the spec.
std::string execInfoJson(const ExecConfig& config);

// Parses a plugin's stdout; checks kind, apiVersion (must equal `apiVersion`), that there is a
// token or a certificate with its key, and the RFC 3339 expirationTimestamp.
StatusOr<ExecCredential> parseExecCredential(std::string_view text, std::string_view apiVersion);

struct ProcessResult {
  int exitCode = 0;  // 128+signal when killed
  std::string out;
  std::string err;
};

// Runs `command args...` with stdin from /dev/null, the current environment plus `env`, and
// returns its output. kNotFound when the program does not exist, kDeadlineExceeded (the child is
// killed) after `timeout`.
StatusOr<ProcessResult> runProcess(const std::string& command, const std::vector<std::string>& args,
                                   const std::vector<std::pair<std::string, std::string>>& env,
                                   std::chrono::milliseconds timeout);

// Credentials backed by a plugin. Failures are kUnauthenticated with the plugin's stderr.
std::shared_ptr<Credentials> makeExecCredentials(ExecConfig config, std::shared_ptr<const Clock> clock = nullptr);

}  // namespace pennant::kube
