#!/usr/bin/env bash
# Pennant's main job, locally, in one command, on a real data plane: builds what is needed, starts
# the data plane of test/dataplane (a real control plane, Traefik as the Gateway API gateway, real
# greeter gRPC servers for the Pods, Prometheus) inside a network namespace of its own, runs
# `pennant controller`, sends real gRPC calls through the gateway with `pennant load`, and takes
# the greeter behind a GRPCRoute through two releases:
#   v2 — healthy: traffic shifts 20% -> 40% -> 60%, then promotion (phase Succeeded);
#   v3 — faulty (25% UNAVAILABLE): grpc-success-rate fails, Pennant rolls back (phase Failed).
# A line every 3 seconds shows the phase, the route's weight, and the calls of those 3 seconds by
# answering version and gRPC code.
#   scripts/demo.sh            the whole demo (root: it creates a network namespace)
#   PENNANT_DEMO_KEEP=1 ...    leave everything running (stop: scripts/demo.sh --down DIR)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${PENNANT_TEST_BUILD_DIR:-$ROOT/build-test}"  # the test command's build: one build for both
NS=demo HOST=greeter.demo.test METHOD=helloworld.Greeter/SayHello

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
note() { printf '   %s\n' "$*"; }

if [[ "${1:-}" == "--down" ]]; then
  for pidfile in "$2"/*.pid; do [[ -f $pidfile ]] && kill -TERM "$(cat "$pidfile")" 2>/dev/null; done
  "$ROOT/test/dataplane/dataplane.sh" down "$2/dataplane"
  exit 0
fi
[[ $(id -u) -eq 0 ]] || { echo "demo.sh: run as root (it creates a network namespace for the data plane)" >&2; exit 1; }

# --- 1. build -----------------------------------------------------------------------------------
say "Setting up (Debian packages; pennant, pennant load, the greeter and the pod runner)"
"$ROOT/scripts/setup.sh"
"$ROOT/scripts/configure.sh" "$BUILD" >/dev/null
# The data plane's Go builds (cached after the first run) run while the C++ build does, as in
# scripts/test.sh: on a cold machine the two take about as long as each other.
GO_LOG="$BUILD/demo-dataplane-build.log"
note "building the data plane from pinned Go modules in the background (log: $GO_LOG)"
"$ROOT/test/cluster/build.sh" dataplane >"$GO_LOG" 2>&1 &
GO_PID=$!
if ! cmake --build "$BUILD" -j "$(nproc)" --target pennant pennant-load greeter pennant-pod-runner; then
  kill "$GO_PID" 2>/dev/null || true
  exit 1
fi
PENNANT="$BUILD/src/cli/pennant"
say "Waiting for the data plane's Go builds"
if ! wait "$GO_PID"; then
  tail -20 "$GO_LOG" >&2
  echo "demo.sh: building the data plane failed (log: $GO_LOG)" >&2
  exit 1
fi
BIN="$(tail -1 "$GO_LOG")"

# --- 2. data plane, controller --------------------------------------------------------------------
DIR="$(mktemp -d /tmp/pennant-demo.XXXXXX)"
down() {
  for pidfile in "$DIR"/*.pid; do
    [[ -f $pidfile ]] || continue
    kill -TERM "$(cat "$pidfile")" 2>/dev/null || true
  done
  sleep 1
  "$ROOT/test/dataplane/dataplane.sh" down "$DIR/dataplane" >/dev/null 2>&1 || true
}
if [[ "${PENNANT_DEMO_KEEP:-0}" != 1 ]]; then trap down EXIT; fi
say "Starting the data plane in $DIR (network namespace: loopback only)"
"$ROOT/test/dataplane/dataplane.sh" up "$DIR/dataplane" "$BUILD/bin" >"$DIR/dataplane-up.log" 2>&1 ||
  { tail -40 "$DIR/dataplane-up.log"; exit 1; }
source "$DIR/dataplane/dataplane.env"
export KUBECONFIG="$DIR/dataplane/cluster/kubeconfig"
inNs() { "$ROOT/test/dataplane/dataplane.sh" exec "$DIR/dataplane" -- "$@"; }
kubectl() { inNs "$BIN/kubectl" "$@"; }
source "$ROOT/test/cluster/versions.sh"
note "kube-apiserver $K8S_VERSION, controller manager, scheduler, KWOK; Traefik $TRAEFIK_VERSION serving Gateway gateway-system/public-gw on $GATEWAY"
note "Prometheus $PROMETHEUS_URL discovers the greeter Pods through the API server"

inNs "$PENNANT" controller --kubeconfig "$KUBECONFIG" --namespace "$NS" --metrics-server "$PROMETHEUS_URL" \
  --log-format text --health-addr 127.0.0.1:0 >"$DIR/controller.log" 2>&1 &
echo $! >"$DIR/controller.pid"
note "pennant controller running (log: $DIR/controller.log)"

# --- 3. the greeter -----------------------------------------------------------------------------
SECONDS=0
say "Applying the greeter (Deployment v1, 2 replicas) and its Canary (managed GRPCRoute on $HOST)"
kubectl apply -f "$ROOT/examples/demo/greeter.yaml" >/dev/null
phase() { kubectl -n "$NS" get canary greeter -o jsonpath='{.status.phase}' 2>/dev/null || true; }
weight() {
  kubectl -n "$NS" get grpcroute greeter -o jsonpath='{.spec.rules[0].backendRefs[1].weight}' 2>/dev/null || true
}
for _ in $(seq 600); do [[ "$(phase)" == Initialized ]] && break; sleep 0.2; done
[[ "$(phase)" == Initialized ]] || { echo "   not initialized; controller log:"; tail -20 "$DIR/controller.log"; exit 1; }
note "Initialized after ${SECONDS}s: $(kubectl -n "$NS" get deploy,svc,grpcroute -o name | paste -sd' ')"
until inNs "$BUILD/src/cli/pennant-load" "$GATEWAY" -a "$HOST" -m "$METHOD" -f 1=demo -n 1 -o json 2>/dev/null |
  grep -q '"OK":1'; do sleep 0.2; done

# Client errors all along (1 call/s without a name: INVALID_ARGUMENT), which grpc-success-rate
# does not count against the canary.
inNs "$BUILD/src/cli/pennant-load" "$GATEWAY" -a "$HOST" -m "$METHOD" -r 1 -d 3600 -o json >/dev/null 2>&1 &
echo $! >"$DIR/client-errors.pid"

# watch PHASE...: back-to-back 3-second loads of 30 calls/s, one line each, until a phase is reached.
watch() {
  local until=" $* " line p w
  while :; do
    p=$(phase) w=$(weight)
    line=$(inNs "$BUILD/src/cli/pennant-load" "$GATEWAY" -a "$HOST" -m "$METHOD" -f 1=demo -r 30 -d 3 -o json |
      python3 -c 'import json,sys; r=json.load(sys.stdin)
v=" ".join(f"{k} {n}" for k,n in sorted(r["byVersion"].items())); c=" ".join(f"{k} {n}" for k,n in sorted(r["byCode"].items()))
print(f"{v:<16} | {c}")')
    printf '   %4ss  %-12s canary %3s%%  | next 3s: %s\n' "$SECONDS" "$p" "$w" "$line"
    [[ $until == *" $p "* ]] && return 0
    ((SECONDS < 600)) || { echo "   timed out; controller log:"; tail -20 "$DIR/controller.log"; return 1; }
  done
}
release() {  # release VERSION [FAULT_RATE]
  local env='[]'
  [[ -n ${2:-} ]] && env="[{\"name\":\"GREETER_FAULT_RATE\",\"value\":\"$2\"}]"
  kubectl -n "$NS" patch deployment greeter --type strategic -p \
    "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"greeter\",\"image\":\"example.com/greeter:$1\",\"env\":$env}]}}}}" >/dev/null
}

say "Rolling out v2 (healthy): Pennant shifts traffic step by step while grpc-success-rate holds"
release v2
start=$SECONDS
watch Succeeded Failed
v2_phase=$(phase) v2_time=$((SECONDS - start))
v2_image=$(kubectl -n "$NS" get deploy greeter-primary -o jsonpath='{.spec.template.spec.containers[0].image}')

say "Rolling out v3 (faulty: 25% of calls UNAVAILABLE): the check fails and Pennant rolls back"
release v3 0.25
start=$SECONDS
for _ in $(seq 100); do [[ "$(phase)" != Succeeded ]] && break; sleep 0.1; done
watch Failed Succeeded
v3_phase=$(phase) v3_time=$((SECONDS - start))
watch Failed >/dev/null  # one more window: every call back on v2
v3_image=$(kubectl -n "$NS" get deploy greeter-primary -o jsonpath='{.spec.template.spec.containers[0].image}')

say "pennant status greeter -n $NS (also: kubectl pennant status ...)"
inNs "$PENNANT" status greeter -n "$NS" | sed 's/^/   /'

say "Summary"
note "v2: $v2_phase after ${v2_time}s; the primary runs $v2_image"
note "v3: $v3_phase after ${v3_time}s; the primary still runs $v3_image; canary weight $(weight)%"
last=$(inNs "$BUILD/src/cli/pennant-load" "$GATEWAY" -a "$HOST" -m "$METHOD" -f 1=demo -n 100 -r 100 -o json)
note "100 calls now: $(echo "$last" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["byVersion"], r["byCode"])')"
if [[ $v2_phase == Succeeded && $v3_phase == Failed && $v2_image == *:v2 && $v3_image == *:v2 ]] &&
  echo "$last" | grep -q '"byVersion":{"v2":100}'; then
  note "demo passed: v2 promoted, v3 rolled back, every call answered by v2"
else
  note "demo did not go as expected; see $DIR/controller.log"; exit 1
fi
[[ "${PENNANT_DEMO_KEEP:-0}" == 1 ]] && note "left running; stop with: scripts/demo.sh --down $DIR"
exit 0
