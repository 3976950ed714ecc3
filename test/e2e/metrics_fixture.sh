#!/usr/bin/env bash
# The e2e scenarios' shared metrics pipeline (ctest fixture `e2e_metrics`): one
# pennant-test-exporter that every scenario's traffic follower publishes to, and one Prometheus
# (test/cluster/prometheus.sh, 1s scrapes) that scrapes it. Scenarios tell their series apart by
# namespace. Writes DIR/e2e.env with EXPORTER_URL and PROMETHEUS_URL.
#   test/e2e/metrics_fixture.sh up DIR EXPORTER_BINARY
#   test/e2e/metrics_fixture.sh down DIR
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

die() { echo "metrics_fixture.sh: ERROR: $*" >&2; exit 1; }

up() {
  local dir=$1 exporter=$2
  down "$dir"
  mkdir -p "$dir/controllers"
  rm -f "$dir/e2e.env" "$dir"/controllers/*
  setsid "$exporter" --port 0 </dev/null >"$dir/exporter.log" 2>&1 &
  echo $! >"$dir/exporter.pid"
  for _ in $(seq 100); do grep -q "listening on" "$dir/exporter.log" && break; sleep 0.1; done
  local addr; addr="$(sed -n 's/^listening on //p' "$dir/exporter.log")"
  [[ -n "$addr" ]] || die "exporter did not start: $(cat "$dir/exporter.log")"
  local url
  url="$("$ROOT/test/cluster/prometheus.sh" start "$dir/prometheus" "$addr" | sed -n 's/^PROMETHEUS_URL=//p')"
  [[ -n "$url" ]] || die "Prometheus did not start"
  printf 'EXPORTER_URL=http://%s\nPROMETHEUS_URL=%s\n' "$addr" "$url" | tee "$dir/e2e.env"
}

down() {
  local dir=$1
  "$ROOT/test/cluster/prometheus.sh" stop "$dir/prometheus" || true
  if [[ -f "$dir/exporter.pid" ]]; then
    local pid; pid="$(cat "$dir/exporter.pid")"
    # Only our exporter (PIDs are reused).
    if [[ "$(readlink -f "/proc/$pid/exe" 2>/dev/null)" == *pennant-test-exporter ]]; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/exporter.pid"
  fi
}

case "${1:-}" in
  up) (($# == 3)) || die "usage: $0 up DIR EXPORTER_BINARY"; up "$2" "$3" ;;
  down) (($# == 2)) || die "usage: $0 down DIR"; down "$2" ;;
  *) die "usage: $0 up DIR EXPORTER_BINARY | down DIR" ;;
esac
