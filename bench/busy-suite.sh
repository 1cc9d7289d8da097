#!/usr/bin/env bash
# The whole suite, run N times (default 3) while a CPU hog keeps every core busy: the tests must be
# green on a loaded machine. Prints, per run, green or RED, its time, and the test totals.
#   bench/busy-suite.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
logs=${TMPDIR:-/tmp}/busy-suite
mkdir -p "$logs"

hogs=()
for _ in $(seq "$(nproc)"); do
  yes > /dev/null &
  hogs+=($!)
done
trap 'kill "${hogs[@]}" 2>/dev/null || true' EXIT
echo "$(nproc) CPU hogs (yes > /dev/null) running; logs in $logs"

for run in $(seq "$runs"); do
  started=$(date +%s)
  if ./mvnw -B verify > "$logs/run-$run.log" 2>&1; then result=green; else result=RED; fi
  took=$(( $(date +%s) - started ))
  totals=$(grep -a -E '^\[(INFO|ERROR|WARNING)\] Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$logs/run-$run.log" \
    | sed -E 's/^\[[A-Z]+\] //' | paste -sd ';' -)
  echo "run $run: $result in ${took} s ($totals)"
  if [ "$result" = RED ]; then
    grep -a -E '<<< (FAILURE|ERROR)!' "$logs/run-$run.log" | sed 's/^/  /' || true
  fi
done
