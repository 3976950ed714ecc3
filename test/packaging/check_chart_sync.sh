#!/usr/bin/env bash
# The Helm chart carries copies of deploy/crds/*.yaml and deploy/rbac/cluster-role.yaml (a chart
# must be self-contained to be packaged); this keeps them byte-identical to the originals.
#   check_chart_sync.sh ROOT
set -euo pipefail
ROOT=$1
CHART=$ROOT/charts/pennant/files
status=0
pairs=()
for f in "$ROOT"/deploy/crds/*.yaml; do pairs+=("$f" "$CHART/crds/$(basename "$f")"); done
for f in "$CHART"/crds/*.yaml; do
  [[ -f $ROOT/deploy/crds/$(basename "$f") ]] || { echo "stale chart CRD $f: git rm it"; status=1; }
done
pairs+=("$ROOT/deploy/rbac/cluster-role.yaml" "$CHART/rbac/cluster-role.yaml")
for ((i = 0; i < ${#pairs[@]}; i += 2)); do
  if ! cmp -s "${pairs[i]}" "${pairs[i + 1]}"; then
    echo "chart copy out of date: cp ${pairs[i]#"$ROOT/"} ${pairs[i + 1]#"$ROOT/"}"
    status=1
  fi
done
((status == 0)) && echo "chart files identical to deploy/: $((${#pairs[@]} / 2)) files"
exit $status
