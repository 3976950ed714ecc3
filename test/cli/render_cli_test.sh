#!/usr/bin/env bash
# Runs the built `pennant` on the examples and checks the render/validate contract of
# product.md section 5: exit codes, one route object on stdout, problems on stderr, determinism.
#   render_cli_test.sh PENNANT_BINARY EXAMPLES_DIR
set -uo pipefail
PENNANT="$1"
EX="$2"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# run NAME EXPECTED_EXIT ARGS...: captures stdout/stderr into $TMP/NAME.{out,err}
run() {
  local name="$1" want="$2"; shift 2
  "$PENNANT" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
  local got=$?
  [[ $got == "$want" ]] || fail "$name: exit $got, want $want (stderr: $(head -3 "$TMP/$name.err"))"
}

expect_in() {  # expect_in NAME FILE TEXT
  grep -qF -- "$3" "$TMP/$1.$2" || fail "$1: '$3' not in $2"
}

# Valid canaries: exit 0, one route object, nothing on stderr, same bytes twice.
run grpc 0 render -f "$EX/grpc-canary-managed.yaml" --weight 20
expect_in grpc out "kind: GRPCRoute"
expect_in grpc out "weight: 80"
[[ $(grep -c '^apiVersion:' "$TMP/grpc.out") == 1 ]] || fail "grpc: not exactly one object"
[[ -s "$TMP/grpc.err" ]] && fail "grpc: unexpected stderr"
run grpc2 0 render -f "$EX/grpc-canary-managed.yaml" --weight 20
cmp -s "$TMP/grpc.out" "$TMP/grpc2.out" || fail "render is not deterministic"

run json 0 render -f "$EX/grpc-canary-managed.yaml" -o json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert sorted(d)==["apiVersion","kind","metadata","spec"], sorted(d)' \
  "$TMP/json.out" || fail "json: not one route object"

run ab 0 render -f "$EX/grpc-ab-testing.yaml" --weight 100
expect_in ab out "name: pennant-ab-0"
run ab-idle 0 render -f "$EX/grpc-ab-testing.yaml" --phase Succeeded
grep -q "pennant-ab" "$TMP/ab-idle.out" && fail "ab-idle: A/B rule outside the analysis"

run ref 0 render -f "$EX/grpc-canary-routeref.yaml" --route "$EX/greeter-grpcroute.yaml" --weight 30
expect_in ref out "app.kubernetes.io/managed-by: argocd"
expect_in ref out "weight: 70"
run http 0 render -f "$EX/http-canary-flagger.yaml" --weight 10
expect_in http out "kind: HTTPRoute"
expect_in http out "value: /api"
expect_in http out "request: 10s"

run validate-ok 0 validate -f "$EX/grpc-canary-managed.yaml"
expect_in validate-ok out "is valid"

# Invalid input: exit 1, nothing on stdout, one problem per line naming the field.
for cmd in render validate; do
  run "bad-$cmd" 1 "$cmd" -f "$EX/invalid-grpc-canary.yaml"
  [[ -s "$TMP/bad-$cmd.out" ]] && fail "bad-$cmd: stdout not empty"
  expect_in "bad-$cmd" err "spec.service.gatewayRefs:"
  expect_in "bad-$cmd" err "spec.analysis.interval: must be at least 10s"
  expect_in "bad-$cmd" err "spec.analysis.maxWeight:"
  expect_in "bad-$cmd" err "spec.analysis.stepWeight:"
  expect_in "bad-$cmd" err "spec.service.timeout:"
  expect_in "bad-$cmd" err "spec.analysis.threshold: is required"
  expect_in "bad-$cmd" err "spec.service.route.rules[0].matches[0].method.service:"
  expect_in "bad-$cmd" err "spec.service.route.rules[0].matches[1].method:"
  [[ $(wc -l <"$TMP/bad-$cmd.err") == 8 ]] || fail "bad-$cmd: want 8 problem lines, got $(wc -l <"$TMP/bad-$cmd.err")"
done
run ref-missing 1 render -f "$EX/grpc-canary-routeref.yaml"
expect_in ref-missing err "spec.routeRef:"
[[ -s "$TMP/ref-missing.out" ]] && fail "ref-missing: stdout not empty"
printf 'kind: [unclosed' >"$TMP/malformed.yaml"
run malformed 1 render -f "$TMP/malformed.yaml"
[[ -s "$TMP/malformed.out" ]] && fail "malformed: stdout not empty"

# Usage errors: exit 2.
run usage-nofile 2 render
run usage-weight 2 render -f "$EX/grpc-canary-managed.yaml" --weight 101
run usage-output 2 render -f "$EX/grpc-canary-managed.yaml" -o xml
run usage-phase 2 render -f "$EX/grpc-canary-managed.yaml" --phase Running
run usage-missing 2 validate -f "$TMP/does-not-exist.yaml"
for name in usage-nofile usage-weight usage-output usage-phase usage-missing; do
  [[ -s "$TMP/$name.out" ]] && fail "$name: stdout not empty"
done

if ((failures)); then echo "$failures failure(s)" >&2; exit 1; fi
echo "render/validate CLI contract: all checks passed"
