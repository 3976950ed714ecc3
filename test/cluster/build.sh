#!/usr/bin/env bash
# Builds the test control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
# kubectl, kwok), the packaging tests' helm and the data-plane tests' Traefik and Prometheus from
# the pinned Go modules under test/cluster/{k8s,etcd,kwok,helm,traefik,prometheus}. Binaries are cached outside the repository, keyed by the
# pinned versions, and rebuilt only when missing.
# Prints on the last line of stdout the binary's path when one is named (`build.sh traefik`), else
# the binary directory.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/versions.sh"
export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0 GOFLAGS=-mod=mod
BIN="${PENNANT_TESTBED_CACHE:-$HOME/.cache/pennant-testbed}/$TESTBED_KEY"
mkdir -p "$BIN"
log() { echo "testbed: $*" >&2; }

K8S_LDFLAGS="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION \
 -X k8s.io/component-base/version.gitMajor=$K8S_MAJOR -X k8s.io/component-base/version.gitMinor=$K8S_MINOR \
 -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION \
 -X k8s.io/component-base/version.gitTreeState=clean"

# build NAME MODULE_DIR PACKAGE [LDFLAGS] [TAGS]
build() {
  local name=$1 dir=$2 pkg=$3 ldflags=${4:-"-s -w"} tags=${5:-}
  if [[ -x "$BIN/$name" ]]; then log "$name cached"; return; fi
  local start=$SECONDS
  log "building $name from $pkg (first build takes minutes; later runs reuse $BIN)"
  (cd "$HERE/$dir" && go build -trimpath -tags "$tags" -ldflags "$ldflags" -o "$BIN/$name.tmp" "$pkg")
  mv "$BIN/$name.tmp" "$BIN/$name"
  log "$name built in $((SECONDS - start))s"
}

only=${1:-all}
# want NAME: NAME is asked for. "controlplane": the cluster alone; "dataplane": the cluster,
# Traefik and Prometheus (what the demo needs); "all" adds the packaging tests' helm.
want() {
  case $only in
    all) return 0 ;;
    controlplane) [[ $1 != helm && $1 != traefik && $1 != prometheus ]] ;;
    dataplane) [[ $1 != helm ]] ;;
    *) [[ $only == "$1" ]] ;;
  esac
}
total=$SECONDS
want etcd && build etcd etcd go.etcd.io/etcd/server/v3
want kwok && build kwok kwok sigs.k8s.io/kwok/cmd/kwok
for c in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
  want "$c" && build "$c" k8s "k8s.io/kubernetes/cmd/$c" "$K8S_LDFLAGS"
done
# Helm is versioned inside the directory (helm-<version>, linked as helm) so that a cache made before
# helm was added, or before a helm bump, gains it without rebuilding the control plane.
if want helm; then
  build "helm-$HELM_VERSION" helm helm.sh/helm/v3/cmd/helm \
    "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
  ln -sfn "helm-$HELM_VERSION" "$BIN/helm"
fi
# Traefik, the data-plane tests' Gateway API implementation: versioned inside the directory like
# helm. Its module needs generated stand-ins for modules the proxy refuses (traefik/standins.sh).
if want traefik; then
  (cd "$HERE/traefik" && ./standins.sh)
  build "traefik-$TRAEFIK_VERSION-standins$TRAEFIK_STANDINS" traefik github.com/traefik/traefik/v3/cmd/traefik \
    "-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=$TRAEFIK_VERSION"
  ln -sfn "traefik-$TRAEFIK_VERSION-standins$TRAEFIK_STANDINS" "$BIN/traefik"
fi
# Prometheus with Kubernetes service discovery only (the data plane finds the greeter Pods with it).
if want prometheus; then
  build "prometheus-$PROMETHEUS_VERSION" prometheus github.com/prometheus/prometheus/cmd/prometheus \
    "-s -w -X github.com/prometheus/common/version.Version=$PROMETHEUS_VERSION" "remove_all_sd,enable_kubernetes_sd"
  ln -sfn "prometheus-$PROMETHEUS_VERSION" "$BIN/prometheus"
fi
# Data the cluster needs, copied from the pinned modules so cluster.sh never runs go.
stageData() {
  local gw="$BIN/gateway-api-$GATEWAY_API_VERSION" stages="$BIN/kwok-stages.yaml"
  if [[ ! -d $gw ]]; then
    local dir
    dir=$(cd "$HERE/kwok" && go mod download -json "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION" |
      sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    [[ -d $dir/config/crd/standard ]] || { log "gateway-api $GATEWAY_API_VERSION has no config/crd/standard"; exit 1; }
    mkdir -p "$gw.tmp" && cp "$dir"/config/crd/standard/*.yaml "$gw.tmp/" && chmod -R u+w "$gw.tmp"
    mv "$gw.tmp" "$gw"
    log "Gateway API $GATEWAY_API_VERSION standard CRDs copied to $gw"
  fi
  if [[ ! -f $stages ]]; then
    local kwok
    kwok=$(cd "$HERE/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)/kustomize/stage
    # kwok v0.8 has no built-in stages: Nodes become Ready and Pods Running+Ready only through these.
    for f in node/fast/node-initialize.yaml node/heartbeat/node-heartbeat.yaml \
      pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
      echo "---"; cat "$kwok/$f"
    done >"$stages.tmp"
    mv "$stages.tmp" "$stages"
    log "KWOK stages written to $stages"
  fi
}
want data && stageData
log "control plane ready in $((SECONDS - total))s"
# One binary asked for: its path; otherwise the directory.
case $only in
  all | controlplane | dataplane | data) echo "$BIN" ;;
  *) echo "$BIN/$only" ;;
esac
