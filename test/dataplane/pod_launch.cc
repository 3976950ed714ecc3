#include "dataplane/pod_launch.h"

namespace pennant::dataplane {
namespace {

// "registry.example/team/greeter:v2" -> {"greeter", "v2"}; digests and ports in the registry are fine.
std::pair<std::string, std::string> repositoryAndTag(const std::string& image) {
  std::string rest = image.substr(0, image.find('@'));
  std::string tag;
  auto slash = rest.rfind('/');
  auto colon = rest.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    tag = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
  }
  slash = rest.rfind('/');
  return {slash == std::string::npos ? rest : rest.substr(slash + 1), tag};
}

// lifecycle.preStop: {sleep: {seconds: N}} or {exec: {command: [sleep, N]}} (also via sh -c).
int preStopSeconds(const Json& container) {
  const Json* preStop = findPath(container, {"lifecycle", "preStop"});
  if (!preStop) return 0;
  if (const Json* s = findPath(*preStop, {"sleep", "seconds"}); s && s->is_number_integer()) return s->get<int>();
  const Json* command = findPath(*preStop, {"exec", "command"});
  if (!command || !command->is_array()) return 0;
  std::string line;
  for (const Json& part : *command)
    line += (line.empty() ? "" : " ") + (part.is_string() ? part.get<std::string>() : "");
  for (const char* prefix : {"sleep ", "/bin/sh -c sleep ", "sh -c sleep ", "/bin/sleep "}) {
    if (line.rfind(prefix, 0) == 0) {
      try {
        return std::stoi(line.substr(std::string(prefix).size()));
      } catch (...) {
        return 0;
      }
    }
  }
  return 0;
}

}  // namespace

std::optional<Launch> launchFor(const Json& pod) {
  const Json* containers = findPath(pod, {"spec", "containers"});
  if (!containers || !containers->is_array() || containers->empty()) return std::nullopt;
  const Json& c = (*containers)[0];
  auto [repository, tag] = repositoryAndTag(stringAt(c, {"image"}));
  if (repository != "greeter") return std::nullopt;
  const Json* deleting = findPath(pod, {"metadata", "deletionTimestamp"});
  if (deleting && !deleting->is_null()) return std::nullopt;
  Launch l;
  l.podIP = stringAt(pod, {"status", "podIP"});
  if (l.podIP.empty() || stringAt(pod, {"status", "phase"}) != "Running") return std::nullopt;
  const std::string ns = stringAt(pod, {"metadata", "namespace"}), name = stringAt(pod, {"metadata", "name"});
  l.key = ns + "/" + name;
  l.uid = stringAt(pod, {"metadata", "uid"});
  l.container = stringAt(c, {"name"});
  if (const Json* g = findPath(pod, {"spec", "terminationGracePeriodSeconds"}); g && g->is_number_integer()) {
    l.graceSeconds = g->get<int>();
  }
  l.preStopSeconds = preStopSeconds(c);
  if (!tag.empty()) l.env["GREETER_VERSION"] = tag;
  if (const Json* env = findPath(c, {"env"}); env && env->is_array()) {
    for (const Json& e : *env) {
      if (e.contains("value") && e["value"].is_string()) l.env[stringAt(e, {"name"})] = e["value"];
    }
  }
  l.env["POD_NAME"] = name;
  l.env["POD_NAMESPACE"] = ns;
  if (const Json* ports = findPath(c, {"ports"}); ports && ports->is_array()) {
    for (const Json& p : *ports) {
      const std::string portName = stringAt(p, {"name"});
      if (!p.contains("containerPort") || !p["containerPort"].is_number_integer()) continue;
      const std::string address = l.podIP + ":" + std::to_string(p["containerPort"].get<int>());
      if (portName == "grpc") l.args.insert(l.args.end(), {"--grpc-listen", address});
      if (portName == "http") l.args.insert(l.args.end(), {"--http-listen", address});
      if (portName == "metrics") l.args.insert(l.args.end(), {"--metrics-listen", address});
    }
  }
  return l;
}

}  // namespace pennant::dataplane
