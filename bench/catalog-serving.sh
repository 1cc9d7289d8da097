#!/usr/bin/env bash
# The embedded catalog as a service: time from JVM start to ready, heap the catalog holds, and
# normalizations per second through HTTP. Baseline in the same run: the same jar without the
# catalog (TITLES_BACKEND=lightcast, nothing reachable: started when live), for start-up and heap.
# Usage: bench/catalog-serving.sh        (RUNS=3; start-up with and without AppCDS: bench/startup.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=18280 RUNS=${RUNS:-3}
JAVA_OPTS=${JAVA_OPTS:--XX:+UseParallelGC}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
./mvnw -B -q package -DskipTests
echo "JVM options: $JAVA_OPTS"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null || true' EXIT

start_gateway() { # $@: extra environment; PROBE: the health endpoint that says it has started (ready)
  local began now
  began=$(date +%s%N)
  env "$@" QUARKUS_HTTP_PORT=$PORT java $JAVA_OPTS -jar target/quarkus-app/quarkus-run.jar > /tmp/catalog-serving.log 2>&1 &
  echo $! > /tmp/catalog-serving.pid
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/q/health/${PROBE:-ready}"; do sleep 0.02; done
  now=$(date +%s%N)
  echo $(( (now - began) / 1000000 ))
}
heap_mb() {
  pid=$(cat /tmp/catalog-serving.pid)
  jcmd "$pid" GC.run > /dev/null; sleep 1
  jcmd "$pid" GC.heap_info | awk '/used/ {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i + 1); sub(/K,?/, "", v); total += v}} END {printf "%.0f", total / 1024}'
}
stop_gateway() { pid=$(cat /tmp/catalog-serving.pid); kill "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done; pid=""; }

echo "| run | catalog: ms to ready | catalog: heap used MB | without catalog: ms to live | without catalog: heap used MB |"
echo "|---|---|---|---|---|"
for run in $(seq 1 "$RUNS"); do
  c_ms=$(start_gateway TITLES_BACKEND=catalog); c_heap=$(heap_mb); stop_gateway
  # nothing answers for Lightcast, so this one is never ready: its start is when it is live
  b_ms=$(PROBE=live start_gateway TITLES_BACKEND=lightcast TITLES_AUTH=none LIGHTCAST_CLIENT_ID=x LIGHTCAST_CLIENT_SECRET=y \
    LIGHTCAST_API_URL=http://127.0.0.1:9/titles LIGHTCAST_AUTH_URL=http://127.0.0.1:9); b_heap=$(heap_mb); stop_gateway
  echo "| $run | $c_ms | $c_heap | $b_ms | $b_heap |"
done
grep -o "Catalog onet-30.0 loaded.*" /tmp/catalog-serving.log || true

echo
start_gateway TITLES_BACKEND=catalog > /dev/null
pid=$(cat /tmp/catalog-serving.pid)
wrk -t2 -c16 -d15s -s bench/lua/normalize.lua "http://127.0.0.1:$PORT" > /dev/null   # JIT warm-up
wrk -t2 -c16 -d20s --latency -s bench/lua/normalize.lua "http://127.0.0.1:$PORT" | tee /tmp/catalog-normalize.wrk | grep -E "Requests/sec|50%|99%|Non-2xx"
