#include "kube/exec_credentials.h"

#include <absl/strings/str_join.h>
#include <absl/time/time.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>

#include "common/strings.h"

extern char** environ;

namespace pennant::kube {

std::string execInfoJson(const ExecConfig& config) {
  Json spec = {{"interactive", false}};
  if (!config.cluster.is_null()) spec["cluster"] = config.cluster;
  Json info = {{"apiVersion", config.apiVersion}, {"kind", "ExecCredential"}, {"spec", spec}};
  return info.dump();
}

StatusOr<ExecCredential> parseExecCredential(std::string_view text, std::string_view apiVersion) {
  PENNANT_ASSIGN_OR_RETURN(Json doc, parseJson(text, "ExecCredential"));
  if (!doc.is_object() || stringAt(doc, {"kind"}) != "ExecCredential") {
    return absl::InvalidArgumentError("output is not an ExecCredential (kind)");
  }
  std::string got = stringAt(doc, {"apiVersion"});
  if (got != apiVersion) {
    return absl::InvalidArgumentError(
        strCat("plugin answered apiVersion \"", got, "\", configured \"", apiVersion, "\""));
  }
  ExecCredential cred;
  cred.token = stringAt(doc, {"status", "token"});
  cred.clientCertificatePem = stringAt(doc, {"status", "clientCertificateData"});
  cred.clientKeyPem = stringAt(doc, {"status", "clientKeyData"});
  if (cred.clientCertificatePem.empty() != cred.clientKeyPem.empty()) {
    return absl::InvalidArgumentError("status.clientCertificateData and status.clientKeyData must come together");
  }
  if (cred.token.empty() && cred.clientCertificatePem.empty()) {
    return absl::InvalidArgumentError("status has neither token nor clientCertificateData");
  }
  std::string expiry = stringAt(doc, {"status", "expirationTimestamp"});
  if (!expiry.empty()) {
    absl::Time t;
    std::string err;
    if (!absl::ParseTime(absl::RFC3339_full, expiry, &t, &err)) {
      return absl::InvalidArgumentError(strCat("status.expirationTimestamp \"", expiry, "\": ", err));
    }
    cred.expiry = absl::ToChronoTime(t);
  }
  return cred;
}

namespace {

// Owns a pipe end; closes it once.
struct Fd {
  int fd = -1;
  ~Fd() { reset(); }
  void reset() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

// Pennant's environment with `env` added, replacing variables of the same name.
std::vector<std::string> mergedEnvironment(const std::vector<std::pair<std::string, std::string>>& env) {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    std::string_view name = entry.substr(0, entry.find('='));
    bool overridden = std::any_of(env.begin(), env.end(), [&](const auto& kv) { return kv.first == name; });
    if (!overridden) out.emplace_back(entry);
  }
  for (const auto& [name, value] : env) out.push_back(name + "=" + value);
  return out;
}

// argv/envp for exec: pointers into `strings`, then nullptr.
std::vector<char*> nullTerminated(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

int exitCodeOf(int waitStatus) {
  if (WIFEXITED(waitStatus)) return WEXITSTATUS(waitStatus);
  if (WIFSIGNALED(waitStatus)) return 128 + WTERMSIG(waitStatus);
  return -1;
}

}  // namespace

// Hand-written on posix_spawn: no installed library runs a child with captured output and a deadline.
StatusOr<ProcessResult> runProcess(const std::string& command, const std::vector<std::string>& args,
                                   const std::vector<std::pair<std::string, std::string>>& env,
                                   std::chrono::milliseconds timeout) {
  std::vector<std::string> envStrings = mergedEnvironment(env);
  std::vector<char*> envp = nullTerminated(envStrings);
  std::vector<std::string> argStrings{command};
  argStrings.insert(argStrings.end(), args.begin(), args.end());
  std::vector<char*> argv = nullTerminated(argStrings);

  int outPipe[2];
  int errPipe[2];
  if (::pipe2(outPipe, O_CLOEXEC) != 0) return absl::InternalError(std::string("pipe: ") + std::strerror(errno));
  Fd outRead{outPipe[0]}, outWrite{outPipe[1]};
  if (::pipe2(errPipe, O_CLOEXEC) != 0) return absl::InternalError(std::string("pipe: ") + std::strerror(errno));
  Fd errRead{errPipe[0]}, errWrite{errPipe[1]};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, outWrite.fd, 1);
  posix_spawn_file_actions_adddup2(&actions, errWrite.fd, 2);
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, command.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    if (rc == ENOENT) return absl::NotFoundError(command + ": executable not found");
    return absl::InternalError(command + ": cannot start: " + std::strerror(rc));
  }
  outWrite.reset();
  errWrite.reset();

  ProcessResult result;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool timedOut = false;
  while (outRead.fd >= 0 || errRead.fd >= 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timedOut = true;
      break;
    }
    pollfd fds[2] = {{outRead.fd, POLLIN, 0}, {errRead.fd, POLLIN, 0}};
    int n = ::poll(fds, 2, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    Fd* ends[2] = {&outRead, &errRead};
    std::string* sinks[2] = {&result.out, &result.err};
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got > 0)
        sinks[i]->append(buf, static_cast<size_t>(got));
      else if (got == 0 || errno != EINTR)
        ends[i]->reset();
    }
  }
  if (timedOut) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timedOut) {
    return absl::DeadlineExceededError(strCat(command, ": no answer within ", timeout.count(), "ms"));
  }
  result.exitCode = exitCodeOf(status);
  return result;
}

namespace {

class ExecCredentials final : public Credentials {
 public:
  ExecCredentials(ExecConfig config, std::shared_ptr<const Clock> clock)
      : config_(std::move(config)), clock_(std::move(clock)) {}

  StatusOr<std::string> authorization() override {
    std::lock_guard lock(mu_);
    PENNANT_RETURN_IF_ERROR(refreshIfNeeded());
    return cached_->token.empty() ? std::string() : "Bearer " + cached_->token;
  }

  StatusOr<std::optional<ClientCertificate>> clientCertificate() override {
    std::lock_guard lock(mu_);
    PENNANT_RETURN_IF_ERROR(refreshIfNeeded());
    if (cached_->clientCertificatePem.empty()) return std::optional<ClientCertificate>();
    return std::optional<ClientCertificate>(ClientCertificate{cached_->clientCertificatePem, cached_->clientKeyPem});
  }

  void invalidate() override {
    std::lock_guard lock(mu_);
    cached_.reset();
  }

 private:
  Status refreshIfNeeded() {
    if (cached_ && (!cached_->expiry || clock_->now() < *cached_->expiry)) return absl::OkStatus();
    cached_.reset();
    auto fresh = runPlugin();
    if (!fresh.ok())
      return absl::UnauthenticatedError(
          strCat("exec plugin ", config_.command, ": ", std::string(fresh.status().message())));
    cached_ = std::move(*fresh);
    return absl::OkStatus();
  }

  StatusOr<ExecCredential> runPlugin() {
    if (config_.interactiveMode == "Always") {
      return absl::FailedPreconditionError("interactiveMode Always needs a terminal, Pennant has none");
    }
    auto env = config_.env;
    env.emplace_back("KUBERNETES_EXEC_INFO", execInfoJson(config_));
    auto run = runProcess(config_.command, config_.args, env, config_.timeout);
    if (!run.ok()) {
      if (run.status().code() == StatusCode::kNotFound && !config_.installHint.empty()) {
        return absl::NotFoundError(strCat(std::string(run.status().message()), "\n", config_.installHint));
      }
      return run.status();
    }
    if (run->exitCode != 0) {
      return absl::UnavailableError(strCat("exit status ", run->exitCode, ": ", run->err));
    }
    return parseExecCredential(run->out, config_.apiVersion);
  }

  const ExecConfig config_;
  const std::shared_ptr<const Clock> clock_;
  std::mutex mu_;
  std::optional<ExecCredential> cached_;
};

}  // namespace

std::shared_ptr<Credentials> makeExecCredentials(ExecConfig config, std::shared_ptr<const Clock> clock) {
  if (!clock) clock = systemClock();
  return std::make_shared<ExecCredentials>(std::move(config), std::move(clock));
}

}  // namespace pennant::kube
