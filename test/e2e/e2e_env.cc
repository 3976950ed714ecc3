#include "e2e/e2e_env.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "integration/cluster_env.h"
#include "kube/errors.h"

extern char** environ;

namespace pennant::e2e {
namespace {

using namespace std::chrono_literals;
namespace res = kube::resources;

std::string roleName(const std::string& ns) { return "pennant-e2e-" + ns; }

}  // namespace

std::string fixtureDir() {
  if (const char* d = std::getenv("PENNANT_DATAPLANE_DIR"); d != nullptr && *d != '\0') return d;
  return PENNANT_DATAPLANE_DEFAULT_DIR;
}

StatusOr<std::string> fixtureValue(const std::string& key) {
  PENNANT_ASSIGN_OR_RETURN(std::string text, readFile(fixtureDir() + "/dataplane.env"));
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
  }
  return absl::NotFoundError(key + " not in " + fixtureDir() + "/dataplane.env (is the dataplane fixture up?)");
}

StatusOr<std::string> controllerKubeconfig(kube::Client& admin, const std::string& ns) {
  PENNANT_ASSIGN_OR_RETURN(std::string token, testbed::shippedRoleToken(admin, ns, roleName(ns)));
  PENNANT_ASSIGN_OR_RETURN(std::string server, testbed::env("APISERVER"));
  PENNANT_ASSIGN_OR_RETURN(std::string ca, testbed::env("CA_FILE"));
  Json kubeconfig = {
      {"apiVersion", "v1"},
      {"kind", "Config"},
      {"clusters", Json::array({{{"name", "e2e"}, {"cluster", {{"server", server}, {"certificate-authority", ca}}}}})},
      {"users", Json::array({{{"name", "pennant"}, {"user", {{"token", token}}}}})},
      {"contexts",
       Json::array({{{"name", "e2e"}, {"context", {{"cluster", "e2e"}, {"user", "pennant"}, {"namespace", ns}}}}})},
      {"current-context", "e2e"}};
  const std::string dir = fixtureDir() + "/controllers";
  mkdir(dir.c_str(), 0755);
  const std::string path = dir + "/" + ns + ".kubeconfig";
  std::ofstream out(path);
  out << toYaml(kubeconfig);
  if (!out) return absl::InternalError("cannot write " + path);
  return path;
}

void removeControllerAccess(kube::Client& admin, const std::string& ns) {
  testbed::removeShippedRole(admin, roleName(ns));
}

// --- ControllerProcess --------------------------------------------------------------------------

ControllerProcess::ControllerProcess(std::string kubeconfig, std::string ns, std::string metricsServer)
    : kubeconfig_(std::move(kubeconfig)),
      ns_(std::move(ns)),
      metricsServer_(std::move(metricsServer)),
      log_(fixtureDir() + "/controllers/" + ns_ + ".log"),
      healthAddr_("127.0.0.1:" + std::to_string(testbed::freeLoopbackPort())) {}

ControllerProcess::~ControllerProcess() {
  if (pid_ > 0) stopGracefully();
}

Status ControllerProcess::start() {
  // PENNANT_E2E_CONTROLLER_BINARY: run another build of pennant (e.g. a Release one).
  const char* binary = std::getenv("PENNANT_E2E_CONTROLLER_BINARY");
  std::vector<std::string> args = {binary && *binary ? binary : PENNANT_BINARY,
                                   "controller",
                                   "--kubeconfig",
                                   kubeconfig_,
                                   "--namespace",
                                   ns_,
                                   "--metrics-server",
                                   metricsServer_,
                                   "--health-addr",
                                   healthAddr_,
                                   "--log-format",
                                   "text",
                                   "--log-level",
                                   "debug"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  // Appends, so a restarted controller's log follows the killed one's.
  posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&files, STDOUT_FILENO, STDERR_FILENO);
  int rc = posix_spawn(&pid_, argv[0], &files, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&files);
  if (rc != 0) {
    pid_ = -1;
    return absl::InternalError("posix_spawn " + args[0] + ": " + std::to_string(rc));
  }
  ++starts_;
  return absl::OkStatus();
}

void ControllerProcess::kill(int signal) {
  if (pid_ <= 0) return;
  ::kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

bool ControllerProcess::stopGracefully() {
  if (pid_ <= 0) return false;
  ::kill(pid_, SIGTERM);
  int status = -1;
  bool exited = testbed::eventually([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, 30s);
  if (!exited) {
    ::kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
  pid_ = -1;
  return exited && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::string ControllerProcess::logTail(size_t lines) const {
  auto text = readFile(log_);
  if (!text.ok()) return "(no log at " + log_ + ")";
  std::vector<std::string> all;
  std::istringstream in(*text);
  for (std::string line; std::getline(in, line);) all.push_back(line);
  size_t from = all.size() > lines ? all.size() - lines : 0;
  std::string out = "--- " + log_ + " (last lines) ---\n";
  for (size_t i = from; i < all.size(); ++i) out += all[i] + "\n";
  return out;
}

std::string ControllerProcess::scrapeMetrics() const {
  http::Request request;
  request.url = "http://" + healthAddr_ + "/metrics";
  request.timeout = 5s;
  auto answer = testbed::httpClient()->send(request);
  return answer.ok() && answer->status == 200 ? answer->body : "";
}

double metricAnalysisValue(const std::string& exposition, const std::string& metric) {
  const std::regex line("^flagger_canary_metric_analysis\\{[^}]*metric=\"" + metric + "\"[^}]*\\} (\\S+)$");
  std::istringstream in(exposition);
  for (std::string l; std::getline(in, l);) {
    std::smatch m;
    if (std::regex_match(l, m, line)) return std::stod(m[1].str());
  }
  return std::nan("");
}

// --- RouteRecorder ------------------------------------------------------------------------------

std::vector<RuleWeights> ruleWeights(const Json& route, const std::string& apex) {
  std::vector<RuleWeights> out;
  for (const auto& rule : route.value("spec", Json::object()).value("rules", Json::array())) {
    RuleWeights w;
    w.name = rule.value("name", "");
    for (const auto& ref : rule.value("backendRefs", Json::array())) {
      const std::string name = ref.value("name", "");
      if (name == apex + "-primary") w.primary = ref.value("weight", int64_t{1});
      if (name == apex + "-canary") w.canary = ref.value("weight", int64_t{1});
    }
    if (w.primary >= 0 || w.canary >= 0) out.push_back(w);
  }
  return out;
}

std::string weightSignature(const Json& route, const std::string& apex) {
  std::vector<std::string> parts;
  for (const auto& w : ruleWeights(route, apex)) {
    parts.push_back((w.name.empty() ? "" : w.name + "=") + std::to_string(w.primary) + "/" + std::to_string(w.canary));
  }
  return parts.empty() ? "none" : join(parts, " ");
}

RouteRecorder::RouteRecorder(kube::ClientPtr client, const kube::Resource& route, std::string ns, std::string name,
                             std::string apex)
    : client_(std::move(client)), route_(route), ns_(std::move(ns)), name_(std::move(name)), apex_(std::move(apex)) {
  thread_ = std::thread([this] { run(); });
}

RouteRecorder::~RouteRecorder() {
  cancel_->store(true);
  if (thread_.joinable()) thread_.join();
}

void RouteRecorder::record(const Json& object, bool deleted) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string signature = deleted ? "absent" : weightSignature(object, apex_);
  if (!deleted) objects_.push_back(object);
  if (sequence_.empty() || sequence_.back() != signature) {
    sequence_.push_back(signature);
    versions_.push_back({std::chrono::steady_clock::now(), signature,
                         deleted ? std::vector<RuleWeights>{} : ruleWeights(object, apex_)});
  }
}

void RouteRecorder::run() {
  std::string resourceVersion;
  while (!cancel_->load()) {
    kube::WatchOptions opts;
    opts.fieldSelector = "metadata.name=" + name_;
    opts.resourceVersion = resourceVersion;
    opts.allowBookmarks = false;
    opts.timeoutSeconds = 60;
    opts.cancel = cancel_;
    Status s = client_->watch(route_, ns_, opts, [&](const kube::WatchEvent& e) {
      if (e.type == kube::WatchEvent::Type::kError) return false;
      if (e.type == kube::WatchEvent::Type::kBookmark) return true;
      resourceVersion = stringAt(e.object, {"metadata", "resourceVersion"});
      record(e.object, e.type == kube::WatchEvent::Type::kDeleted);
      return true;
    });
    // 410 Gone: start over from the current state (a repeated signature is dropped anyway).
    if (s.code() == StatusCode::kOutOfRange) resourceVersion.clear();
    if (!s.ok() && !cancel_->load()) std::this_thread::sleep_for(200ms);
  }
}

std::vector<std::string> RouteRecorder::sequence() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sequence_;
}

std::string RouteRecorder::joined() const { return join(sequence(), " -> "); }

std::vector<Json> RouteRecorder::objects() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return objects_;
}

std::vector<Step> stepsOf(const std::vector<RouteVersion>& versions, const std::string& rule,
                          std::chrono::milliseconds settle, std::chrono::steady_clock::time_point end) {
  std::vector<Step> steps;
  size_t last = versions.size();  // index of the version that made steps.back()
  for (size_t i = 0; i < versions.size(); ++i) {
    auto w = std::find_if(versions[i].rules.begin(), versions[i].rules.end(),
                          [&](const RuleWeights& r) { return r.name == rule; });
    if (w == versions[i].rules.end()) continue;
    Step s{versions[i].at + settle, i + 1 < versions.size() ? versions[i + 1].at : end, w->primary, w->canary};
    // Back-to-back versions with the same weights for this rule (another rule changed) are one stretch.
    if (last + 1 == i && steps.back().primary == s.primary && steps.back().canary == s.canary) {
      steps.back().to = s.to;
      last = i;
      continue;
    }
    // A version the route held for less than the settle time has no steady stretch.
    if (s.from >= s.to) continue;
    steps.push_back(s);
    last = i;
  }
  return steps;
}

std::vector<RouteVersion> RouteRecorder::versions() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return versions_;
}

// --- helpers ------------------------------------------------------------------------------------

std::string imageOf(kube::Client& admin, const std::string& ns, const std::string& name) {
  auto d = admin.get(res::deployments(), ns, name);
  if (!d.ok()) return "";
  return (*d)["spec"]["template"]["spec"]["containers"][0].value("image", "");
}

std::vector<std::string> eventsOf(kube::Client& admin, const std::string& ns, const std::string& canary) {
  std::vector<std::string> out;
  auto events = admin.list(res::events(), ns, {});
  if (!events.ok()) return out;
  for (const auto& e : events->items) {
    if (stringAt(e, {"regarding", "name"}) != canary) continue;
    out.push_back(e.value("type", "") + "/" + e.value("reason", "") + ": " + e.value("note", ""));
  }
  return out;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
  return out;
}

}  // namespace pennant::e2e
