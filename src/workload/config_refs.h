#pragma once
// Config tracking, as Flagger does it: the ConfigMaps and Secrets a pod spec references (volumes,
// projected volumes, env valueFrom and envFrom of containers and init containers), a checksum of
// each one's data, and the rewrite of those references to the `-primary` copies.
#include <map>
#include <string>
#include <vector>

#include "common/json.h"

namespace pennant::workload {

enum class ConfigKind { kConfigMap, kSecret };

struct ConfigRef {
  ConfigKind kind;
  std::string name;
  bool required = true;  // false when every reference to it is `optional: true`

  // The key Flagger uses in status.trackedConfigs: "configmap/<name>" or "secret/<name>".
  std::string trackingKey() const;
  bool operator==(const ConfigRef&) const = default;
};

// Every ConfigMap and Secret referenced by `podSpec` (a Deployment's spec.template.spec), sorted
// by tracking key, each once. Ephemeral containers are ignored (as Flagger does).
std::vector<ConfigRef> referencedConfigs(const Json& podSpec);

// Whether a ConfigMap or Secret takes part in tracking: not opted out with the annotation
// `flagger.app/config-tracking: disabled`, and for Secrets one of the types Flagger tracks
// (Opaque, basic-auth, ssh-auth, tls; registry credentials are not copied).
bool isTracked(ConfigKind kind, const Json& object);

// Checksum of a ConfigMap's or Secret's `data`: the first 8 bytes of sha256 over its JSON, in hex.
// Compact JSON with sorted keys; Flagger marshals Go maps the same way, so values match Flagger's.
std::string configChecksum(const Json& object);

// status.trackedConfigs for the given objects: tracking key -> checksum. `objects` maps a
// tracking key to the object read from the cluster; untracked objects are left out.
std::map<std::string, std::string> trackedConfigs(const std::map<std::string, Json>& objects);

// Whether the tracked configs differ from what the Canary status recorded (Flagger's
// HasConfigChanged): no configs and no record is "unchanged"; any count or checksum difference
// is a change.
bool haveConfigsChanged(const std::map<std::string, std::string>& current, const Json* statusTrackedConfigs);

// The pod spec with every reference to a config in `tracked` (tracking keys) renamed to
// `<name>-primary`. References to untracked configs are left alone.
Json applyPrimaryConfigs(Json podSpec, const std::map<std::string, std::string>& tracked);

// The `-primary` copy of a tracked ConfigMap or Secret: name `<name>-primary`, the source's
// labels (toolkit.fluxcd.io keys dropped, filtered by `includeLabelPrefixes`), its data (and for
// Secrets type and data). Owner references are the caller's business.
Json primaryConfigCopy(ConfigKind kind, const Json& source, const std::vector<std::string>& includeLabelPrefixes);

}  // namespace pennant::workload
