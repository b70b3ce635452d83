#!/usr/bin/env bash
# Runs `npm test` N times (default 3) with both cores kept busy by stress-ng, to prove the suite holds on a loaded machine.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
command -v stress-ng >/dev/null || { echo "[veil] stress-ng missing (apt-get install stress-ng)" >&2; exit 2; }
stress-ng --cpu "$(nproc)" --cpu-load 100 --quiet &
load=$!
trap 'kill $load 2>/dev/null' EXIT
failed=0
for i in $(seq 1 "$runs"); do
  start=$(date +%s)
  npm test > "test-results/loaded-run-$i.log" 2>&1
  rc=$?
  echo "[veil] loaded run $i: $(tail -1 "test-results/loaded-run-$i.log") in $(( $(date +%s) - start )) s (load $(cut -d' ' -f1-3 /proc/loadavg))"
  [ $rc -eq 0 ] || failed=1
done
exit $failed
