#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs packages, builds with ASan+UBSan, builds the
# test control plane (cached after the first run), and runs every test through ctest. Unit tests
# run first; integration tests bring the real control plane up through a ctest fixture.
#   scripts/test.sh            everything
#   scripts/test.sh -L unit    only unit tests (any ctest arguments pass through)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${PENNANT_TEST_BUILD_DIR:-$ROOT/build-test}"
JOBS="$(nproc)"

"$ROOT/scripts/setup.sh"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPENNANT_SANITIZE=ON \
  -DPENNANT_BUILD_BENCH=OFF -DPENNANT_BUILD_FUZZ=ON >/dev/null
cmake --build "$BUILD" -j "$JOBS"

# The test control plane (first build is long; progress goes to stderr).
if [[ "${PENNANT_SKIP_CLUSTER:-0}" != 1 ]]; then
  "$ROOT/test/cluster/build.sh" >/dev/null
fi

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
cd "$BUILD"
ctest --output-on-failure --timeout 900 -j "$JOBS" "$@"
