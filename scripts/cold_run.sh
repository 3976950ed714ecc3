#!/usr/bin/env bash
# Times the README's commands as a new machine runs them: a fresh clone of this checkout's HEAD,
# and empty Go module and build caches, test-bed cache and ccache (all under DIR, so the machine's
# own stay as they are). Prints a table of the phases (scripts/test.sh's phase-times.txt, each Go
# build, ctest) with wall and CPU seconds.
#   scripts/cold_run.sh [DIR] [test|demo|both]     default /tmp/pennant-cold, test
# Debian packages cannot be made "not installed" here: the apt phase is what it took on this
# machine (a fresh machine's install was measured once; docs/testbed.md, "Cold build").
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${1:-/tmp/pennant-cold}"
WHAT="${2:-test}"
rm -rf "$DIR" && mkdir -p "$DIR"
git clone -q "$ROOT" "$DIR/src"
export GOMODCACHE="$DIR/gomod" GOCACHE="$DIR/gocache" PENNANT_TESTBED_CACHE="$DIR/testbed" CCACHE_DIR="$DIR/ccache"
export PENNANT_TEST_BUILD_DIR="$DIR/src/build-test"
cd "$DIR/src"
cpu() { awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat; }  # utime+stime+children, in ticks
tick=$(getconf CLK_TCK)
run() {  # run NAME COMMAND...
  local name=$1 start=$SECONDS c0 rc=0; shift
  c0=$(cpu)
  "$@" >"$DIR/$name.log" 2>&1 || rc=$?
  echo "$name $((SECONDS - start)) $(( ($(cpu) - c0) / tick )) $rc" >>"$DIR/runs.txt"
  return 0
}
: >"$DIR/runs.txt"
[[ $WHAT == demo || $WHAT == both ]] && run demo scripts/demo.sh
[[ $WHAT == test || $WHAT == both ]] && run test scripts/test.sh

echo "cold run of $(git -C "$DIR/src" log -1 --format='%h %s' | cut -c1-60), $(nproc) cores"
printf '%-28s %10s %10s\n' command "wall (s)" "CPU (s)"
while read -r name wall cpuSeconds rc; do
  printf '%-28s %10s %10s   exit %s\n' "scripts/$name.sh" "$wall" "$cpuSeconds" "$rc"
done <"$DIR/runs.txt"
if [[ -f $PENNANT_TEST_BUILD_DIR/phase-times.txt ]]; then
  echo "phases of scripts/test.sh (wall s; the Go builds overlap the C++ build):"
  sed 's/^/  /' "$PENNANT_TEST_BUILD_DIR/phase-times.txt"
fi
grep -h 'passed\|failed out of' "$DIR"/test.log 2>/dev/null | tail -1 || true
