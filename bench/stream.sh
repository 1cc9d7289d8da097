#!/usr/bin/env bash
# Streaming bulk normalization: TITLES distinct raw titles (real O*NET alternate titles) through
# POST /normalize/stream against the emulator at Lightcast's 5 requests/s with bulk access (500
# terms a call): wall time, upstream calls, titles/s, against the physical limit 500 x 5 = 2,500/s.
# Baseline in the same run: the same gateway without bulk access, one upstream call per title under
# the same budget (BASELINE_TITLES of them). Then the catalog backend's stream throughput on the
# same titles. And memory: MEMORY_LINES lines through a gateway with a 96 MB heap, the heap sampled
# (jstat) while it streams. Talks only to loopback; figures go to stdout and bench/results/stream.md.
# Usage: bench/stream.sh          (TITLES=10000 BASELINE_TITLES=50 MEMORY_LINES=2000000)
set -euo pipefail
cd "$(dirname "$0")/.."
TITLES=${TITLES:-10000}
BASELINE_TITLES=${BASELINE_TITLES:-50}
MEMORY_LINES=${MEMORY_LINES:-2000000}
JAVA_OPTS=${JAVA_OPTS:--XX:+UseParallelGC}
EMULATOR_PORT=18189 GATEWAY_PORT=18180
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

echo "== building the gateway and the emulator"
./mvnw -B -q package -DskipTests
./mvnw -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/emulator.classpath -Dmdep.includeScope=test

# distinct titles, in a fixed pseudo-random order, none of them cached
zcat src/main/resources/catalog/alternate_titles.tsv.gz | tail -n +2 | cut -f2 | sort -u \
  | awk 'BEGIN { srand(7) } { print rand() "\t" $0 }' | sort | cut -f2 > "$work/all.txt"
head -n "$TITLES" "$work/all.txt" > "$work/titles.txt"
tail -n "$BASELINE_TITLES" "$work/all.txt" > "$work/baseline.txt"

java -cp "target/test-classes:$(cat target/emulator.classpath)" io.titlesgateway.emulator.LightcastEmulator \
  --port $EMULATOR_PORT --rate 5 > "$work/emulator.log" 2>&1 &
pids+=($!)

start_gateway() { # $@: extra environment
  env "$@" TITLES_AUTH=none LIGHTCAST_CLIENT_ID=gateway-test LIGHTCAST_CLIENT_SECRET=emulator-secret-7c1d9f \
    LIGHTCAST_API_URL=http://127.0.0.1:$EMULATOR_PORT/titles LIGHTCAST_AUTH_URL=http://127.0.0.1:$EMULATOR_PORT \
    QUARKUS_HTTP_PORT=$GATEWAY_PORT java $JAVA_OPTS -jar target/quarkus-app/quarkus-run.jar > "$work/gateway.log" 2>&1 &
  gateway=$!
  pids+=($gateway)
  for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/q/health/ready" && break; sleep 0.5; done
}
stop_gateway() { kill "$gateway"; while kill -0 "$gateway" 2>/dev/null; do sleep 0.1; done; }
upstream_calls() { curl -sf "http://127.0.0.1:$EMULATOR_PORT/emulator/stats" | sed -E 's/.*"apiCalls":([0-9]+).*/\1/'; }

# stream FILE VERSION -> "seconds lines errors calls"
stream() {
  curl -sf "http://127.0.0.1:$GATEWAY_PORT/titles/versions/$2" > /dev/null   # the version lookup is not what is measured
  sleep 1.2                                                                    # a full budget second to start from
  local before after began ended
  before=$(upstream_calls || echo 0)
  began=$(date +%s%N)
  curl -sf -X POST -H 'Content-Type: text/plain' --data-binary @"$1" \
    "http://127.0.0.1:$GATEWAY_PORT/titles/versions/$2/normalize/stream" > "$work/out.ndjson"
  ended=$(date +%s%N)
  after=$(upstream_calls || echo 0)
  echo "$(( (ended - began) / 1000000 )) $(wc -l < "$work/out.ndjson") $(grep -c '"error"' "$work/out.ndjson" || true) $(( after - before ))"
}

report() { # label titles result
  read -r ms lines errors calls <<< "$3"
  awk -v l="$1" -v n="$2" -v ms="$ms" -v lines="$lines" -v e="$errors" -v c="$calls" \
    'BEGIN { printf "| %s | %d | %.2f s | %d | %d | %d | %.0f |\n", l, n, ms / 1000, lines, e, c, n / (ms / 1000) }'
}

{
echo "# bench/stream.sh, $(date +%F), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| run | titles | wall time | lines out | error lines | upstream calls | titles/s |"
echo "|---|---|---|---|---|---|---|"
start_gateway LIGHTCAST_RATE_LIMIT=5 LIGHTCAST_BULK_ENABLED=false
report "lightcast, no bulk access (one call per title)" "$BASELINE_TITLES" "$(stream "$work/baseline.txt" 5.47)"
stop_gateway
start_gateway LIGHTCAST_RATE_LIMIT=5 LIGHTCAST_BULK_ENABLED=true
report "lightcast, bulk access" "$TITLES" "$(stream "$work/titles.txt" 5.47)"
report "lightcast, bulk access, the same titles again (cache)" "$TITLES" "$(stream "$work/titles.txt" 5.47)"
stop_gateway
echo
echo "Bounded memory: $MEMORY_LINES lines (the first 1,000 titles over and over) through a gateway limited to a 96 MB heap:"
JAVA_OPTS="$JAVA_OPTS -Xmx96m" start_gateway LIGHTCAST_RATE_LIMIT=5 LIGHTCAST_BULK_ENABLED=true
head -n 1000 "$work/titles.txt" > "$work/thousand.txt"
awk -v n="$MEMORY_LINES" '{ t[NR] = $0 } END { for (i = 0; i < n; i++) print t[i % NR + 1] }' "$work/thousand.txt" > "$work/many.txt"
jstat -gc "$gateway" 250 > "$work/jstat.txt" &
sampler=$!
result=$(stream "$work/many.txt" 5.47)
kill "$sampler"
read -r ms lines errors calls <<< "$result"
max_heap=$(awk 'NR > 1 && $1 ~ /^[0-9.]+$/ { used = $3 + $4 + $6 + $8; if (used > max) max = used } END { printf "%.0f", max / 1024 }' "$work/jstat.txt")
echo "$(du -m "$work/many.txt" | cut -f1) MB in, $lines lines out ($errors error lines) in $(awk -v ms="$ms" 'BEGIN { printf "%.1f", ms / 1000 }') s, $calls upstream calls; heap used at most ${max_heap} MB of 96 MB"
stop_gateway
echo
echo "| run | titles | wall time | lines out | error lines | upstream calls | titles/s |"
echo "|---|---|---|---|---|---|---|"
start_gateway TITLES_BACKEND=catalog
sleep 2
report "catalog (warm-up run)" "$TITLES" "$(stream "$work/titles.txt" latest)"
report "catalog" "$TITLES" "$(stream "$work/titles.txt" latest)"
stop_gateway
echo
echo "Physical limit with bulk access: 500 titles x 5 calls/s = 2,500 titles/s."
echo "Emulator, over the whole run: $(curl -sf "http://127.0.0.1:$EMULATOR_PORT/emulator/stats")"
} | tee bench/results/stream.md
