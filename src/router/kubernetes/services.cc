#include "router/kubernetes/services.h"

#include <algorithm>

namespace pennant::router::kubernetes {
namespace {

Json toJsonMap(const std::map<std::string, std::string>& map) {
  Json out = Json::object();
  for (const auto& [key, value] : map) out[key] = value;
  return out;
}

const ServiceMetadata& metadataFor(const ServiceSpec& spec, ServiceRole role) {
  switch (role) {
    case ServiceRole::kPrimary:
      return spec.primaryMetadata;
    case ServiceRole::kCanary:
      return spec.canaryMetadata;
    case ServiceRole::kApex:
      break;
  }
  return spec.apexMetadata;
}

bool isUnsetTargetPort(const Json& targetPort) {
  return targetPort.is_null() || (targetPort.is_number_integer() && targetPort.get<int64_t>() == 0) ||
         (targetPort.is_string() && (targetPort.get<std::string>().empty() || targetPort.get<std::string>() == "0"));
}

// The fields of a ServicePort that Flagger compares, with the API server's protocol default.
Json comparablePort(const Json& port) {
  Json out = Json::object();
  for (const char* key : {"name", "port", "targetPort", "appProtocol", "nodePort"}) {
    if (port.is_object() && port.contains(key)) out[key] = port[key];
  }
  out["protocol"] = port.is_object() && port.contains("protocol") ? port["protocol"] : Json("TCP");
  return out;
}

Json comparablePorts(const Json* ports) {
  Json out = Json::array();
  if (ports == nullptr || !ports->is_array()) return out;
  for (const Json& port : *ports) out.push_back(comparablePort(port));
  auto portNumber = [](const Json& port) {
    const Json* number = findPath(port, {"port"});
    return number != nullptr && number->is_number_integer() ? number->get<int64_t>() : int64_t{0};
  };
  std::stable_sort(out.begin(), out.end(), [&](const Json& a, const Json& b) { return portNumber(a) < portNumber(b); });
  return out;
}

Json mapAt(const Json& object, const char* which) {
  const Json* map = findPath(object, {"metadata", which});
  return map != nullptr && map->is_object() ? *map : Json::object();
}

// Values of the unmanaged keys currently on the Service, laid over `managed`.
Json withUnmanaged(Json managed, const Json& current, const std::vector<std::string>& keys) {
  for (const std::string& key : keys) {
    if (current.contains(key)) managed[key] = current[key];
  }
  return managed;
}

}  // namespace

std::string serviceName(const ServiceSpec& spec, ServiceRole role) {
  switch (role) {
    case ServiceRole::kPrimary:
      return spec.apex + "-primary";
    case ServiceRole::kCanary:
      return spec.apex + "-canary";
    case ServiceRole::kApex:
      break;
  }
  return spec.apex;
}

Json desiredService(const ServiceSpec& spec, ServiceRole role) {
  std::string name = serviceName(spec, role);
  std::string podSelector = role == ServiceRole::kCanary ? spec.selectorValue : spec.selectorValue + "-primary";
  const ServiceMetadata& metadata = metadataFor(spec, role);
  Json labels = toJsonMap(metadata.labels);
  labels[spec.selectorLabel] = name;

  Json port = {{"name", spec.portName.empty() ? "http" : spec.portName},
               {"protocol", "TCP"},
               {"port", spec.port},
               {"targetPort", isUnsetTargetPort(spec.targetPort) ? Json(spec.port) : spec.targetPort}};
  if (!spec.appProtocol.empty()) port["appProtocol"] = spec.appProtocol;
  Json serviceSpec = {
      {"type", "ClusterIP"}, {"selector", {{spec.selectorLabel, podSelector}}}, {"ports", Json::array({port})}};
  if (spec.headless) serviceSpec["clusterIP"] = "None";
  if (!spec.trafficDistribution.empty()) serviceSpec["trafficDistribution"] = spec.trafficDistribution;

  return Json{{"apiVersion", "v1"},
              {"kind", "Service"},
              {"metadata",
               {{"name", name},
                {"namespace", spec.namespace_},
                {"labels", labels},
                {"annotations", workload::withFluxDisabled(toJsonMap(metadata.annotations))},
                {"ownerReferences", Json::array({workload::ownerReference(spec.owner)})}}},
              {"spec", serviceSpec}};
}

std::optional<Json> serviceUpdate(const Json& existing, const Json& desired, const ServiceSpec& spec) {
  Json ports = desired["spec"]["ports"];
  // Keep node ports the cluster allocated for ports of the same name.
  if (const Json* current = findPath(existing, {"spec", "ports"}); current != nullptr && current->is_array()) {
    for (const Json& have : *current) {
      const Json* nodePort = findPath(have, {"nodePort"});
      if (nodePort == nullptr || !nodePort->is_number_integer() || nodePort->get<int64_t>() <= 0) continue;
      for (Json& want : ports) {
        if (stringAt(want, {"name"}) == stringAt(have, {"name"})) {
          want["nodePort"] = *nodePort;
          break;
        }
      }
    }
  }
  Json updated = existing;
  bool changed = false;
  const Json* selector = findPath(existing, {"spec", "selector"});
  if (comparablePorts(&ports) != comparablePorts(findPath(existing, {"spec", "ports"})) || selector == nullptr ||
      *selector != desired["spec"]["selector"]) {
    updated["spec"]["ports"] = ports;
    updated["spec"]["selector"] = desired["spec"]["selector"];
    changed = true;
  }
  // Metadata is managed only on Services this Canary created (a user's own apex Service keeps its own).
  if (workload::isControlledByCanary(existing, spec.owner.name)) {
    Json currentAnnotations = mapAt(existing, "annotations");
    Json currentLabels = mapAt(existing, "labels");
    Json annotations = withUnmanaged(desired["metadata"]["annotations"], currentAnnotations, spec.unmanagedAnnotations);
    Json labels = withUnmanaged(desired["metadata"]["labels"], currentLabels, spec.unmanagedLabels);
    if (annotations != currentAnnotations) {
      updated["metadata"]["annotations"] = annotations;
      changed = true;
    }
    if (labels != currentLabels) {
      updated["metadata"]["labels"] = labels;
      changed = true;
    }
  }
  if (!changed) return std::nullopt;
  updated["metadata"]["annotations"] = workload::withFluxDisabled(mapAt(updated, "annotations"));
  return updated;
}

}  // namespace pennant::router::kubernetes
