#!/usr/bin/env bash
# The demo's stand-in for a gateway's data plane: every second it reads the GRPCRoute's weights
# and the canary's version from the API server, sends 40 calls/s through the "gateway" split by
# those weights plus 10 calls/s of load-test traffic straight to the canary while it runs, and
# publishes the cumulative per-backend gRPC counts to the test exporter (which Prometheus scrapes).
# Version v3 answers 25% of calls with UNAVAILABLE (a server failure); every version answers 1%
# with NOT_FOUND (a client error, which the grpc-success-rate check ignores).
#   scripts/demo_traffic.sh NAMESPACE TARGET EXPORTER_URL      (KUBECONFIG and kubectl on PATH)
set -uo pipefail
NS="$1" TARGET="$2" EXPORTER="$3"
declare -A ok=() unavailable=() notfound=()
for b in primary canary; do ok[$b]=0; unavailable[$b]=0; notfound[$b]=0; done

serve() {  # serve BACKEND CALLS VERSION
  local b=$1 n=$2 version=$3 bad=0 nf
  ((n > 0)) || return 0
  nf=$(( (n + 99) / 100 ))
  [[ "$version" == v3 ]] && bad=$(( n / 4 ))
  notfound[$b]=$(( notfound[$b] + nf ))
  unavailable[$b]=$(( unavailable[$b] + bad ))
  ok[$b]=$(( ok[$b] + n - nf - bad ))
}

publish() {  # publish BACKEND WORKLOAD SERVICE
  local b=$1
  curl -fsS -o /dev/null -d "{\"namespace\":\"$NS\",\"workload\":\"$2\",\"service\":\"$3\",\"grpcCodes\":{\"0\":${ok[$b]},\"5\":${notfound[$b]},\"14\":${unavailable[$b]}},\"latencies\":[[0.02,$(( ok[$b] + notfound[$b] + unavailable[$b] ))]]}" \
    "$EXPORTER/backends" || echo "publish $b failed"
}

while true; do
  weights="$(kubectl -n "$NS" get grpcroute "$TARGET" -o jsonpath='{range .spec.rules[0].backendRefs[*]}{.weight} {end}' 2>/dev/null)"
  read -r wp wc <<<"${weights:-100 0}"
  wp=${wp:-100} wc=${wc:-0}
  total=$(( wp + wc )); ((total > 0)) || total=100
  canary_version="$(kubectl -n "$NS" get deploy "$TARGET" -o jsonpath='{.spec.template.metadata.labels.version}/{.spec.replicas}' 2>/dev/null)"
  primary_version="$(kubectl -n "$NS" get deploy "$TARGET-primary" -o jsonpath='{.spec.template.metadata.labels.version}' 2>/dev/null)"
  replicas="${canary_version#*/}"
  canary_version="${canary_version%/*}"
  serve primary $(( 40 * wp / total )) "$primary_version"
  canary_calls=$(( 40 * wc / total ))
  [[ "${replicas:-0}" != 0 ]] && canary_calls=$(( canary_calls + 10 ))  # the load tester
  serve canary "$canary_calls" "$canary_version"
  publish primary "$TARGET-primary" "$TARGET-primary"
  publish canary "$TARGET" "$TARGET-canary"
  echo "$(date +%T) weights=$wp/$wc primary=$primary_version canary=$canary_version replicas=$replicas calls=$(( 40 * wp / total ))/$canary_calls"
  sleep 1
done
