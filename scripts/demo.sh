#!/usr/bin/env bash
# Pennant's main job, locally, in one command: builds what is needed, starts a real control plane
# (etcd, kube-apiserver, controller manager, scheduler, KWOK), Prometheus and a traffic simulator,
# runs `pennant controller` with the cluster's admin kubeconfig, and takes a gRPC service
# behind a GRPCRoute through two releases:
#   v2 — healthy: traffic shifts 20% -> 40% -> 60%, then promotion (phase Succeeded);
#   v3 — faulty (UNAVAILABLE errors): the grpc-success-rate check fails, Pennant rolls back.
# There is no Gateway API data plane here: the simulator reads the route's weights from the API
# server and publishes the gRPC metrics a gateway's backends would (see docs/demo.md).
#   scripts/demo.sh            the whole demo (a few minutes once built)
#   PENNANT_DEMO_KEEP=1 ...    leave everything running at the end (stop: scripts/demo.sh --down DIR)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${PENNANT_DEMO_BUILD_DIR:-$ROOT/build-release}"
NS=demo

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
note() { printf '   %s\n' "$*"; }

stop_pid() {  # stop_pid PIDFILE: TERM, then KILL after 5 s; only the PID we started
  [[ -f "$1" ]] || return 0
  local pid; pid="$(cat "$1")"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$1"
}

down() {
  local dir="$1"
  stop_pid "$dir/simulator.pid"
  stop_pid "$dir/controller.pid"
  stop_pid "$dir/exporter.pid"
  "$ROOT/test/cluster/prometheus.sh" stop "$dir/prometheus" >/dev/null 2>&1 || true
  "$ROOT/test/cluster/cluster.sh" down "$dir/cluster" >/dev/null 2>&1 || true
}

if [[ "${1:-}" == "--down" ]]; then down "$2"; exit 0; fi

# --- 1. build ---------------------------------------------------------------------------------
say "Setting up (Debian packages, Release build of pennant)"
"$ROOT/scripts/setup.sh"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPENNANT_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD" -j "$(nproc)" --target pennant pennant-test-exporter
PENNANT="$BUILD/src/cli/pennant"
EXPORTER="$(find "$BUILD" -name pennant-test-exporter -type f -perm -u+x | head -1)"

say "Building the local control plane from Go modules (cached after the first run)"
source "$ROOT/test/cluster/versions.sh"
cache="${PENNANT_TESTBED_CACHE:-$HOME/.cache/pennant-testbed}/$TESTBED_KEY"
[[ -x "$cache/kube-apiserver" ]] || note "first build: about 8 minutes on 2 cores (measured), ~2 GB of memory"
BIN="$("$ROOT/test/cluster/build.sh" controlplane | tail -1)"  # not helm: only the packaging tests use it
export PATH="$BIN:$PATH"

# --- 2. control plane, Prometheus, simulator, controller ----------------------------------------
DIR="$(mktemp -d /tmp/pennant-demo.XXXXXX)"
if [[ "${PENNANT_DEMO_KEEP:-0}" != 1 ]]; then trap 'down "$DIR"' EXIT; fi
say "Starting the control plane in $DIR"
"$ROOT/test/cluster/cluster.sh" up "$DIR/cluster" >"$DIR/cluster-up.log" 2>&1 || { tail -40 "$DIR/cluster-up.log"; exit 1; }
export KUBECONFIG="$DIR/cluster/kubeconfig"
note "kube-apiserver $(kubectl version -o json | sed -n 's/.*"gitVersion": "\(v[^"]*\)".*/\1/p' | tail -1), $(kubectl get nodes --no-headers | wc -l) KWOK nodes, Gateway API and Pennant CRDs installed"

"$EXPORTER" --port 0 >"$DIR/exporter.log" 2>&1 &
echo $! >"$DIR/exporter.pid"
for _ in $(seq 100); do grep -q "listening on" "$DIR/exporter.log" && break; sleep 0.1; done
EXPORTER_ADDR="$(sed -n 's/listening on //p' "$DIR/exporter.log")"
eval "$("$ROOT/test/cluster/prometheus.sh" start "$DIR/prometheus" "$EXPORTER_ADDR" | grep '^PROMETHEUS_')"
note "Prometheus $PROMETHEUS_URL scrapes the traffic simulator at $EXPORTER_ADDR every second"

"$PENNANT" controller --kubeconfig "$KUBECONFIG" --namespace "$NS" --metrics-server "$PROMETHEUS_URL" \
  --log-format text --health-addr 127.0.0.1:0 >"$DIR/controller.log" 2>&1 &
echo $! >"$DIR/controller.pid"
note "pennant controller running (log: $DIR/controller.log)"

"$ROOT/scripts/demo_traffic.sh" "$NS" greeter "http://$EXPORTER_ADDR" >"$DIR/simulator.log" 2>&1 &
echo $! >"$DIR/simulator.pid"

# --- 3. the example gRPC service ----------------------------------------------------------------
SECONDS=0  # the timestamps below count from here
say "Applying the greeter gRPC service (Deployment v1) and its Canary (managed GRPCRoute)"
kubectl apply -f "$ROOT/examples/demo/greeter.yaml" >/dev/null
note "$(grep -c '^kind:' "$ROOT/examples/demo/greeter.yaml") objects: $(grep '^kind:' "$ROOT/examples/demo/greeter.yaml" | awk '{print $2}' | paste -sd, -)"

phase() { kubectl -n "$NS" get canary greeter -o jsonpath='{.status.phase}' 2>/dev/null; }
weights() {
  kubectl -n "$NS" get grpcroute greeter -o \
    jsonpath='{range .spec.rules[0].backendRefs[*]}{.name}={.weight} {end}' 2>/dev/null
}

# watch_until PHASE,... : `pennant status --watch` (a line whenever the phase, the weight, the
# failed checks or the last Event change) until the Canary reaches one of the phases.
watch_until() {
  "$PENNANT" status greeter -n "$NS" --watch --until "$1" --timeout "${WATCH_TIMEOUT:-420}s" | sed 's/^/   /' && return 0
  echo "   timed out waiting for phase $1; controller log tail:"; tail -20 "$DIR/controller.log"; return 1
}
# leave_phase PHASE: wait (quietly, up to 60 s) until the controller has moved the Canary on.
leave_phase() {
  for _ in $(seq 600); do [[ "$(phase)" != "$1" ]] && return 0; sleep 0.1; done
}

say "Waiting for Pennant to initialise the canary (primary Deployment, Services, GRPCRoute)"
watch_until Initialized
kubectl -n "$NS" get deploy,svc,grpcroute -o name | sed 's/^/   /'

release() {  # release VERSION
  kubectl -n "$NS" patch deployment greeter --type merge \
    -p "{\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"version\":\"$1\"}},\"spec\":{\"containers\":[{\"name\":\"greeter\",\"image\":\"ghcr.io/example/greeter:$1\"}]}}}}" >/dev/null
}

say "Rolling out v2 (healthy): Pennant shifts traffic step by step while grpc-success-rate holds"
release v2
start=$SECONDS
watch_until Succeeded,Failed
v2_phase="$(phase)"; v2_time=$((SECONDS - start))
v2_image="$(kubectl -n "$NS" get deploy greeter-primary -o jsonpath='{.spec.template.spec.containers[0].image}')"

say "Rolling out v3 (faulty: 25% UNAVAILABLE): the check fails and Pennant rolls back"
release v3
start=$SECONDS
leave_phase Succeeded
watch_until Failed,Succeeded
v3_phase="$(phase)"; v3_time=$((SECONDS - start))
v3_image="$(kubectl -n "$NS" get deploy greeter-primary -o jsonpath='{.spec.template.spec.containers[0].image}')"

say "pennant status greeter -n $NS (also: kubectl pennant status ...)"
"$PENNANT" status greeter -n "$NS" | sed 's/^/   /'

say "Summary"
note "v2: $v2_phase after ${v2_time}s; primary now runs $v2_image"
note "v3: $v3_phase after ${v3_time}s; primary still runs $v3_image; route: $(weights)"
note "failed-check events: $(kubectl -n "$NS" get events.events.k8s.io --field-selector regarding.name=greeter -o jsonpath='{range .items[*]}{.note}{"\n"}{end}' | grep -ci 'grpc-success-rate' || true)"
if [[ "$v2_phase" == Succeeded && "$v3_phase" == Failed && "$v2_image" == *:v2 && "$v3_image" == *:v2 ]]; then
  note "demo passed: v2 promoted, v3 rolled back"
else
  note "demo did not go as expected; see $DIR/controller.log"; exit 1
fi
[[ "${PENNANT_DEMO_KEEP:-0}" == 1 ]] && note "left running; stop with: scripts/demo.sh --down $DIR"
exit 0
