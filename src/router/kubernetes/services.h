#pragma once
// The ClusterIP Services of a Canary, as Flagger's KubernetesDefaultRouter writes them:
//   <apex>          selects the primary pods  (<label>: <value>-primary); the stable address
//   <apex>-primary  selects the primary pods
//   <apex>-canary   selects the canary pods   (<label>: <value>)
// Pure: desired objects from plain inputs, and the update of an existing Service.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "workload/metadata.h"

namespace pennant::router::kubernetes {

// Labels and annotations the Canary asks for on one Service (spec.service.apex/primary/canary).
struct ServiceMetadata {
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
};

// What the Services are made of. The controller maps the Canary onto it:
//   apex = service.name or targetRef.name, port = service.port, portName = service.portName
//   (default "http"), targetPort = service.targetPort (int or string JSON; null = port),
//   appProtocol = service.appProtocol, headless = service.headless, trafficDistribution =
//   service.trafficDistribution, apex/primary/canary = service.apex/primary/canary,
//   unmanagedLabels/Annotations = service.unmanagedMetadata, selectorLabel/selectorValue = the
//   target Deployment's selector label (workload::selectorLabel), owner = the Canary.
struct ServiceSpec {
  std::string apex;
  std::string namespace_;
  int port = 0;
  std::string portName = "http";
  Json targetPort;  // number or string; null/0 = same as port
  std::string appProtocol;
  bool headless = false;
  std::string trafficDistribution;
  std::string selectorLabel;  // e.g. "app"
  std::string selectorValue;  // e.g. "podinfo"
  ServiceMetadata apexMetadata;
  ServiceMetadata primaryMetadata;
  ServiceMetadata canaryMetadata;
  std::vector<std::string> unmanagedLabels;
  std::vector<std::string> unmanagedAnnotations;
  workload::CanaryOwner owner;
};

enum class ServiceRole { kApex, kPrimary, kCanary };

// "<apex>", "<apex>-primary" or "<apex>-canary".
std::string serviceName(const ServiceSpec& spec, ServiceRole role);

// The Service to create for `role`: metadata (labels from the role's metadata plus
// <selectorLabel>: <service name>; the role's annotations plus Flagger's markers turning Flux
// reconciliation and Helm drift detection off; ownerReference to the Canary) and spec (type ClusterIP, selector, one TCP port; clusterIP None when headless;
// appProtocol and trafficDistribution when set). Port discovery is not supported.
Json desiredService(const ServiceSpec& spec, ServiceRole role);

// The update for an existing Service, or nullopt when it already matches. Ports and selector are
// always reconciled (nodePorts of same-named ports are kept); labels and annotations only when
// the Service is controlled by this Canary, keeping the keys listed as unmanaged. Everything
// else in `existing` (clusterIP, resourceVersion, foreign fields) is preserved. An update also
// puts Flagger's Flux markers on the Service (so Flux leaves a taken-over apex Service alone).
std::optional<Json> serviceUpdate(const Json& existing, const Json& desired, const ServiceSpec& spec);

}  // namespace pennant::router::kubernetes
