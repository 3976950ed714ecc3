#include <iostream>

#include "cli/commands.h"
#include "cli/version.h"

namespace pennant::cli {

void registerVersion(CLI::App& app) {
  auto* cmd = app.add_subcommand("version", "Print Pennant's version");
  cmd->callback([] { std::cout << "pennant " << kVersion << "\n"; });
}

}  // namespace pennant::cli
