// `pennant load ...` runs `pennant-load` from the pennant binary's own directory with the same
// arguments: the gRPC client lives in that second program so the controller never maps gRPC's
// libraries (~12 MB resident on kernels that cache files in large folios; docs/benchmarks.md).
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <iostream>
#include <system_error>

#include "cli/commands.h"

namespace pennant::cli {

void registerLoad(CLI::App& app) {
  auto* cmd = app.add_subcommand("load",
                                 "gRPC load through a gateway, counted by gRPC code and answering version "
                                 "(`pennant load --help` for its flags)");
  // Everything after `load` belongs to pennant-load, --help included.
  cmd->prefix_command();
  cmd->set_help_flag();
  cmd->callback([cmd] {
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    auto helper = (ec ? std::filesystem::path(".") : self.parent_path()) / "pennant-load";
    std::vector<std::string> args = {helper.string()};
    for (const auto& a : cmd->remaining()) args.push_back(a);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(helper.c_str(), argv.data());
    std::cerr << "pennant load: cannot run " << helper.string() << ": " << std::strerror(errno)
              << " (it is installed next to pennant)\n";
    setExitCode(1);
  });
}

}  // namespace pennant::cli
