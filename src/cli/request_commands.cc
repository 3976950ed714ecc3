// pennant promote | abort | pause | resume: requests to the controller, written on the Canary.
//   promote/abort: the pennant.io/promote or pennant.io/abort annotation set to a new request id
//     (the controller acts on each id once; see analysis/user_requests.h).
//   pause/resume: spec.suspend (Flagger's field) set to true/false; a paused Canary is left alone.
// All are JSON merge patches, so nothing else on the object is touched.
#include <absl/time/clock.h>
#include <absl/time/time.h>

#include <iostream>

#include "analysis/conditions.h"
#include "analysis/user_requests.h"
#include "cli/commands.h"
#include "cli/kube_flags.h"
#include "cli/status_view.h"
#include "kube/resource.h"

namespace pennant::cli {
namespace {

using kube::resources::canaries;

struct RequestFlags {
  KubeFlags kube;
  std::string name;
};

enum class Request { kPromote, kAbort, kPause, kResume };

// Why `request` cannot apply in `phase` ("" when it can). The controller would dismiss such a
// request; the CLI says so at once instead of writing it.
std::string notApplicable(Request request, api::Phase phase) {
  using api::Phase;
  const std::string name(api::phaseName(phase));
  if (request == Request::kPromote) {
    if (api::isAnalysing(phase)) return "";
    if (phase == Phase::kWaiting) return "it waits for its confirm-rollout approval (phase Waiting)";
    if (phase == Phase::kPromoting || phase == Phase::kFinalising) {
      return "it is already being promoted (phase " + name + ")";
    }
  } else if (request == Request::kAbort) {
    if (api::isAnalysing(phase) || phase == Phase::kWaiting) return "";
    if (phase == Phase::kPromoting || phase == Phase::kFinalising) {
      return "its promotion is under way (phase " + name + "); roll back by reverting the target";
    }
  } else {
    return "";
  }
  return "no analysis is running (phase " + (phase == Phase::kNone ? std::string("<none>") : name) + ")";
}

// The current time to the millisecond, in UTC: unique enough for a person's requests, and readable.
std::string newRequestId() { return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()); }

int runRequest(Request request, const RequestFlags& flags) {
  auto conn = connect(flags.kube);
  if (!conn.ok()) return printError(conn.status(), std::cerr);
  auto canary = conn->client->get(canaries(), conn->ns, flags.name);
  if (!canary.ok()) return printError(canary.status(), std::cerr);
  const api::Phase phase = api::parsePhase(phaseOf(*canary)).value_or(api::Phase::kNone);
  const std::string verb = request == Request::kPromote ? "promote" : "abort";
  if (std::string why = notApplicable(request, phase); !why.empty()) {
    std::cerr << "error: cannot " << verb << " canary " << conn->ns << "/" << flags.name << ": " << why << "\n";
    return 1;
  }
  Json patch;
  std::string done;
  switch (request) {
    case Request::kPromote:
    case Request::kAbort: {
      const char* key = request == Request::kPromote ? analysis::kPromoteAnnotation : analysis::kAbortAnnotation;
      const std::string id = newRequestId();
      patch = {{"metadata", {{"annotations", {{key, id}}}}}};
      done = verb + " requested (" + key + "=" + id + ")";
      const Json* paused = findPath(*canary, {"spec", "suspend"});
      if (paused && paused->is_boolean() && paused->get<bool>()) {
        std::cerr << "note: the canary is paused; the controller acts on the request after `pennant resume`\n";
      }
      break;
    }
    case Request::kPause:
      patch = {{"spec", {{"suspend", true}}}};
      done = "paused";
      break;
    case Request::kResume:
      patch = {{"spec", {{"suspend", false}}}};
      done = "resumed";
      break;
  }
  auto patched = conn->client->patch(canaries(), conn->ns, flags.name, kube::PatchType::kMerge, patch);
  if (!patched.ok()) return printError(patched.status(), std::cerr);
  std::cout << "canary.flagger.app/" << flags.name << " " << done << "\n";
  return 0;
}

void registerRequest(CLI::App& app, Request request, const std::string& name, const std::string& help) {
  auto flags = std::make_shared<RequestFlags>();
  auto* cmd = app.add_subcommand(name, help);
  cmd->add_option("CANARY", flags->name, "Canary name")->required();
  addKubeFlags(cmd, flags->kube);
  cmd->callback([flags, request] { setExitCode(runRequest(request, *flags)); });
}

}  // namespace

void registerRequests(CLI::App& app) {
  registerRequest(
      app, Request::kPromote, "promote",
      "Promote now: skip the remaining analysis steps and checks (the confirm-promotion gate still applies)");
  registerRequest(app, Request::kAbort, "abort", "Abort the analysis now: route all traffic to the primary, Failed");
  registerRequest(app, Request::kPause, "pause", "Pause a Canary (spec.suspend: the controller leaves it alone)");
  registerRequest(app, Request::kResume, "resume", "Resume a paused Canary");
}

}  // namespace pennant::cli
