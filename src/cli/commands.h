#pragma once
// Each subcommand registers itself on the CLI11 app; its callback stores the process exit code.
#include <CLI/CLI.hpp>

namespace pennant::cli {

void registerCommands(CLI::App& app);
// Exit code set by the subcommand that ran.
int exitCode();
void setExitCode(int code);

// One registration function per subcommand file.
void registerVersion(CLI::App& app);
void registerRender(CLI::App& app);
void registerValidate(CLI::App& app);
void registerController(CLI::App& app);
void registerStatus(CLI::App& app);
// promote, abort, pause, resume
void registerRequests(CLI::App& app);
// hands over to the pennant-load program
void registerLoad(CLI::App& app);

}  // namespace pennant::cli
