#pragma once
// Revision identity of a workload: the hash stored in status.lastAppliedSpec / lastPromotedSpec.
//
// Flagger hashes the Go PodTemplateSpec struct printed by go-spew (FNV-32a, then Kubernetes'
// SafeEncodeString). That byte stream depends on Go's struct layout and cannot be reproduced
// from JSON, so Pennant hashes the canonical JSON of spec.template (keys sorted, compact) with
// the same FNV-32a + SafeEncodeString steps: same shape of value ("5d8f7b9c4"), different
// number. A Canary taken over from Flagger therefore sees one "new revision" (see
// docs/migrating-from-flagger.md).
#include <cstdint>
#include <string>
#include <string_view>

#include "common/json.h"

namespace pennant::workload {

// 32-bit FNV-1a of `bytes`.
uint32_t fnv32a(std::string_view bytes);

// Kubernetes' rand.SafeEncodeString: each character mapped into "bcdfghjklmnpqrstvwxz2456789".
std::string safeEncodeString(std::string_view text);

// Hash of any JSON value: safeEncodeString(decimal(fnv32a(compact sorted JSON))).
std::string computeHash(const Json& value);

// The revision of a Deployment: computeHash(spec.template).
std::string podTemplateHash(const Json& deployment);

// Flagger's hasSpecChanged: no lastAppliedSpec yet -> changed; equal to lastPromotedSpec -> not
// changed (a manual rollback to the promoted spec starts no run); else changed iff it differs from
// lastAppliedSpec.
bool hasSpecChanged(const std::string& currentHash, const std::string& lastAppliedSpec,
                    const std::string& lastPromotedSpec);

// The `checksum` of webhook payloads: a hash of status.trackedConfigs and status.lastAppliedSpec,
// so a hook can tell revisions apart.
std::string statusChecksum(const Json& trackedConfigs, const std::string& lastAppliedSpec);

}  // namespace pennant::workload
