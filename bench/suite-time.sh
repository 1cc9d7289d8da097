#!/usr/bin/env bash
# Where the suite's time goes: `./mvnw -B verify` on a clean clone of HEAD (as CI runs it), each line
# of its output stamped with the time, then split into its phases: the build (compile, the catalog's
# snapshot and ranking model, test compile), the unit tests' discovery (where the Quarkus test
# framework builds every test application up front, one per test profile and resource set), the
# unit tests, packaging, and the integration tests; with the number of test applications started
# and the slowest test classes. Runs with CI=true, as .ci/run does (a missing Redis, promtool or
# podman fails the tests that need them instead of skipping them).
#   bench/suite-time.sh [extra Maven arguments, e.g. -o]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q "$here" "$work/main"
[ -e "$here/../shared" ] && ln -s "$(cd "$here/../shared" && pwd)" "$work/shared"
log=${TMPDIR:-/tmp}/suite-time.log

cd "$work/main"
started=$(date +%s)
set +e
CI=true ./mvnw -B verify "$@" 2>&1 | perl -ne 'BEGIN { $| = 1 } print time(), " ", $_' > "$log"
status=${PIPESTATUS[0]}
set -e
ended=$(date +%s)

at() { # the time of the first line matching $1 (after the line matching $2, if given)
  awk -v pattern="$1" -v after="${2:-}" 'after != "" && !seen { if ($0 ~ after) seen = 1; next } $0 ~ pattern { print $1; exit }' "$log"
}
tests_begin=$(at 'T E S T S')
first_class=$(at 'Running io[.]' 'T E S T S')
unit_end=$(at 'maven-jar-plugin|--- jar:')
its_begin=$(at '--- failsafe:.*:integration-test')
its_end=$(at '--- failsafe:.*:verify|BUILD (SUCCESS|FAILURE)' '--- failsafe:.*:integration-test')
apps=$(awk '/T E S T S/ { n++ } n == 1 && /started in [0-9.]+s/ { a++ } END { print a + 0 }' "$log")

span() { [ -n "$1" ] && [ -n "$2" ] && echo "$(( $2 - $1 )) s" || echo "?"; }
echo "./mvnw -B verify $* on a clean clone of $(git -C "$here" rev-parse --short HEAD), $(nproc) cores: $([ "$status" = 0 ] && echo green || echo RED)"
echo "| phase | time |"
echo "|---|---|"
echo "| build: compile, catalog snapshot and ranking model, test compile | $(span "$started" "$tests_begin") |"
echo "| unit tests: discovery ($apps test applications built up front) | $(span "$tests_begin" "$first_class") |"
echo "| unit tests: running | $(span "$first_class" "$unit_end") |"
echo "| packaging | $(span "$unit_end" "$its_begin") |"
echo "| integration tests | $(span "$its_begin" "$its_end") |"
echo "| total | $(( ended - started )) s |"
echo
echo "Slowest test classes (their own time, from the surefire and failsafe reports):"
for report in target/surefire-reports/TEST-*.xml target/failsafe-reports/TEST-*.xml; do
  [ -f "$report" ] || continue
  seconds=$(grep -o '<testsuite [^>]*' "$report" | grep -o ' time="[^"]*"' | head -1 | cut -d'"' -f2)
  name=${report##*/TEST-io.titlesgateway.}
  echo "$seconds ${name%.xml}"
done | sort -rn | head -12 | awk '{ printf "  %6.1f s  %s\n", $1, $2 }'
echo "(log: $log)"
exit "$status"
