#!/usr/bin/env bash
# Scale run of the Pennant controller on the real control plane (test/cluster, KWOK nodes).
#   bench/scale/run.sh [-b PENNANT_BIN] [-o OUTDIR] [-l LABEL] N...     e.g. bench/scale/run.sh 100 1000
# For each N: a fresh cluster, a Prometheus, N Canaries (scale.py), one JSON result per N in
# OUTDIR (default bench/scale/results), then the table and plot (report.py). Without -b the
# Release binary is built in build-perf-rel. Figures only: nothing here asserts a time.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="" OUT="$ROOT/bench/scale/results" LABEL=""
while getopts "b:o:l:" opt; do
  case $opt in
    b) BIN=$OPTARG ;;
    o) OUT=$OPTARG ;;
    l) LABEL=$OPTARG ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
(($# > 0)) || set -- 100 1000
if [[ -z $BIN ]]; then
  cmake -S "$ROOT" -B "$ROOT/build-perf-rel" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPENNANT_BUILD_TESTS=OFF \
    -DPENNANT_BUILD_BENCH=ON >/dev/null
  ninja -C "$ROOT/build-perf-rel" pennant
  BIN="$ROOT/build-perf-rel/src/cli/pennant"
fi
mkdir -p "$OUT"
# The testbed's kube-controller-manager defaults (20 QPS, 5 Deployment / ReplicaSet workers) made it,
# not Pennant, the bottleneck of a scale run: rolling out 2N Deployments took ~8 min at N = 1,000.
# Raised for these runs only; Pennant's own figures do not depend on them (runs before this were
# made with the defaults, see "time to initialise" in docs/benchmarks.md).
export PENNANT_TESTBED_KCM_FLAGS="${PENNANT_TESTBED_KCM_FLAGS:---kube-api-qps=400 --kube-api-burst=800 --concurrent-deployment-syncs=20 --concurrent-replicaset-syncs=20}"
export PENNANT_TESTBED_SCHEDULER_FLAGS="${PENNANT_TESTBED_SCHEDULER_FLAGS:---kube-api-qps=400 --kube-api-burst=800}"
WORK="$(mktemp -d /tmp/pennant-scale.XXXXXX)"
cleanup() {
  "$ROOT/test/cluster/prometheus.sh" stop "$WORK/prometheus" >/dev/null 2>&1 || true
  "$ROOT/test/cluster/cluster.sh" down "$WORK/cluster" >/dev/null 2>&1 || true
}
trap cleanup EXIT

for n in "$@"; do
  echo "== N=$n (work dir $WORK)"
  "$ROOT/test/cluster/cluster.sh" up "$WORK/cluster" >"$WORK/cluster-up-$n.log" 2>&1 || {
    tail -30 "$WORK/cluster-up-$n.log"
    exit 1
  }
  mkdir -p "$WORK/prometheus"
  # Prometheus only answers the metric checks' queries; it scrapes nothing of interest.
  eval "$("$ROOT/test/cluster/prometheus.sh" start "$WORK/prometheus" 127.0.0.1:9 | grep '^PROMETHEUS_')"
  python3 "$ROOT/bench/scale/scale.py" --cluster "$WORK/cluster" --pennant "$BIN" --prometheus "$PROMETHEUS_URL" \
    --n "$n" --label "$LABEL" --out "$OUT/scale-$n${LABEL:+-$LABEL}.json"
  cleanup
done
python3 "$ROOT/bench/scale/report.py" "$OUT" || true
