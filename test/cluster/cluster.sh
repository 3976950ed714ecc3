#!/usr/bin/env bash
# A real Kubernetes control plane on loopback for integration tests, with all state under DIR:
#   test/cluster/cluster.sh up DIR     start etcd, kube-apiserver, kube-controller-manager,
#                                      kube-scheduler and KWOK; create fake Nodes; install the
#                                      Gateway API CRDs and Pennant's CRDs; write DIR/kubeconfig
#   test/cluster/cluster.sh down DIR   stop exactly the processes `up` started (PIDs in DIR/pids)
# Binaries come from test/cluster/build.sh (run it first; `up` never builds). Every listener is on
# 127.0.0.1 at a free port; each process runs in its own process group. Startup is bounded: a
# component that does not come up makes `up` print its log tail, stop the others, and exit 1.
# DIR/cluster.env holds the endpoints for tests (KUBECONFIG, APISERVER, ETCD_ENDPOINT, tokens).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
source "$HERE/versions.sh"
BIN="${PENNANT_TESTBED_BIN:-${PENNANT_TESTBED_CACHE:-$HOME/.cache/pennant-testbed}/$TESTBED_KEY}"
BIN="$(realpath -m "$BIN")"  # so /proc/PID/exe comparisons in `down` match
STARTUP_TIMEOUT="${PENNANT_TESTBED_TIMEOUT:-180}"  # seconds for the whole of `up`
NODES="${PENNANT_TESTBED_NODES:-2}"
# Components in start order; `down` stops them in reverse.
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

log() { echo "cluster: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# freePorts N: N distinct free loopback ports, all held open together while the kernel picks them.
# The short race until each component binds its port is acceptable for a test bed.
freePorts() {
  local py=/usr/bin/python3
  [[ -x $py ]] || py=python3  # the system interpreter starts fast; pyenv shims take ~0.5 s
  "$py" -c 'import socket,sys
socks=[socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1",0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' "$1"
}

# start NAME ARGS...: runs BIN/NAME detached in its own session (own process group), output to
# DIR/logs/NAME.log, stdin closed so nothing (ctest's pipes included) waits on it.
start() {
  local name=$1; shift
  setsid "$BIN/$name" "$@" </dev/null >"$DIR/logs/$name.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$DIR/pids/$name.pid"
  log "started $name (pid $pid)"
}

# A process counts as gone once it is a zombie: the reaper here (PID 1) can take seconds.
running() { [[ -r /proc/$1/status ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
alive() { local pid; pid=$(cat "$DIR/pids/$1.pid" 2>/dev/null) && running "$pid"; }

failComponent() {
  local name=$1 why=$2
  log "ERROR: $name $why; last lines of $DIR/logs/$name.log:"
  tail -n 40 "$DIR/logs/$name.log" >&2 || true
  stopAll
  exit 1
}

# waitFor NAME DESCRIPTION COMMAND...: retries COMMAND until it succeeds, NAME dies, or the
# startup deadline passes.
waitFor() {
  local name=$1 what=$2; shift 2
  while ! "$@" >/dev/null 2>&1; do
    alive "$name" || failComponent "$name" "exited while waiting for $what"
    ((SECONDS < DEADLINE)) || failComponent "$name" "not $what within ${STARTUP_TIMEOUT}s"
    sleep 0.2
  done
  log "$what after $((SECONDS - T0))s"
}

stopAll() {
  local i name pid
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
    name=${COMPONENTS[i]}
    [[ -f $DIR/pids/$name.pid ]] || continue
    pid=$(cat "$DIR/pids/$name.pid")
    # Only signal the PID if it is still the program we started (PIDs can be reused).
    if [[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" == "$BIN/$name"* ]]; then
      local t=$SECONDS
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 100); do running "$pid" || break; sleep 0.1; done
      if running "$pid"; then
        log "$name (pid $pid) ignored SIGTERM for 10s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
      fi
      log "stopped $name (pid $pid) in $((SECONDS - t))s"
    fi
    rm -f "$DIR/pids/$name.pid"
  done
}

kctl() { "$BIN/kubectl" --kubeconfig "$DIR/kubeconfig" --request-timeout=30s "$@"; }

writeCerts() {
  local c=$DIR/certs
  mkdir -p "$c"
  # EC P-256 keys: generating three RSA keys costs seconds on a loaded 2-core machine.
  local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  # A private CA signs the serving certificate so clients verify TLS for real (no insecure skip).
  openssl req -x509 "${ec[@]}" -days 30 -subj "/CN=pennant-testbed-ca" \
    -keyout "$c/ca.key" -out "$c/ca.crt" 2>/dev/null
  openssl req "${ec[@]}" -subj "/CN=kube-apiserver" \
    -keyout "$c/apiserver.key" -out "$c/apiserver.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n' \
    >"$c/apiserver.ext"
  openssl x509 -req -in "$c/apiserver.csr" -CA "$c/ca.crt" -CAkey "$c/ca.key" -CAcreateserial \
    -days 30 -extfile "$c/apiserver.ext" -out "$c/apiserver.crt" 2>/dev/null
  # One key signs service-account tokens (ES256) and verifies them.
  openssl ecparam -name prime256v1 -genkey -noout -out "$c/sa.key" 2>/dev/null
  openssl ec -in "$c/sa.key" -pubout -out "$c/sa.pub" 2>/dev/null
}

token() { openssl rand -hex 16; }

# writeKubeconfig FILE USER TOKEN
writeKubeconfig() {
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: pennant-testbed
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $(base64 -w0 "$DIR/certs/ca.crt")
users:
- name: $2
  user:
    token: $3
contexts:
- name: pennant-testbed
  context: {cluster: pennant-testbed, user: $2, namespace: default}
current-context: pennant-testbed
EOF
}

apiReady() {
  curl -sf --cacert "$DIR/certs/ca.crt" -H "Authorization: Bearer $ADMIN_TOKEN" \
    "https://127.0.0.1:$APISERVER_PORT/readyz" | grep -qx ok
}
etcdHealthy() { curl -sf "http://127.0.0.1:$ETCD_PORT/health" | grep -q '"health":"true"'; }
schedulerHealthy() { curl -sfk "https://127.0.0.1:$SCHEDULER_PORT/healthz" | grep -qx ok; }
defaultServiceAccount() { kctl -n default get serviceaccount default; }
nodesReady() { kctl wait --for=condition=Ready node -l kwok.x-k8s.io/node=fake --timeout=1s; }

createNodes() {
  local i
  for ((i = 0; i < NODES; i++)); do
    # No taints, so ordinary Pods schedule here; the annotation hands the Node to KWOK.
    kctl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Node
metadata:
  name: pennant-node-$i
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
  labels: {kubernetes.io/hostname: pennant-node-$i, kubernetes.io/os: linux, kwok.x-k8s.io/node: fake, type: kwok}
spec: {}
EOF
  done
}

installCrds() {
  local gw=$BIN/gateway-api-$GATEWAY_API_VERSION
  [[ -d $gw ]] || die "$gw missing: run test/cluster/build.sh"
  # The five kinds Pennant uses; the rest of the bundle (TLSRoute, ListenerSet, ...) only slows
  # startup. Server-side apply: the route CRDs exceed client-side apply's annotation limit.
  local crds=(httproutes grpcroutes gateways gatewayclasses referencegrants) c files=()
  # A gateway (Traefik) also watches TLSRoutes and BackendTLSPolicies and serves nothing until
  # their informers sync.
  [[ ${PENNANT_TESTBED_DATAPLANE:-0} == 1 ]] && crds+=(tlsroutes backendtlspolicies)
  for c in "${crds[@]}"; do files+=(-f "$gw/gateway.networking.k8s.io_$c.yaml"); done
  kctl apply --server-side --force-conflicts "${files[@]}" >/dev/null
  for c in "${crds[@]}"; do
    kctl wait --for=condition=Established --timeout="$((DEADLINE - SECONDS))s" \
      "crd/$c.gateway.networking.k8s.io" >/dev/null || die "Gateway API CRD $c not Established"
  done
  log "Gateway API $GATEWAY_API_VERSION CRDs Established after $((SECONDS - T0))s"
  if compgen -G "$ROOT/deploy/crds/*.yaml" >/dev/null; then
    kctl apply --server-side --force-conflicts -f "$ROOT/deploy/crds/" >/dev/null
    kctl wait --for=condition=Established --timeout="$((DEADLINE - SECONDS))s" \
      -f "$ROOT/deploy/crds/" >/dev/null || die "Pennant CRDs from deploy/crds not Established"
    log "Pennant CRDs Established after $((SECONDS - T0))s"
  fi
}

up() {
  for b in "${COMPONENTS[@]}" kubectl; do
    [[ -x $BIN/$b ]] || die "$BIN/$b missing: run test/cluster/build.sh first"
  done
  [[ -f $BIN/kwok-stages.yaml ]] || die "$BIN/kwok-stages.yaml missing: run test/cluster/build.sh"
  if [[ -d $DIR/pids ]] && compgen -G "$DIR/pids/*.pid" >/dev/null; then
    # Left over from a run that never reached `down` (a killed ctest): those PIDs are ours.
    log "stopping the previous cluster in $DIR first"
    stopAll
  fi
  # Only what `up` itself creates is removed, so a mistyped DIR cannot wipe unrelated files.
  rm -rf "$DIR"/{logs,pids,etcd,certs} "$DIR"/*.kubeconfig "$DIR"/{kubeconfig,cluster.env,startup-seconds}
  mkdir -p "$DIR"/{logs,pids,etcd}
  T0=$SECONDS DEADLINE=$((SECONDS + STARTUP_TIMEOUT))
  writeCerts
  read -r ETCD_PORT ETCD_PEER_PORT APISERVER_PORT SCHEDULER_PORT KWOK_PORT <<<"$(freePorts 5)"
  ADMIN_TOKEN=$(token)
  local kcmToken schedulerToken
  kcmToken=$(token) schedulerToken=$(token)
  # token,user,uid,"groups": the admin is in system:masters; the controllers use the identities
  # the API server's bootstrap RBAC policy already grants what they need.
  cat >"$DIR/certs/tokens.csv" <<EOF
$ADMIN_TOKEN,pennant-admin,pennant-admin,"system:masters"
$kcmToken,system:kube-controller-manager,system:kube-controller-manager
$schedulerToken,system:kube-scheduler,system:kube-scheduler
EOF
  writeKubeconfig "$DIR/kubeconfig" pennant-admin "$ADMIN_TOKEN"
  writeKubeconfig "$DIR/kube-controller-manager.kubeconfig" system:kube-controller-manager "$kcmToken"
  writeKubeconfig "$DIR/kube-scheduler.kubeconfig" system:kube-scheduler "$schedulerToken"

  local etcdUrl=http://127.0.0.1:$ETCD_PORT peerUrl=http://127.0.0.1:$ETCD_PEER_PORT
  start etcd --name pennant --data-dir "$DIR/etcd" --unsafe-no-fsync --log-level warn \
    --listen-client-urls "$etcdUrl" --advertise-client-urls "$etcdUrl" \
    --listen-peer-urls "$peerUrl" --initial-advertise-peer-urls "$peerUrl" \
    --initial-cluster "pennant=$peerUrl"
  waitFor etcd "etcd healthy" etcdHealthy

  # TaintNodesByCondition would put node.kubernetes.io/not-ready:NoSchedule on new Nodes, and
  # only the node-lifecycle controller (which needs kubelet-style leases) takes it off.
  # The watch cache answers watches and exact lists at old resourceVersions from memory, so an
  # etcd compaction alone never yields 410 for cached resources. PodTemplates (unused by Pennant)
  # bypass the cache so tests can force "410 Expired" by compacting etcd.
  start kube-apiserver --etcd-servers "$etcdUrl" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$APISERVER_PORT" \
    --cert-dir "$DIR/certs" --tls-cert-file "$DIR/certs/apiserver.crt" \
    --tls-private-key-file "$DIR/certs/apiserver.key" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$DIR/certs/sa.pub" \
    --service-account-signing-key-file "$DIR/certs/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 --authorization-mode RBAC \
    --token-auth-file "$DIR/certs/tokens.csv" --disable-admission-plugins ServiceAccount,TaintNodesByCondition \
    --endpoint-reconciler-type none --profiling=false --watch-cache-sizes "podtemplates#0" \
    ${PENNANT_TESTBED_APISERVER_FLAGS:-}
  waitFor kube-apiserver "kube-apiserver ready" apiReady

  # Each controller runs as its own kube-system ServiceAccount (TokenRequest), with the bootstrap
  # RBAC roles, as in kubeadm clusters; the system:kube-controller-manager user alone may not
  # create ReplicaSets.
  local controllers=deployment-controller,replicaset-controller,garbage-collector-controller,namespace-controller,serviceaccount-controller
  # A gateway routes to the ready addresses of a Service's EndpointSlices.
  [[ ${PENNANT_TESTBED_DATAPLANE:-0} == 1 ]] && controllers+=,endpointslice-controller
  start kube-controller-manager --kubeconfig "$DIR/kube-controller-manager.kubeconfig" \
    --leader-elect=false --secure-port 0 --use-service-account-credentials \
    --controllers "$controllers" \
    ${PENNANT_TESTBED_KCM_FLAGS:-}
  start kube-scheduler --kubeconfig "$DIR/kube-scheduler.kubeconfig" --leader-elect=false \
    --bind-address 127.0.0.1 --secure-port "$SCHEDULER_PORT" ${PENNANT_TESTBED_SCHEDULER_FLAGS:-}
  start kwok --kubeconfig "$DIR/kubeconfig" --config "${PENNANT_TESTBED_KWOK_STAGES:-$BIN/kwok-stages.yaml}" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --node-ip 127.0.0.1 --node-port "$KWOK_PORT" --server-address "127.0.0.1:$KWOK_PORT"
  installCrds
  waitFor kube-controller-manager "kube-controller-manager serving (default ServiceAccount)" defaultServiceAccount
  waitFor kube-scheduler "kube-scheduler healthy" schedulerHealthy
  createNodes
  waitFor kwok "fake Nodes Ready (KWOK)" nodesReady

  cat >"$DIR/cluster.env" <<EOF
KUBECONFIG=$DIR/kubeconfig
APISERVER=https://127.0.0.1:$APISERVER_PORT
ADMIN_TOKEN=$ADMIN_TOKEN
CA_FILE=$DIR/certs/ca.crt
ETCD_ENDPOINT=$etcdUrl
TESTBED_BIN=$BIN
EOF
  echo "$((SECONDS - T0))" >"$DIR/startup-seconds"
  log "control plane up in $((SECONDS - T0))s; KUBECONFIG=$DIR/kubeconfig"
}

[[ $# -eq 2 ]] || { echo "usage: $0 up|down DIR" >&2; exit 2; }
DIR="$(mkdir -p "$2" && cd "$2" && pwd)"
case $1 in
  up) up ;;
  down) stopAll; log "down: $DIR" ;;
  *) echo "usage: $0 up|down DIR" >&2; exit 2 ;;
esac
