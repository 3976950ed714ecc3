#pragma once
// Objects the controller's integration and end-to-end tests create and read on the test control
// plane: the shipped ClusterRole bound to a ServiceAccount, a one-container Deployment, and small
// readers. Shared by test/integration (the Manager in-process) and test/e2e (the binary).
#include <cstdint>
#include <string>

#include "common/json.h"
#include "common/status.h"
#include "kube/client.h"

namespace pennant::testbed {

// RBAC and ServiceAccount resources, which Pennant itself never reads or writes (so they are not
// in kube/resource.h) but the tests create to run it under the rules it ships.
const kube::Resource& serviceAccounts();
const kube::Resource& roles();
const kube::Resource& roleBindings();
const kube::Resource& clusterRoles();
const kube::Resource& clusterRoleBindings();

// Creates `object`; right after the testbed comes up a CRD's storage may still be initialising,
// so transient errors are retried for a few seconds. Returns the last status.
StatusOr<Json> createSoon(kube::Client& client, const kube::Resource& r, const std::string& ns, const Json& object);

// A copy of deploy/rbac/cluster-role.yaml named `roleName` (a name of the test's own, so parallel
// tests do not share it), bound to the ServiceAccount "pennant" of `ns`; returns a token for it.
// The controller under test runs with exactly the rules Pennant ships, never as cluster admin.
StatusOr<std::string> shippedRoleToken(kube::Client& admin, const std::string& ns, const std::string& roleName);
void removeShippedRole(kube::Client& admin, const std::string& roleName);

// A one-container Deployment labelled app=<name>, one replica.
Json deployment(const std::string& name, const std::string& image);
// Changes the image of the Deployment's first container (a new revision). Retried on conflicts:
// the controller (scaling) and the Deployment controller (status) write the same object.
Status setImage(kube::Client& client, const std::string& ns, const std::string& name, const std::string& image);

// status.phase of the Canary ("" when absent); spec.replicas of the Deployment (-1 when absent).
std::string phaseOf(kube::Client& client, const std::string& ns, const std::string& canary);
int64_t replicasOf(kube::Client& client, const std::string& ns, const std::string& deployment);

}  // namespace pennant::testbed
