// pennant render: the route the controller would write, computed offline by the same functions.
#include <iostream>

#include "analysis/route_state.h"
#include "api/problem.h"
#include "cli/commands.h"
#include "cli/manifest_input.h"
#include "router/gatewayapi/route_core.h"

namespace pennant::cli {
namespace {

struct RenderOptions {
  std::string canaryFile;
  std::string routeFile;
  int64_t weight = 0;
  std::string phase;
  std::string output = "yaml";
};

int runRender(const RenderOptions& opts) {
  auto canary = readCanary(opts.canaryFile, std::cerr);
  if (!canary) return 1;
  std::optional<Json> existing;
  if (!opts.routeFile.empty()) {
    existing = readManifest(opts.routeFile, std::cerr);
    if (!existing) return 1;
  }
  router::RouteState state =
      analysis::routeStateFor(*canary, opts.weight, api::parsePhase(opts.phase).value_or(api::Phase::kNone));
  StatusOr<Json> route = router::gatewayapi::desiredRoute(*canary, existing ? &*existing : nullptr, state);
  if (!route.ok()) {
    printProblems(route.status(), std::cerr);
    return 1;
  }
  // Printed only once everything succeeded: invalid input leaves stdout empty.
  std::cout << (opts.output == "json" ? route->dump(2) + "\n" : toYaml(*route));
  return 0;
}

}  // namespace

void registerRender(CLI::App& app) {
  auto opts = std::make_shared<RenderOptions>();
  auto* cmd = app.add_subcommand("render", "Print the HTTPRoute/GRPCRoute the controller would write for a Canary");
  cmd->add_option("-f,--filename", opts->canaryFile, "Canary manifest (YAML or JSON)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--route", opts->routeFile,
                  "Current route (required for spec.routeRef; for a managed route, keeps foreign labels/annotations)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--weight", opts->weight, "Canary weight of the shifted rules (A/B: of the A/B rules)")
      ->check(CLI::Range(0, 100));
  cmd->add_option("--phase", opts->phase, "Canary phase (default Progressing when --weight > 0, else Initialized)")
      ->check(CLI::IsMember(api::phaseNames()));
  cmd->add_option("-o,--output", opts->output, "Output format")->check(CLI::IsMember({"yaml", "json"}));
  cmd->callback([opts] { setExitCode(runRender(*opts)); });
}

}  // namespace pennant::cli
