// pennant: one binary, subcommands registered by cli/commands.h. Invoked as `kubectl-pennant`
// (a kubectl plugin: `kubectl pennant status ...`) it behaves the same and names itself so.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/version.h"

int main(int argc, char** argv) {
  CLI::App app{"Pennant: progressive delivery for Kubernetes on the Gateway API (HTTPRoute and GRPCRoute)"};
  const std::string self = argc > 0 ? std::filesystem::path(argv[0]).filename().string() : "pennant";
  app.name(self == "kubectl-pennant" ? "kubectl pennant" : "pennant");
  app.require_subcommand(1);
  app.set_version_flag("--version", pennant::kVersion);
  pennant::cli::registerCommands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Usage errors exit 2 (CLI11's exit() returns its own codes; keep kubectl's convention).
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return pennant::cli::exitCode();
}
