#!/usr/bin/env bash
# A throw-away Prometheus on loopback for metric tests, with all state under DIR:
#   test/cluster/prometheus.sh start DIR TARGET...   scrape TARGETs (host:port, /metrics) every 1s;
#                                                     print PROMETHEUS_URL=... and PROMETHEUS_PID=...
#   test/cluster/prometheus.sh start-config DIR FILE  the same with a whole prometheus.yml of the caller's
#   test/cluster/prometheus.sh stop DIR              stop exactly the Prometheus `start` started
# Uses Debian's /usr/bin/prometheus (override with PROMETHEUS_BIN). Free 127.0.0.1 port, temp TSDB
# in DIR/data, log in DIR/prometheus.log, PID in DIR/prometheus.pid, env in DIR/prometheus.env.
# Startup is bounded (PROMETHEUS_STARTUP_TIMEOUT seconds, default 60): on failure the log tail is
# printed and the process stopped.
set -euo pipefail
PROMETHEUS_BIN="${PROMETHEUS_BIN:-/usr/bin/prometheus}"
STARTUP_TIMEOUT="${PROMETHEUS_STARTUP_TIMEOUT:-60}"

log() { echo "prometheus.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

freePort() {
  # The kernel picks a free port; the tiny race until Prometheus binds it is retried by start.
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

stopPid() {
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

writeConfig() {
  local dir=$1; shift
  {
    echo "global:"
    echo "  scrape_interval: 1s"
    echo "  scrape_timeout: 1s"
    echo "  evaluation_interval: 1s"
    echo "scrape_configs:"
    echo "  - job_name: pennant-test"
    echo "    honor_labels: true"   # the exporter's labels (namespace, pod, ...) are the point
    echo "    static_configs:"
    echo "      - targets:"
    for target in "$@"; do echo "          - \"$target\""; done
  } >"$dir/prometheus.yml"
}

# tryStart DIR PORT: 0 when Prometheus is ready on PORT, 1 when it exited (e.g. port taken).
tryStart() {
  local dir=$1 port=$2
  setsid "$PROMETHEUS_BIN" \
    --config.file="$dir/prometheus.yml" \
    --storage.tsdb.path="$dir/data" \
    --web.listen-address="127.0.0.1:$port" \
    --storage.tsdb.retention.time=1h \
    --log.level=warn \
    </dev/null >"$dir/prometheus.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$dir/prometheus.pid"
  local deadline=$((SECONDS + STARTUP_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    if curl -fsS --max-time 2 "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  tail -n 20 "$dir/prometheus.log" >&2 || true
  stopPid "$pid"
  die "Prometheus not ready within ${STARTUP_TIMEOUT}s"
}

cmdStart() {
  local dir=$1; shift
  (($# > 0)) || die "start needs at least one scrape target"
  mkdir -p "$dir/data"
  writeConfig "$dir" "$@"
  run "$dir"
}

cmdStartConfig() {
  local dir=$1 config=$2
  mkdir -p "$dir/data"
  [[ "$(realpath "$config")" == "$(realpath -m "$dir/prometheus.yml")" ]] || cp "$config" "$dir/prometheus.yml"
  run "$dir"
}

run() {
  local dir=$1
  [[ -x "$PROMETHEUS_BIN" ]] || die "$PROMETHEUS_BIN not found (apt-get install prometheus)"
  local port
  for attempt in 1 2 3; do
    port=$(freePort)
    if tryStart "$dir" "$port"; then
      local pid; pid=$(cat "$dir/prometheus.pid")
      printf 'PROMETHEUS_URL=http://127.0.0.1:%s\nPROMETHEUS_PID=%s\n' "$port" "$pid" | tee "$dir/prometheus.env"
      return 0
    fi
    log "attempt $attempt: Prometheus exited during startup:"
    tail -n 5 "$dir/prometheus.log" >&2 || true
  done
  die "Prometheus did not start"
}

cmdStop() {
  local dir=$1
  local pid; pid=$(cat "$dir/prometheus.pid" 2>/dev/null) || return 0
  # Only stop it if the PID still runs the Prometheus binary (PIDs are reused).
  if [[ "$(readlink -f "/proc/$pid/exe" 2>/dev/null)" == "$(readlink -f "$PROMETHEUS_BIN")" ]]; then
    stopPid "$pid"
  fi
  rm -f "$dir/prometheus.pid"
}

case "${1:-}" in
  start) shift; (($# >= 1)) || die "usage: $0 start DIR TARGET..."; cmdStart "$@" ;;
  start-config) shift; (($# == 2)) || die "usage: $0 start-config DIR FILE"; cmdStartConfig "$@" ;;
  stop) shift; (($# == 1)) || die "usage: $0 stop DIR"; cmdStop "$1" ;;
  *) die "usage: $0 start DIR TARGET... | start-config DIR FILE | stop DIR" ;;
esac
