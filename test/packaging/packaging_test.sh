#!/usr/bin/env bash
# Packaging tests against the test control plane (ctest fixture "cluster"):
#   packaging_test.sh lint        ROOT TESTBED PENNANT   helm lint, default and namespaced values
#   packaging_test.sh kustomize   ROOT TESTBED PENNANT   kubectl kustomize deploy/ | apply --dry-run=server
#   packaging_test.sh chart       ROOT TESTBED PENNANT   helm template (defaults) | apply --dry-run=server
#   packaging_test.sh namespaced  ROOT TESTBED PENNANT   helm template, single-namespace scope, 1 replica:
#        dry run, then its RBAC applied for real and `pennant` run with the Deployment's args as its
#        ServiceAccount, until a Canary in the watched namespace is Initialized
# Every mode checks the Deployment's shape (inspect_manifests.py) and that its args are flags
# `pennant controller` accepts (names in --help, values through its validators).
set -euo pipefail
MODE=$1 ROOT=$2 TESTBED=$3 PENNANT=$4
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CHART=$ROOT/charts/pennant
WORK=$(mktemp -d)
CONTROLLER_PID=""
NAMESPACES=()
BIN=$(dirname "$("$ROOT/test/cluster/build.sh" helm 2>/dev/null | tail -1)")  # cached: prints helm's path at once

log() { echo "packaging: $*" >&2; }
fail() { log "FAIL: $*"; exit 1; }
cleanup() {
  if [[ -n $CONTROLLER_PID ]] && kill -0 "$CONTROLLER_PID" 2>/dev/null; then kill -KILL "$CONTROLLER_PID"; fi
  for ns in "${NAMESPACES[@]}"; do kctl delete namespace "$ns" --wait=false >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
[[ -x $BIN/helm ]] || fail "$BIN/helm missing: run test/cluster/build.sh"
helm() { "$BIN/helm" "$@"; }
kctl() { "$BIN/kubectl" --kubeconfig "$TESTBED/kubeconfig" --request-timeout=60s "$@"; }

# dryRun FILE: the API server validates every object (strict field validation) without storing it.
dryRun() {
  kctl apply --dry-run=server -o json -f "$1" >"$WORK/applied.json" 2>"$WORK/apply.err" ||
    { cat "$WORK/apply.err" >&2; fail "server-side dry run of $1 rejected"; }
  log "server-side dry run accepted $(grep -c '^kind:' "$1") objects of $1"
}

# checkArgs ARGS_FILE: every arg is a flag of `pennant controller` with a value it accepts.
checkArgs() {
  local help a name
  help=$("$PENNANT" controller --help)
  mapfile -t ARGS <"$1"
  for a in "${ARGS[@]}"; do
    name=${a%%=*}
    [[ $name == --* ]] || fail "argument '$a' is not a --flag"
    grep -qE -- "(^|[ ,])$name([ =,]|$)" <<<"$help" || fail "'pennant controller' has no flag $name"
  done
  "$PENNANT" controller "${ARGS[@]}" --help >/dev/null || fail "'pennant controller' rejects ${ARGS[*]}"
  log "args accepted by pennant controller: ${ARGS[*]}"
}

# Tests run in parallel: another one may create the namespace between a get and a create.
ensureNamespace() { kctl create namespace "$1" >/dev/null 2>&1 || kctl get namespace "$1" >/dev/null; }
# uniqueNamespace PREFIX: creates PREFIX-xxxxxx, deleted on exit; its name is in $NS (no subshell,
# so the cleanup list keeps it).
uniqueNamespace() {
  NS="$1-$(openssl rand -hex 3)"
  kctl create namespace "$NS" >/dev/null
  NAMESPACES+=("$NS")
}

lint() {
  helm lint --strict "$CHART"
  helm lint --strict "$CHART" --namespace pennant-system --set watchNamespace=apps,replicaCount=1
  helm lint --strict "$CHART" --set serviceAccount.create=false,serviceAccount.name=existing,installCRDs=false
}

kustomize() {
  "$BIN/kubectl" kustomize "$ROOT/deploy" >"$WORK/deploy.yaml"
  local f
  for f in "$ROOT"/deploy/{crds,rbac,controller}/*.yaml; do
    grep -q "${f#"$ROOT/deploy/"}" "$ROOT/deploy/kustomization.yaml" || fail "deploy/kustomization.yaml misses $f"
  done
  ensureNamespace pennant-system  # the Namespace object itself cannot be dry-run before its contents
  dryRun "$WORK/deploy.yaml"
  "$HERE/inspect_manifests.py" --replicas 2 <"$WORK/applied.json" >"$WORK/args"
  checkArgs "$WORK/args"
}

chart() {
  helm template pennant "$CHART" --namespace pennant-system >"$WORK/chart.yaml"
  ensureNamespace pennant-system
  dryRun "$WORK/chart.yaml"
  "$HERE/inspect_manifests.py" --replicas 2 <"$WORK/applied.json" >"$WORK/args"
  checkArgs "$WORK/args"
  # The chart's CRDs went through fromYaml/toYaml (to add the keep policy): their specs must still
  # equal deploy/crds's. Compared as parsed by kubectl, without the server (a dry-run update would
  # merge both into the live CRD and hide fields missing from one side).
  "$BIN/helm" template pennant "$CHART" --show-only templates/crds.yaml >"$WORK/chart-crds.yaml"
  kctl create --dry-run=client -o json -f "$WORK/chart-crds.yaml" >"$WORK/chart.json"
  kctl create --dry-run=client -o json -f "$ROOT/deploy/crds" >"$WORK/deploy-crds.json"
  /usr/bin/python3 - "$WORK/chart.json" "$WORK/deploy-crds.json" <<'PY' || fail "chart CRDs differ from deploy/crds"
import json, sys
def crds(path):
    text, dec, pos, out = open(path).read(), json.JSONDecoder(), 0, {}
    while pos < len(text):
        if text[pos].isspace(): pos += 1; continue
        doc, pos = dec.raw_decode(text, pos)
        for o in doc.get("items", [doc]):
            if o["kind"] == "CustomResourceDefinition": out[o["metadata"]["name"]] = o["spec"]
    return out
chart, deploy = crds(sys.argv[1]), crds(sys.argv[2])
assert chart.keys() == deploy.keys() and len(chart) == 3, (sorted(chart), sorted(deploy))
for name in chart:
    assert chart[name] == deploy[name], name
print(f"chart CRDs equal deploy/crds: {sorted(chart)}", file=sys.stderr)
PY
}

freePort() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
httpStatus() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" || true; }
# waitFor SECONDS DESCRIPTION COMMAND...: generous deadlines, the machine is shared.
waitFor() {
  local seconds=$1 what=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    ((SECONDS < deadline)) || { tail -n 30 "$WORK/controller.log" >&2 || true; fail "$what not within ${seconds}s"; }
    kill -0 "$CONTROLLER_PID" 2>/dev/null || { tail -n 30 "$WORK/controller.log" >&2; fail "controller exited waiting for $what"; }
    sleep 0.5
  done
  log "$what"
}

namespaced() {
  local release watch
  uniqueNamespace pkg-release && release=$NS
  uniqueNamespace pkg-watch && watch=$NS
  helm template pennant "$CHART" --namespace "$release" \
    --set watchNamespace="$watch",replicaCount=1,installCRDs=false >"$WORK/chart.yaml"
  dryRun "$WORK/chart.yaml"
  "$HERE/inspect_manifests.py" --replicas 1 --watch-namespace "$watch" <"$WORK/applied.json" >"$WORK/args"
  checkArgs "$WORK/args"

  # The chart's ServiceAccount and Roles for real; the controller runs here, as that ServiceAccount.
  kctl apply -f "$WORK/chart.yaml" >/dev/null
  local token port
  token=$(kctl -n "$release" create token pennant --duration=1h)
  sed "s|token: .*|token: $token|" "$TESTBED/kubeconfig" >"$WORK/sa.kubeconfig"
  port=$(freePort)
  mapfile -t ARGS < <(grep -v '^--health-addr=' "$WORK/args")
  setsid "$PENNANT" controller "${ARGS[@]}" --health-addr="127.0.0.1:$port" \
    --kubeconfig "$WORK/sa.kubeconfig" </dev/null >"$WORK/controller.log" 2>&1 &
  CONTROLLER_PID=$!
  log "pennant controller (pid $CONTROLLER_PID) as system:serviceaccount:$release:pennant, watching $watch"
  waitFor 90 "/readyz 200: every informer synced under the namespaced Role" \
    eval '[[ $(httpStatus "http://127.0.0.1:$port/readyz") == 200 ]]'
  waitFor 90 "leader through the Lease in $release" grep -q "became the leader" "$WORK/controller.log"

  kctl -n "$watch" apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: hello, labels: {app: hello}}
spec:
  replicas: 1
  selector: {matchLabels: {app: hello}}
  template:
    metadata: {labels: {app: hello}}
    spec: {containers: [{name: app, image: example.com/hello:1}]}
---
apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: hello}
spec:
  provider: gatewayapi:v1
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: hello}
  service:
    port: 9090
    appProtocol: kubernetes.io/h2c
    gatewayRefs: [{name: gw, namespace: gateway-system}]
    route: {kind: GRPCRoute}
  analysis: {interval: 10s, threshold: 1, stepWeight: 50}
YAML
  phase() { kctl -n "$watch" get canary hello -o jsonpath='{.status.phase}'; }
  waitFor 120 "Canary Initialized (primary, Services and GRPCRoute written under the Role)" \
    eval '[[ $(phase) == Initialized ]]'
  kctl -n "$watch" get deployment/hello-primary grpcroute/hello service/hello-canary >/dev/null ||
    fail "generated objects missing"
  if grep -qiE "forbidden|\b403\b" "$WORK/controller.log"; then
    grep -iE "forbidden|\b403\b" "$WORK/controller.log" | head -5 >&2
    fail "the controller was refused something under the namespaced Role"
  fi

  kill -TERM "$CONTROLLER_PID"
  local status=0
  wait "$CONTROLLER_PID" || status=$?
  CONTROLLER_PID=""
  ((status == 0)) || fail "pennant controller exited $status on SIGTERM"
  log "controller stopped cleanly"
}

case $MODE in
  lint | kustomize | chart | namespaced) "$MODE" ;;
  *) fail "unknown mode $MODE" ;;
esac
log "$MODE: OK"
