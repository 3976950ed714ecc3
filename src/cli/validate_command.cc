// pennant validate: the checks `pennant render` and the controller run before writing a route.
#include <iostream>

#include "analysis/route_state.h"
#include "cli/commands.h"
#include "cli/manifest_input.h"
#include "router/gatewayapi/route_core.h"
#include "validation/canary_checks.h"

namespace pennant::cli {
namespace {

int runValidate(const std::string& file) {
  auto canary = readCanary(file, std::cerr);
  if (!canary) return 1;
  api::Problems problems = validation::checkCanary(*canary);
  if (!problems.empty()) {
    for (const auto& p : problems) std::cerr << p.toString() << "\n";
    return 1;
  }
  if (!canary->routeRef) {
    // The largest route this Canary produces (A/B rules and mirror present) must fit the limits.
    router::RouteState worst = analysis::routeStateFor(*canary, 100, api::Phase::kProgressing);
    worst.mirror = canary->analysis.mirror;
    StatusOr<Json> route = router::gatewayapi::desiredRoute(*canary, nullptr, worst);
    if (!route.ok()) {
      printProblems(route.status(), std::cerr);
      return 1;
    }
  }
  std::cout << "Canary " << canary->namespace_ << "/" << canary->name << " is valid (" << canary->routeKind()
            << (canary->routeRef ? ", referenced route" : ", managed route") << ")\n";
  return 0;
}

}  // namespace

void registerValidate(CLI::App& app) {
  auto file = std::make_shared<std::string>();
  auto* cmd =
      app.add_subcommand("validate", "Check a Canary manifest the way the controller does before writing a route");
  cmd->add_option("-f,--filename", *file, "Canary manifest (YAML or JSON)")->required()->check(CLI::ExistingFile);
  cmd->callback([file] { setExitCode(runValidate(*file)); });
}

}  // namespace pennant::cli
