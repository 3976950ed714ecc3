// pennant status [CANARY] [-n NS | -A] [-o json|yaml] [--watch [--until PHASE,...] [--timeout D]]
// One-shot: the detailed view of one Canary, or a table of them; -o prints the objects.
// --watch: a line per change of a Canary or of its Events (as `kubectl get -w`), from informers
// on canaries and events.k8s.io Events; with --until it ends when the Canary reaches a phase.
#include <condition_variable>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

#include "api/canary.h"
#include "cli/commands.h"
#include "cli/kube_flags.h"
#include "cli/status_view.h"
#include "kube/errors.h"
#include "kube/informer.h"
#include "kube/resource.h"

namespace pennant::cli {
namespace {

using kube::resources::canaries;
using kube::resources::events;

struct StatusFlags {
  KubeFlags kube;
  std::string name;
  std::string output;  // "" | json | yaml
  bool watch = false;
  std::vector<std::string> until;
  std::string timeout;  // Go duration; "" = none
};

std::string eventSelector(const std::string& name) {
  return name.empty() ? "regarding.kind=Canary" : "regarding.kind=Canary,regarding.name=" + name;
}

std::vector<Json> listEvents(kube::Client& client, const std::string& ns, const std::string& name) {
  kube::ListOptions opts;
  opts.fieldSelector = eventSelector(name);
  auto list = kube::listAll(client, events(), ns, opts);
  if (!list.ok()) {
    std::cerr << "warning: Events not listed: " << list.status().message() << "\n";
    return {};
  }
  return list->items;
}

void printObjects(const std::vector<Json>& items, bool single, const std::string& format) {
  Json doc = single ? items.front() : Json{{"apiVersion", "v1"}, {"kind", "List"}, {"items", items}};
  std::cout << (format == "json" ? doc.dump(2) + "\n" : toYaml(doc));
}

int showOnce(const StatusFlags& flags, const Connection& conn) {
  kube::Client& client = *conn.client;
  const auto now = std::chrono::system_clock::now();
  if (!flags.name.empty()) {
    auto canary = client.get(canaries(), conn.ns, flags.name);
    if (!canary.ok()) return printError(canary.status(), std::cerr);
    if (!flags.output.empty()) {
      printObjects({*canary}, true, flags.output);
      return 0;
    }
    std::cout << describeCanary(*canary, canaryEvents(listEvents(client, conn.ns, flags.name), conn.ns, flags.name),
                                now);
    return 0;
  }
  const std::string ns = flags.kube.allNamespaces ? "" : conn.ns;
  auto list = kube::listAll(client, canaries(), ns, {});
  if (!list.ok()) return printError(list.status(), std::cerr);
  if (!flags.output.empty()) {
    printObjects(list->items, false, flags.output);
    return 0;
  }
  if (list->items.empty()) {
    std::cerr << (ns.empty() ? std::string("No resources found") : "No resources found in " + ns + " namespace.")
              << "\n";
    return 0;
  }
  std::cout << canaryTable(list->items, flags.kube.allNamespaces, now);
  return 0;
}

// The --watch loop. Informer handlers only mark a Canary as changed; the main thread prints its
// line once the changes have settled (the controller writes an Event and then the status, so a
// line per raw change would show half-done steps), and only when the line differs from the last.
class Watcher {
 public:
  Watcher(const StatusFlags& flags, const Connection& conn)
      : flags_(flags),
        ns_(flags.kube.allNamespaces ? "" : conn.ns),
        until_(flags.until.begin(), flags.until.end()),
        canaries_(conn.client, options(canaries(), ns_, flags.name.empty() ? "" : "metadata.name=" + flags.name)),
        events_(conn.client, options(events(), ns_, eventSelector(flags.name))) {}

  int run(std::optional<std::chrono::seconds> timeout) {
    auto changed = [this](const kube::ObjectPtr& c) {
      mark(stringAt(*c, {"metadata", "namespace"}), stringAt(*c, {"metadata", "name"}));
    };
    canaries_.addHandlers({changed, [changed](const kube::ObjectPtr&, const kube::ObjectPtr& c) { changed(c); },
                           [this](const kube::ObjectPtr& c) { deleted(*c); }});
    auto onEvent = [this](const kube::ObjectPtr& e) {
      mark(stringAt(*e, {"regarding", "namespace"}, stringAt(*e, {"metadata", "namespace"})),
           stringAt(*e, {"regarding", "name"}));
    };
    events_.addHandlers({onEvent, [onEvent](const kube::ObjectPtr&, const kube::ObjectPtr& e) { onEvent(e); }, {}});
    canaries_.start();
    events_.start();
    if (!canaries_.waitForSync(std::chrono::seconds(30))) {
      std::cerr << "error: the Canaries could not be listed within 30s\n";
      return stop(1);
    }
    // Events are a bonus: without the right to list them the lines show no last event.
    if (!events_.waitForSync(std::chrono::seconds(10))) {
      std::cerr << "warning: Events not available; lines show no last event\n";
      events_.stop();
    }
    std::cout << watchHeader(flags_.kube.allNamespaces) << std::flush;
    const auto deadline =
        timeout ? std::chrono::steady_clock::now() + *timeout : std::chrono::steady_clock::time_point::max();
    std::set<std::string> keys;
    for (const auto& c : canaries_.list()) keys.insert(kube::Informer::keyOf(*c));
    bool reached = printLines(keys);
    while (!reached) {
      std::unique_lock lock(mu_);
      if (!wake_.wait_until(lock, deadline, [this] { return !dirty_.empty() || exitCode_; })) {
        std::cerr << "error: timed out waiting for the phase " << joined() << " of canary " << flags_.name << "\n";
        return stop(1);
      }
      if (exitCode_) return stop(*exitCode_);
      lock.unlock();
      std::this_thread::sleep_for(kSettle);
      reached = printLines(take());
    }
    // The controller's last Events of a run may trail its final status write by a moment.
    std::this_thread::sleep_for(kTrailingEvents);
    printLines(take());
    return stop(0);
  }

 private:
  static constexpr std::chrono::milliseconds kSettle{300};
  static constexpr std::chrono::milliseconds kTrailingEvents{1500};

  static kube::InformerOptions options(const kube::Resource& r, const std::string& ns, const std::string& selector) {
    kube::InformerOptions o;
    o.resource = r;
    o.ns = ns;
    o.fieldSelector = selector;
    return o;
  }

  int stop(int code) {
    canaries_.stop();
    events_.stop();
    return code;
  }

  std::string joined() const {
    std::string out;
    for (const auto& p : flags_.until) out += (out.empty() ? "" : "|") + p;
    return out;
  }

  void mark(const std::string& ns, const std::string& name) {
    std::lock_guard lock(mu_);
    dirty_.insert(kube::Informer::keyOf(ns, name));
    wake_.notify_all();
  }

  std::set<std::string> take() {
    std::lock_guard lock(mu_);
    return std::exchange(dirty_, {});
  }

  // Prints the line of each Canary in `keys` that changed; true once --until's phase is reached.
  bool printLines(const std::set<std::string>& keys) {
    bool reached = false;
    for (const auto& key : keys) {
      kube::ObjectPtr canary = canaries_.getByKey(key);
      if (!canary) continue;
      const std::string ns = stringAt(*canary, {"metadata", "namespace"});
      std::vector<Json> all;
      for (const auto& e : events_.list(ns)) all.push_back(*e);
      auto lines = canaryEvents(all, ns, stringAt(*canary, {"metadata", "name"}));
      std::optional<EventLine> last;
      if (!lines.empty()) last = lines.back();
      std::string row = watchRow(*canary, last, flags_.kube.allNamespaces, std::chrono::system_clock::now());
      std::string body = row.substr(10);  // without the time column: print only real changes
      if (std::string& previous = shown_[key]; body != previous) {
        std::cout << row << std::flush;
        previous = body;
      }
      if (!until_.empty() && until_.count(phaseOf(*canary))) reached = true;
    }
    return reached;
  }

  void deleted(const Json& canary) {
    std::lock_guard lock(mu_);
    std::cout << "canary " << stringAt(canary, {"metadata", "namespace"}) << "/"
              << stringAt(canary, {"metadata", "name"}) << " deleted\n"
              << std::flush;
    if (!flags_.name.empty() && !until_.empty()) {
      exitCode_ = 1;
      wake_.notify_all();
    }
  }

  const StatusFlags& flags_;
  std::string ns_;
  std::set<std::string> until_;
  kube::Informer canaries_;
  kube::Informer events_;
  std::mutex mu_;  // guards dirty_ and exitCode_
  std::condition_variable wake_;
  std::set<std::string> dirty_;  // keys of Canaries whose line may have changed
  std::optional<int> exitCode_;
  std::map<std::string, std::string> shown_;  // main thread only: key -> last line shown (without time)
};

int runStatus(const StatusFlags& flags) {
  if (flags.kube.allNamespaces && !flags.name.empty()) {
    std::cerr << "error: a resource cannot be retrieved by name across all namespaces\n";
    return 1;
  }
  if (flags.watch && !flags.output.empty()) {
    std::cerr << "error: --watch prints one line per change; -o is for a one-shot status\n";
    return 1;
  }
  if (!flags.until.empty() && (!flags.watch || flags.name.empty())) {
    std::cerr << "error: --until needs --watch and a CANARY name\n";
    return 1;
  }
  std::optional<std::chrono::seconds> timeout;
  if (!flags.timeout.empty()) {
    auto seconds = api::parseDurationSeconds(flags.timeout);
    if (!seconds || *seconds <= 0) {
      std::cerr << "error: --timeout: not a duration: " << flags.timeout << "\n";
      return 1;
    }
    timeout = std::chrono::seconds(*seconds);
  }
  auto conn = connect(flags.kube);
  if (!conn.ok()) return printError(conn.status(), std::cerr);
  if (!flags.watch) return showOnce(flags, *conn);
  if (!flags.name.empty()) {
    // As `kubectl get -w NAME`: a Canary that does not exist is an error, not an empty watch.
    auto canary = conn->client->get(canaries(), conn->ns, flags.name);
    if (!canary.ok()) return printError(canary.status(), std::cerr);
  }
  Watcher watcher(flags, *conn);
  return watcher.run(timeout);
}

}  // namespace

void registerStatus(CLI::App& app) {
  auto flags = std::make_shared<StatusFlags>();
  auto* cmd = app.add_subcommand("status", "Show Canaries: phase, traffic weight, failed checks, recent Events");
  cmd->add_option("CANARY", flags->name, "Canary name (default: every Canary of the namespace)");
  addKubeFlags(cmd, flags->kube, /*allNamespaces=*/true);
  cmd->add_option("-o,--output", flags->output, "print the objects instead")->check(CLI::IsMember({"json", "yaml"}));
  cmd->add_flag("-w,--watch", flags->watch, "keep watching: one line per change, until Ctrl-C");
  cmd->add_option("--until", flags->until, "with --watch CANARY: stop (exit 0) once the phase is one of these")
      ->delimiter(',')
      ->check(CLI::IsMember(api::phaseNames()));
  cmd->add_option("--timeout", flags->timeout, "with --until: give up (exit 1) after this long, e.g. 10m");
  cmd->callback([flags] { setExitCode(runStatus(*flags)); });
}

}  // namespace pennant::cli
