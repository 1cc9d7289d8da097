#!/usr/bin/env bash
# A shared-cache entry written and read back, the gateway's one-pass way against the JSON-tree way
# it replaced, in one JVM, alternating rounds; ratio per round and median. Every answer another
# replica fetched passes through this. Needs the compiled classes (./mvnw package).
# Usage: bench/entries.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-7}
jackson=$(find ~/.m2/repository/com/fasterxml/jackson/core -name 'jackson-*-2.*.jar' | grep -v sources | sort -V \
  | awk -F/ '{ key = $(NF-2); last[key] = $0 } END { for (k in last) printf "%s:", last[k] }')
out=$(mktemp)
java -cp "target/classes:$jackson" bench/entries/EntryRoutes.java "$rounds" | tee "$out"
{ echo; echo "## $(date -u '+%F %H:%M') UTC, $(git rev-parse --short HEAD)$(git diff --quiet -- src || echo ' + uncommitted src'), $(nproc) cores"
  echo; echo '```'; cat "$out"; echo '```'; } >> bench/results/entries.md
rm -f "$out"
