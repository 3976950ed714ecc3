#include "api/problem.h"

namespace pennant::api {

Status toStatus(const Problems& problems) {
  if (problems.empty()) return absl::OkStatus();
  std::string message;
  for (const auto& p : problems) {
    if (!message.empty()) message += "\n";
    message += p.toString();
  }
  return absl::InvalidArgumentError(message);
}

std::vector<std::string> problemLines(const Status& status) {
  std::vector<std::string> lines;
  std::string_view rest(status.message().data(), status.message().size());
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    lines.emplace_back(rest.substr(0, nl));
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  return lines;
}

}  // namespace pennant::api
