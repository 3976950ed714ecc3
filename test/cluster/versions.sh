# Pinned versions of the test control plane; the go.mod files under test/cluster/ must agree.
K8S_VERSION=v1.34.4
K8S_MAJOR=1
K8S_MINOR=34
ETCD_VERSION=v3.6.16
KWOK_VERSION=v0.8.0
GATEWAY_API_VERSION=v1.6.3
# Packaging tests only; build.sh keeps it as helm-<version> inside the TESTBED_KEY directory.
HELM_VERSION=v3.22.0
# The data-plane tests' gateway; kept as traefik-<version> inside the TESTBED_KEY directory.
TRAEFIK_VERSION=v3.7.13
# Bumped when test/cluster/traefik/standins.sh changes what the binary is built from.
TRAEFIK_STANDINS=2
# The data plane's Prometheus (Debian's is built without Kubernetes service discovery). Module
# github.com/prometheus/prometheus v0.316.0 is Prometheus 3.16.0.
PROMETHEUS_MODULE_VERSION=v0.316.0
PROMETHEUS_VERSION=3.16.0
TESTBED_KEY="k8s-${K8S_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}"
