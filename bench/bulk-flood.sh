#!/usr/bin/env bash
# A flood of bulk normalizations: CONNECTIONS callers (400), each request 500 terms never asked before,
# for DURATION (15 s), against the emulator at 5 calls/s, a bulk call taking 100 ms and 0.3 ms a term.
# Far more than the budget can carry (5 calls of 500 terms a second): what is measured is what the
# gateway does with the rest, as `java -jar` runs it. Prints requests answered a second (nearly all
# 429s), their mean latency, how many bulk calls reached Lightcast (the budget allows 5 a second), and
# the gateway's CPU time. Loopback only. Run it at two commits to compare (it builds what is checked out).
# TERM_PADDING=900 makes each body about 460 kB, and JAVA_OPTS=-Xmx192m gives the gateway the heap a pod
# of the shipped manifests has (384 Mi, half of it heap): then what is measured is whether it lives
# through the flood, and the most memory it held (VmHWM).
# Usage: bench/bulk-flood.sh     (CONNECTIONS=400 DURATION=15s ROUNDS=1 TERM_PADDING=0 JAVA_OPTS=)
set -euo pipefail
cd "$(dirname "$0")/.."
CONNECTIONS=${CONNECTIONS:-400}
DURATION=${DURATION:-15s}
ROUNDS=${ROUNDS:-1}
JAVA_OPTS=${JAVA_OPTS:-}
export TERM_PADDING=${TERM_PADDING:-0}
EMULATOR_PORT=18289 GATEWAY_PORT=18280
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
ulimit -n 65536 2>/dev/null || true

./mvnw -B -q package -DskipTests
./mvnw -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/emulator.classpath -Dmdep.includeScope=test
java -cp "target/test-classes:$(cat target/emulator.classpath)" io.titlesgateway.emulator.LightcastEmulator \
  --port $EMULATOR_PORT --rate 5 --latency-ms 100 --bulk-term-latency-us 300 > /dev/null 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$EMULATOR_PORT/emulator/stats" && break; sleep 0.1; done
TITLES_AUTH=none LIGHTCAST_CLIENT_ID=gateway-test LIGHTCAST_CLIENT_SECRET=emulator-secret-7c1d9f \
  LIGHTCAST_API_URL=http://127.0.0.1:$EMULATOR_PORT/titles LIGHTCAST_AUTH_URL=http://127.0.0.1:$EMULATOR_PORT \
  QUARKUS_HTTP_PORT=$GATEWAY_PORT java $JAVA_OPTS -jar target/quarkus-app/quarkus-run.jar > /dev/null 2>&1 &
gateway=$!
pids+=($gateway)
for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/q/health/ready" && break; sleep 0.5; done
calls() { curl -sf "http://127.0.0.1:$EMULATOR_PORT/emulator/stats" | sed -E 's/.*"apiCalls":([0-9]+).*/\1/'; }
cpu() { awk '{ print $14 + $15 }' "/proc/$gateway/stat" 2>/dev/null || echo 0; }
alive() { kill -0 "$gateway" 2>/dev/null && echo yes || echo "no (exited)"; }
peak() { awk '/VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$gateway/status" 2>/dev/null || echo -; }

echo "| round | requests/s | of them not 2xx | mean latency | bulk calls to Lightcast | of them a second | gateway CPU s | socket errors | gateway alive after | its peak memory MB |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for round in $(seq 1 "$ROUNDS"); do
  before=$(calls)
  cpu_before=$(cpu)
  out=$(wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --timeout 30s -s bench/lua/new-bulks.lua "http://127.0.0.1:$GATEWAY_PORT")
  made=$(( $(calls) - before ))
  ticks=$(( $(cpu) - cpu_before ))
  rate=$(echo "$out" | awk '/Requests\/sec/ { print $2 }')
  refused=$(echo "$out" | awk '/Non-2xx/ { print $5 }')
  errors=$(echo "$out" | awk '/Socket errors/ { print $4 + $6 + $8 + $10 }')
  latency=$(echo "$out" | awk '/Latency/ { print $2; exit }')
  seconds=${DURATION%s}
  echo "| $round | $rate | ${refused:-0} | $latency | $made | $(awk -v m="$made" -v s="$seconds" 'BEGIN { printf "%.1f", m / s }') | $(awk -v t="$ticks" 'BEGIN { printf "%.1f", t / 100 }') | ${errors:-0} | $(alive) | $(peak) |"
done
