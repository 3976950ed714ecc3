#!/usr/bin/env bash
# The data-plane test bed: a real control plane, a real gateway (Traefik) serving the routes Pennant
# writes, real greeter servers for the Pods, and Prometheus scraping them — all inside a network
# namespace this script creates, whose only interface is loopback with the KWOK Pod range on it, so
# no packet can leave the machine.
#   test/dataplane/dataplane.sh up DIR BINDIR    BINDIR holds greeter and pennant-pod-runner
#   test/dataplane/dataplane.sh exec DIR -- CMD  run CMD inside the namespace
#   test/dataplane/dataplane.sh down DIR         stop everything `up` started (by PID), delete the namespace
# DIR/dataplane.env: NETNS, PENNANT_TESTBED_DIR, GATEWAY (host:port of the public listener),
# RESTRICTED_GATEWAY, PROMETHEUS_URL, TRAEFIK_API, TRAEFIK_PID.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
source "$ROOT/test/cluster/versions.sh"
BIN="${PENNANT_TESTBED_BIN:-${PENNANT_TESTBED_CACHE:-$HOME/.cache/pennant-testbed}/$TESTBED_KEY}"
BIN="$(realpath -m "$BIN")"
POD_RANGE=10.0.0.0/24  # KWOK's default Pod CIDR; the Service range (10.96.0.0/16) stays unassigned
TIMEOUT="${PENNANT_DATAPLANE_TIMEOUT:-120}"

log() { echo "dataplane: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

nsName() { echo "pennant-dp-$(echo -n "$1" | md5sum | cut -c1-10)"; }
inNs() { ip netns exec "$NETNS" "$@"; }
kctl() { inNs "$BIN/kubectl" --kubeconfig "$DIR/cluster/kubeconfig" --request-timeout=30s "$@"; }
freePorts() {
  inNs /usr/bin/python3 -c 'import socket,sys
socks=[socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1",0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' "$1"
}
running() { [[ -r /proc/$1/status ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

# startInNs NAME BINARY ARGS...: detached, own session, inside the namespace; PID in DIR/pids.
startInNs() {
  local name=$1; shift
  setsid ip netns exec "$NETNS" "$@" </dev/null >"$DIR/logs/$name.log" 2>&1 &
  echo $! >"$DIR/pids/$name.pid"
  echo "$1" >"$DIR/pids/$name.exe"
  log "started $name (pid $!)"
}

# stopPid NAME: SIGTERM, SIGKILL after 10 s; only if the PID still runs the binary we started.
stopPid() {
  local name=$1 pid exe
  pid=$(cat "$DIR/pids/$name.pid" 2>/dev/null) || return 0
  exe=$(cat "$DIR/pids/$name.exe" 2>/dev/null || true)
  if running "$pid" && [[ "$(readlink -f "/proc/$pid/exe")" == "$(readlink -f "$exe")" ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do running "$pid" || break; sleep 0.1; done
    running "$pid" && { log "$name ignored SIGTERM for 10s: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; }
    log "stopped $name (pid $pid)"
  fi
  rm -f "$DIR/pids/$name.pid" "$DIR/pids/$name.exe"
}

waitFor() {
  local what=$1; shift
  local deadline=$((SECONDS + TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "$what not within ${TIMEOUT}s"
    sleep 0.2
  done
  log "$what after $((SECONDS - T0))s"
}

traefikReady() { inNs curl -sf "http://$TRAEFIK_API/ping" | grep -qx OK; }
gatewayProgrammed() {
  kctl -n gateway-system wait --for=condition=Programmed --timeout=1s gateway/public-gw gateway/restricted-gw
}
podRunnerReady() { [[ -f $DIR/pod-runner.ready ]]; }

up() {
  local bindir=$1
  [[ -x $bindir/greeter && -x $bindir/pennant-pod-runner ]] || die "$bindir has no greeter and pennant-pod-runner"
  [[ -x $BIN/traefik ]] || die "$BIN/traefik missing: run test/cluster/build.sh traefik"
  [[ -x $BIN/prometheus ]] || die "$BIN/prometheus missing: run test/cluster/build.sh prometheus"
  down
  T0=$SECONDS
  mkdir -p "$DIR"/{logs,pids,pods}
  rm -f "$DIR/dataplane.env" "$DIR/pod-runner.ready" "$DIR"/pods/*.log
  ip netns add "$NETNS"
  ip -n "$NETNS" link set lo up
  ip -n "$NETNS" addr add "$POD_RANGE" dev lo
  log "network namespace $NETNS: loopback only, $POD_RANGE on lo"

  # Pods the pod runner serves become Ready only once their greeter listens (kwok_stages.py).
  /usr/bin/python3 "$HERE/kwok_stages.py" "$BIN/kwok-stages.yaml" "$DIR/kwok-stages.yaml"
  PENNANT_TESTBED_DATAPLANE=1 PENNANT_TESTBED_KWOK_STAGES="$DIR/kwok-stages.yaml" \
    inNs "$ROOT/test/cluster/cluster.sh" up "$DIR/cluster"
  source "$DIR/cluster/cluster.env"

  local web restricted api
  read -r web restricted api <<<"$(freePorts 3)"
  TRAEFIK_API=127.0.0.1:$api
  kctl apply -f "$HERE/manifests/traefik-rbac.yaml" -f "$HERE/manifests/prometheus-rbac.yaml" >/dev/null
  kctl create token traefik -n gateway-system --duration 48h >"$DIR/traefik.token"
  kctl create token prometheus -n gateway-system --duration 48h >"$DIR/prometheus.token"
  chmod 600 "$DIR"/*.token
  sed -e "s/@WEB_PORT@/$web/" -e "s/@RESTRICTED_PORT@/$restricted/" "$HERE/manifests/gateway.yaml" >"$DIR/gateway.yaml"
  kctl apply -f "$DIR/gateway.yaml" >/dev/null

  # Traefik authenticates with the ServiceAccount's token (flags win only without KUBECONFIG).
  # A 100 ms provider throttle makes a weight change live within ~0.4 s of the API write.
  startInNs traefik env -u KUBECONFIG "$BIN/traefik" --global.checknewversion=false --global.sendanonymoususage=false \
    --entrypoints.web.address="127.0.0.1:$web" --entrypoints.restricted.address="127.0.0.1:$restricted" \
    --entrypoints.traefik.address="$TRAEFIK_API" --api.insecure=true --api.dashboard=false --ping=true \
    --providers.kubernetesgateway=true --providers.kubernetesgateway.endpoint="$APISERVER" \
    --providers.kubernetesgateway.token="$DIR/traefik.token" \
    --providers.kubernetesgateway.certauthfilepath="$CA_FILE" --providers.providersthrottleduration=100ms \
    --metrics.prometheus=true --metrics.prometheus.entrypoint=traefik \
    --metrics.prometheus.addserviceslabels=true --metrics.prometheus.addrouterslabels=true \
    --log.level="${PENNANT_TRAEFIK_LOG_LEVEL:-INFO}"
  # `env` execs Traefik: the PID is Traefik's.
  echo "$BIN/traefik" >"$DIR/pids/traefik.exe"
  waitFor "Traefik answering /ping" traefikReady
  waitFor "Gateways Programmed by Traefik" gatewayProgrammed

  sed -e "s|@APISERVER@|$APISERVER|" -e "s|@CA_FILE@|$CA_FILE|" -e "s|@TOKEN_FILE@|$DIR/prometheus.token|" \
    -e "s|@TRAEFIK_API@|$TRAEFIK_API|" "$HERE/manifests/prometheus.yml.in" >"$DIR/prometheus.yml"
  local prometheus
  prometheus=$(PROMETHEUS_BIN=$BIN/prometheus inNs "$ROOT/test/cluster/prometheus.sh" start-config "$DIR/prometheus" "$DIR/prometheus.yml" |
    sed -n 's/^PROMETHEUS_URL=//p')
  [[ -n $prometheus ]] || die "Prometheus did not start"

  startInNs pod-runner "$bindir/pennant-pod-runner" --kubeconfig "$DIR/cluster/kubeconfig" \
    --greeter "$bindir/greeter" --logs "$DIR/pods" --ready-file "$DIR/pod-runner.ready"
  waitFor "pod runner watching Pods" podRunnerReady

  cat >"$DIR/dataplane.env" <<EOT
NETNS=$NETNS
PENNANT_TESTBED_DIR=$DIR/cluster
GATEWAY=127.0.0.1:$web
RESTRICTED_GATEWAY=127.0.0.1:$restricted
PROMETHEUS_URL=$prometheus
TRAEFIK_API=$TRAEFIK_API
TRAEFIK_PID=$(cat "$DIR/pids/traefik.pid")
EOT
  log "up in $((SECONDS - T0))s: gateway 127.0.0.1:$web, Prometheus $prometheus"
}

down() {
  [[ -d $DIR/pids ]] || { ip netns del "$NETNS" 2>/dev/null || true; return 0; }
  stopPid pod-runner
  [[ -d $DIR/prometheus ]] && PROMETHEUS_BIN=$BIN/prometheus "$ROOT/test/cluster/prometheus.sh" stop "$DIR/prometheus" || true
  stopPid traefik
  [[ -d $DIR/cluster/pids ]] && "$ROOT/test/cluster/cluster.sh" down "$DIR/cluster" || true
  if ip netns list | grep -qw "$NETNS"; then
    # Anything still inside the namespace was started by this test bed (a test's leftover).
    local pid
    for pid in $(ip netns pids "$NETNS" 2>/dev/null); do
      log "stopping leftover pid $pid ($(readlink "/proc/$pid/exe" 2>/dev/null)) in $NETNS"
      kill -KILL "$pid" 2>/dev/null || true
    done
    ip netns del "$NETNS"
    log "deleted network namespace $NETNS"
  fi
}

[[ $# -ge 2 ]] || { echo "usage: $0 up DIR BINDIR | exec DIR -- CMD... | down DIR" >&2; exit 2; }
cmd=$1
DIR="$(mkdir -p "$2" && cd "$2" && pwd)"
NETNS=$(nsName "$DIR")
shift 2
case $cmd in
  up) (($# == 1)) || die "usage: $0 up DIR BINDIR"; up "$1" ;;
  down) down ;;
  exec)
    [[ ${1:-} == -- ]] && shift
    ip netns list | grep -qw "$NETNS" || die "no data plane at $DIR (run up first)"
    exec ip netns exec "$NETNS" "$@" ;;
  *) echo "usage: $0 up DIR BINDIR | exec DIR -- CMD... | down DIR" >&2; exit 2 ;;
esac
