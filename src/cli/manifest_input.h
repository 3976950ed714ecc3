#pragma once
// Reading manifests for the offline subcommands (render, validate): a file problem is reported
// on stderr as one line naming the file, never an exception.
#include <iosfwd>
#include <optional>
#include <string>

#include "api/canary.h"
#include "common/json.h"

namespace pennant::cli {

// The first YAML/JSON document of `path`; nullopt after printing the problem to `err`.
std::optional<Json> readManifest(const std::string& path, std::ostream& err);

// Parses a Canary from `path`; nullopt after printing one line per problem to `err`.
std::optional<api::Canary> readCanary(const std::string& path, std::ostream& err);

// Prints a status built by api::toStatus (one problem per line) to `err`.
void printProblems(const Status& status, std::ostream& err);

}  // namespace pennant::cli
