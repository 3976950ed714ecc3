#include "dataplane/pod_runner.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>

namespace pennant::dataplane {
namespace {

using Clock = std::chrono::steady_clock;

std::string stamp() {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch());
  char out[32];
  std::snprintf(out, sizeof out, "%lld.%03lld", static_cast<long long>(ms.count() / 1000),
                static_cast<long long>(ms.count() % 1000));
  return out;
}

// A TCP connect to host:port succeeds (a readiness probe's tcpSocket check).
bool accepts(const std::string& address) {
  auto colon = address.rfind(':');
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(std::stoi(address.substr(colon + 1))));
  if (inet_pton(AF_INET, address.substr(0, colon).c_str(), &sa.sin_addr) != 1) return false;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  close(fd);
  return ok;
}

bool sameLaunch(const Launch& a, const Launch& b) {
  return a.uid == b.uid && a.podIP == b.podIP && a.args == b.args && a.env == b.env;
}

}  // namespace

PodRunner::PodRunner(std::string greeterBinary, std::string logDir, ReadyFn ready)
    : greeter_(std::move(greeterBinary)), logDir_(std::move(logDir)), ready_(std::move(ready)) {}

PodRunner::~PodRunner() {
  stopAll();
  for (auto& t : reapers_) t.join();
}

size_t PodRunner::running() const {
  std::lock_guard lock(mutex_);
  return children_.size();
}

void PodRunner::reconcile(const std::string& key, const std::optional<Launch>& launch) {
  std::lock_guard lock(mutex_);
  auto it = children_.find(key);
  if (it != children_.end()) {
    if (launch && sameLaunch(it->second.launch, *launch)) return;
    Child old = it->second;
    children_.erase(it);
    stop(key, old);
  }
  if (launch) start(*launch);
}

void PodRunner::stopAll() {
  std::lock_guard lock(mutex_);
  for (auto& [key, child] : children_) stop(key, child);
  children_.clear();
}

void PodRunner::start(const Launch& l) {
  std::string log = logDir_ + "/" + l.key.substr(0, l.key.find('/')) + "_" + l.key.substr(l.key.find('/') + 1) + ".log";
  std::vector<std::string> args = {greeter_};
  args.insert(args.end(), l.args.begin(), l.args.end());
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  for (const auto& [k, v] : l.env) env.push_back(k + "=" + v);
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    setsid();
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0) dup2(null, 0);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  if (pid < 0) {
    std::cerr << stamp() << " cannot fork for " << l.key << ": " << std::strerror(errno) << std::endl;
    return;
  }
  children_[l.key] = Child{pid, l};
  std::cout << stamp() << " started " << l.key << " (pid " << pid << ") on " << l.podIP << " version "
            << (l.env.count("GREETER_VERSION") ? l.env.at("GREETER_VERSION") : "?") << std::endl;
  if (!ready_ || l.args.size() < 2) return;
  // Probe the first listener every 20 ms for up to 30 s, off the lock.
  reapers_.emplace_back([this, l, pid] {
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (Clock::now() < deadline) {
      if (kill(pid, 0) != 0) return;
      if (accepts(l.args[1])) {
        std::cout << stamp() << " ready " << l.key << " (" << l.args[1] << ")" << std::endl;
        ready_(l);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::cout << stamp() << " never listened: " << l.key << std::endl;
  });
}

void PodRunner::stop(const std::string& key, Child child) {
  std::cout << stamp() << " stopping " << key << " (pid " << child.pid << ", preStop " << child.launch.preStopSeconds
            << "s)" << std::endl;
  const int grace = child.launch.graceSeconds, preStop = std::min(child.launch.preStopSeconds, grace);
  // As a kubelet: the preStop hook first, then SIGTERM, then SIGKILL once the grace period (which
  // the preStop time counts against) is over. Off the lock, in a reaper of its own.
  reapers_.emplace_back([pid = child.pid, grace, preStop, key] {
    const auto deadline = Clock::now() + std::chrono::seconds(grace);
    std::this_thread::sleep_for(std::chrono::seconds(preStop));
    kill(pid, SIGTERM);
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
      if (Clock::now() >= deadline) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        std::cout << stamp() << " killed " << key << " after " << grace << "s" << std::endl;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::cout << stamp() << " stopped " << key << " (exit " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1) << ")"
              << std::endl;
  });
}

}  // namespace pennant::dataplane
