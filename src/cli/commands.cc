#include "cli/commands.h"

namespace pennant::cli {
namespace {
int g_exit_code = 0;
}

int exitCode() { return g_exit_code; }
void setExitCode(int code) { g_exit_code = code; }

void registerCommands(CLI::App& app) {
  registerVersion(app);
  registerRender(app);
  registerValidate(app);
  registerController(app);
  registerStatus(app);
  registerRequests(app);
  registerLoad(app);
}

}  // namespace pennant::cli
