#!/usr/bin/env bash
# Answers paid for, kept: 10,000 distinct titles normalized through bulk calls (the emulator at
# Lightcast's 5/s, with bulk access), then the replica stopped and started again (a Knative pod
# from zero) and the same 10,000 asked again: upstream normalize calls of each pass, read from each
# process's own metrics; with the answer store (TITLES_DATA_DIR) and with a Redis that persists (AOF,
# killed with SIGKILL and started again between the passes). Then cache-hit latency with and
# without the store, the runs alternating (wrk, normalize.lua, the titles answered before).
# Talks only to loopback. Figures to stdout and bench/results/durable.md.
#
# Usage: bench/durable.sh      (TITLES=10000 ROUNDS=3 DURATION=10s change it)
set -euo pipefail
cd "$(dirname "$0")/.."
TITLES=${TITLES:-10000}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
EMULATOR_PORT=18189 GATEWAY_PORT=18180 REDIS_PORT=18179
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

echo "== building the gateway and the emulator"
./mvnw -B -q package -DskipTests
./mvnw -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/emulator.classpath -Dmdep.includeScope=test
java -cp "target/test-classes:$(cat target/emulator.classpath)" io.titlesgateway.emulator.LightcastEmulator \
  --port $EMULATOR_PORT --rate 5 > "$work/emulator.log" 2>&1 &
pids+=($!)

gateway_pid=
start_gateway() { # extra environment as arguments
  env TITLES_AUTH=none LIGHTCAST_CLIENT_ID=gateway-test LIGHTCAST_CLIENT_SECRET=emulator-secret-7c1d9f \
    LIGHTCAST_API_URL=http://127.0.0.1:$EMULATOR_PORT/titles LIGHTCAST_AUTH_URL=http://127.0.0.1:$EMULATOR_PORT \
    LIGHTCAST_BULK_ENABLED=true QUARKUS_HTTP_PORT=$GATEWAY_PORT QUARKUS_LOG_CONSOLE_JSON_ENABLED=false "$@" \
    java -XX:+UseParallelGC -jar target/quarkus-app/quarkus-run.jar >> "$work/gateway.log" 2>&1 &
  gateway_pid=$!
  pids+=($gateway_pid)
  for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/q/health/ready" && return; sleep 0.5; done
  echo "gateway not ready; see $work/gateway.log"; exit 1
}
stop_gateway() { kill "$gateway_pid"; wait "$gateway_pid" 2>/dev/null || true; }
normalize_calls() { # this process's own upstream normalize, inspect and bulk calls
  curl -sf "http://127.0.0.1:$GATEWAY_PORT/q/metrics" | awk '/^titles_upstream_calls_total\{.*endpoint="\/normalize/ { split($0, a, "} "); split(a[2], v, " "); s += v[1] } END { print s + 0 }'
}
names=("Data Scientist" "Software Engineer" "Registered Nurse" "Plumber" "Electrician" "Truck Driver" "Cashier" "Accountant" "Pharmacist" "Web Developer")
pass() { # every title once, in bulk requests of 500, four at a time; each answered 200, or the pass says so
  local inflight=() failed=0
  for chunk in $(seq 0 500 $((TITLES - 1))); do
    terms=$(for i in $(seq "$chunk" $((chunk + 499 < TITLES - 1 ? chunk + 499 : TITLES - 1))); do printf '"%s %d",' "${names[$((i % 10))]}" "$i"; done)
    curl -sf -o /dev/null -H 'Content-Type: application/json' --data "{\"terms\":[${terms%,}]}" \
      "http://127.0.0.1:$GATEWAY_PORT/titles/versions/5.47/normalize/bulk" &
    inflight+=($!)
    if [ ${#inflight[@]} -eq 4 ]; then
      for pid in "${inflight[@]}"; do wait "$pid" || failed=$((failed + 1)); done
      inflight=()
    fi
  done
  for pid in "${inflight[@]}"; do wait "$pid" || failed=$((failed + 1)); done
  [ $failed -eq 0 ] || echo "   $failed bulk requests were not answered 200"
}

declare -A figures
for where in store redis; do
  echo "== $where: first pass of $TITLES titles"
  if [ $where = store ]; then
    extra=(TITLES_DATA_DIR="$work/data")
  else
    mkdir -p "$work/redis"
    redis-server --port $REDIS_PORT --bind 127.0.0.1 --save '' --appendonly yes --appendfsync everysec --dir "$work/redis" \
      --maxmemory 512mb --maxmemory-policy volatile-ttl > "$work/redis.log" 2>&1 &
    redis_pid=$!; pids+=($redis_pid); sleep 1
    extra=(TITLES_REDIS_URL=redis://127.0.0.1:$REDIS_PORT)
  fi
  start_gateway "${extra[@]}"
  began=$(date +%s.%N); pass; first_seconds=$(echo "$(date +%s.%N) - $began" | bc)
  first=$(normalize_calls)
  stop_gateway
  if [ $where = redis ]; then
    sleep 1.5   # appendfsync everysec: what Redis acknowledged more than a second ago is on disk
    kill -9 $redis_pid; wait $redis_pid 2>/dev/null || true
    redis-server --port $REDIS_PORT --bind 127.0.0.1 --save '' --appendonly yes --dir "$work/redis" \
      --maxmemory 512mb --maxmemory-policy volatile-ttl >> "$work/redis.log" 2>&1 &
    redis_pid=$!; pids+=($redis_pid); sleep 1
  fi
  echo "== $where: restarted (from zero), second pass"
  began=$(date +%s.%N); start_gateway "${extra[@]}"; ready_seconds=$(echo "$(date +%s.%N) - $began" | bc)
  began=$(date +%s.%N); pass; second_seconds=$(echo "$(date +%s.%N) - $began" | bc)
  second=$(normalize_calls)
  stop_gateway
  [ $where = redis ] && kill $redis_pid
  figures[$where]="| $where | $first calls, ${first_seconds%???????} s | $second calls, ${second_seconds%???????} s | ${ready_seconds%???????} s |"
  echo "${figures[$where]}"
done

echo "== cache-hit latency, with and without the answer store, alternating"
p50() { wrk -t2 -c32 -d"$DURATION" --latency -s bench/lua/normalize.lua "http://127.0.0.1:$GATEWAY_PORT" | awk '$1 == "50%" { print $2 }'; }
in_ms() { case $1 in *us) echo "${1%us} / 1000" | bc -l ;; *ms) echo "${1%ms}" ;; *s) echo "${1%s} * 1000" | bc -l ;; esac; }
rows=()
for round in $(seq 1 "$ROUNDS"); do
  declare -A p
  for mode in without with; do
    if [ $mode = with ]; then start_gateway TITLES_DATA_DIR="$work/hits"; else start_gateway; fi
    wrk -t2 -c8 -d8s -s bench/lua/normalize.lua "http://127.0.0.1:$GATEWAY_PORT" > /dev/null   # the 32 titles fetched at 5/s, then warm
    p[$mode]=$(p50)
    stop_gateway
  done
  ratio=$(echo "$(in_ms "${p[with]}") / $(in_ms "${p[without]}")" | bc -l)
  rows+=("| $round | ${p[without]} | ${p[with]} | $(printf '%.2f' "$ratio") |")
  echo "${rows[-1]}"
done

mkdir -p bench/results
{
  echo "# bench/durable.sh, $(date -u +%Y-%m-%d), $TITLES titles, $(nproc) cores"
  echo
  echo "| where | first pass: upstream normalize calls, time | second pass after a restart: calls, time | restart to ready |"
  echo "|---|---|---|---|"
  echo "${figures[store]}"
  echo "${figures[redis]}"
  echo
  echo "Cache-hit latency (p50, wrk -t2 -c32 -d$DURATION, normalize.lua), without and with the answer store:"
  echo
  echo "| round | without | with | with / without |"
  echo "|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} > bench/results/durable.md
cat bench/results/durable.md
