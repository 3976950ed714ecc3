#include "cli/manifest_input.h"

#include <ostream>

#include "api/problem.h"

namespace pennant::cli {

std::optional<Json> readManifest(const std::string& path, std::ostream& err) {
  StatusOr<std::string> text = readFile(path);
  if (!text.ok()) {
    err << path << ": " << text.status().message() << "\n";
    return std::nullopt;
  }
  StatusOr<Json> doc = parseYaml(*text, path);
  if (!doc.ok()) {
    err << doc.status().message() << "\n";
    return std::nullopt;
  }
  if (!doc->is_object()) {
    err << path << ": must contain one Kubernetes object\n";
    return std::nullopt;
  }
  return *std::move(doc);
}

std::optional<api::Canary> readCanary(const std::string& path, std::ostream& err) {
  auto doc = readManifest(path, err);
  if (!doc) return std::nullopt;
  StatusOr<api::Canary> canary = api::parseCanary(*doc);
  if (!canary.ok()) {
    printProblems(canary.status(), err);
    return std::nullopt;
  }
  return *std::move(canary);
}

void printProblems(const Status& status, std::ostream& err) {
  for (const auto& line : api::problemLines(status)) err << line << "\n";
}

}  // namespace pennant::cli
