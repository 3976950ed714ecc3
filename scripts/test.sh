#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs packages, builds with ASan+UBSan, builds the
# test bed from pinned Go modules (control plane, Traefik, Prometheus, helm; cached after the first
# run) while the C++ build runs, and runs every test through ctest: unit tests, integration tests
# on a real control plane, and the end-to-end scenarios on the real data plane (Traefik, real
# gRPC servers, Prometheus) inside a network namespace of their own (so: as root).
#   scripts/test.sh            everything
#   scripts/test.sh -L unit    only unit tests (any ctest arguments pass through)
# Phase timings go to BUILD/phase-times.txt (scripts/cold_run.sh makes a table of them).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${PENNANT_TEST_BUILD_DIR:-$ROOT/build-test}"
JOBS="$(nproc)"
mkdir -p "$BUILD"
TIMES="$BUILD/phase-times.txt"
: >"$TIMES"
timed() {  # timed NAME COMMAND...: runs COMMAND, appends "NAME SECONDS" to TIMES; COMMAND's status
  local name=$1 start=$SECONDS rc=0; shift
  "$@" || rc=$?
  echo "$name $((SECONDS - start))" >>"$TIMES"
  return $rc
}

timed apt "$ROOT/scripts/setup.sh"

# The test bed's Go builds overlap the C++ build: a Go build spends minutes in single-threaded
# links and downloads, which leaves a core for the compiler.
GO_PID=""
if [[ "${PENNANT_SKIP_CLUSTER:-0}" != 1 ]]; then
  (
    start=$SECONDS
    "$ROOT/test/cluster/build.sh" all >"$BUILD/testbed-build.log" 2>&1
    rc=$?
    echo "go-testbed $((SECONDS - start))" >>"$TIMES"
    exit $rc
  ) &
  GO_PID=$!
fi
timed cmake-configure "$ROOT/scripts/configure.sh" "$BUILD" >/dev/null
timed cmake-build cmake --build "$BUILD" -j "$JOBS"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
cd "$BUILD"
status=0 passed=0 failed=0
# ctestRun ARGS...: one ctest run; its counts are added to the closing line.
ctestRun() {
  local log rc=0
  log=$(mktemp)
  ctest --output-on-failure --timeout 900 "$@" 2>&1 | tee "$log" || rc=$?
  ((rc == 0)) || status=$rc
  local line
  line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1 || true)
  if [[ $line =~ ([0-9]+)\ tests?\ failed\ out\ of\ ([0-9]+) ]]; then
    failed=$((failed + BASH_REMATCH[1])) passed=$((passed + BASH_REMATCH[2] - BASH_REMATCH[1]))
  fi
  rm -f "$log"
}
# Without arguments: the tests that need no test bed run while its Go build finishes, the rest
# after it. With arguments (e.g. -L unit): one ctest run with them, after the Go build.
if [[ $# -eq 0 && -n $GO_PID ]]; then
  timed ctest-unit ctestRun -j "$JOBS" -L unit
fi
if [[ -n $GO_PID ]]; then
  if ! wait "$GO_PID"; then
    echo "test.sh: the test bed's Go build failed; last lines of $BUILD/testbed-build.log:" >&2
    tail -30 "$BUILD/testbed-build.log" >&2
    exit 1
  fi
  grep -E 'built in|cached|ready in' "$BUILD/testbed-build.log" | sed 's/^/  /' >&2
  sed -n 's/^testbed: \([^ ]*\) built in \([0-9]*\)s$/go-\1 \2/p' "$BUILD/testbed-build.log" >>"$TIMES"
fi

# The scenarios wait on the controller and the gateway far more than they compute: more of them
# at once than there are cores.
if [[ $# -eq 0 && -n $GO_PID ]]; then
  timed ctest-rest ctestRun -j "${PENNANT_CTEST_JOBS:-$((JOBS * 2))}" -LE unit
else
  timed ctest ctestRun -j "${PENNANT_CTEST_JOBS:-$JOBS}" "$@"
fi
echo "test.sh: phase times (s): $(tr '\n' ' ' <"$TIMES")" >&2
echo "$passed passed, $failed failed"
exit $status
