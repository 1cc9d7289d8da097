#!/usr/bin/env bash
# Where a cache hit spends its time: the packaged gateway under wrk (64 connections, the same title
# by id as bench/gateway-cache.sh), recorded by JDK Flight Recorder, then the methods most often on
# top of the stack (own time) and most often anywhere on it (with callees), from the gateway's
# packages and the libraries it calls, as a share of all samples. Loopback only.
# Usage: bench/profile-hits.sh        (DURATION=20s CONNECTIONS=64 TOP=25; PATH_TO_HIT to profile another request)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-64}
TOP=${TOP:-25}
JAVA_OPTS=${JAVA_OPTS:--XX:+UseParallelGC}
EMULATOR_PORT=18389 GATEWAY_PORT=18380
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

./mvnw -B -q package -DskipTests
./mvnw -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/emulator.classpath -Dmdep.includeScope=test
java -cp "target/test-classes:$(cat target/emulator.classpath)" io.titlesgateway.emulator.LightcastEmulator \
  --port $EMULATOR_PORT --rate 100000 > "$work/emulator.log" 2>&1 &
pids+=($!)
TITLES_AUTH=none LIGHTCAST_CLIENT_ID=gateway-test LIGHTCAST_CLIENT_SECRET=emulator-secret-7c1d9f \
LIGHTCAST_API_URL=http://127.0.0.1:$EMULATOR_PORT/titles LIGHTCAST_AUTH_URL=http://127.0.0.1:$EMULATOR_PORT \
LIGHTCAST_RATE_LIMIT=100000 QUARKUS_HTTP_PORT=$GATEWAY_PORT \
  java $JAVA_OPTS -jar target/quarkus-app/quarkus-run.jar > "$work/gateway.log" 2>&1 &
gateway=$!
pids+=($gateway)
for _ in $(seq 1 60); do curl -sf -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/q/health/ready" && break; sleep 0.5; done
if [ -z "${PATH_TO_HIT:-}" ]; then
  id=$(curl -sf "http://127.0.0.1:$GATEWAY_PORT/titles/versions/5.47/titles?q=data+scientist&limit=1" | sed -E 's/.*"id":"([^"]+)".*/\1/')
  PATH_TO_HIT="/titles/versions/5.47/titles/$id"
fi
curl -sf -o /dev/null "http://127.0.0.1:$GATEWAY_PORT$PATH_TO_HIT"
wrk -t2 -c"$CONNECTIONS" -d15s "http://127.0.0.1:$GATEWAY_PORT$PATH_TO_HIT" > /dev/null   # JIT warm-up
jcmd "$gateway" JFR.start name=hits settings=profile filename="$work/hits.jfr" > /dev/null
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$GATEWAY_PORT$PATH_TO_HIT" | grep -E "Requests/sec|99%"
jcmd "$gateway" JFR.stop name=hits > /dev/null
jfr print --events jdk.ExecutionSample --stack-depth 64 "$work/hits.jfr" > "$work/samples.txt"
awk -v top="$TOP" '
  /jdk.ExecutionSample/ { samples++; first = 1; delete seen; next }
  /line:/ {
    frame = $1; sub(/\(.*/, "", frame)
    if (first) { own[frame]++; first = 0 }
    if (!(frame in seen)) { seen[frame] = 1; total[frame]++ }
  }
  END {
    printf "%d samples\n\nown time (top of stack)\n", samples
    n = 0; PROCINFO["sorted_in"] = "@val_num_desc"
    for (f in own) { if (n++ >= top) break; printf "%5.1f %%  %s\n", 100 * own[f] / samples, f }
    printf "\nwith callees (anywhere on the stack), io.titlesgateway only\n"
    n = 0
    for (f in total) { if (f !~ /^io\.titlesgateway/) continue; if (n++ >= top) break; printf "%5.1f %%  %s\n", 100 * total[f] / samples, f }
  }' "$work/samples.txt"
