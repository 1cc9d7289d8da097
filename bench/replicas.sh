#!/usr/bin/env bash
# One replica against three sharing a Redis, side by side in one run, talking only to loopback.
#
# Part 1, at Lightcast's real pace (the emulator refuses more than 5 calls a second): 40 distinct
# raw titles, each asked once of every replica (three asks a title, 8 callers at once, curl retrying
# again a second after a 429). Three setups:
#   one         one replica, 5/s
#   three-apart three replicas without Redis, 1/s each (the most that is safe: 3 x 1 <= 5)
#   three-redis three replicas sharing Redis, 5/s between them
# Reported: upstream calls, the peak calls in a second, calls Lightcast refused, wall time.
#
# Part 2, the budget lifted so that only the cache is measured: KEYS titles fetched through one
# replica; cache hits (wrk, ROUNDS rounds alternating) on a single replica without Redis against a
# replica of the three, plus second-level hits: titles a replica has never seen, from Redis.
#
# Usage: bench/replicas.sh     (ROUNDS=3 DURATION=10s KEYS=2000 change the runs)
set -euo pipefail
[ -n "${BENCH_DEBUG:-}" ] && set -x
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
KEYS=${KEYS:-2000}
JAVA_OPTS=${JAVA_OPTS:--XX:+UseParallelGC -Xmx256m}
EMULATOR_PORT=18089 REDIS_PORT=16379
REPLICA_PORTS=(18080 18082 18083) SINGLE_PORT=18084
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true
}
trap cleanup EXIT

need() { command -v "$1" >/dev/null 2>&1 || { echo "installing $2"; apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need wrk wrk
need redis-server redis-server

echo "== building the gateway and the emulator"
./mvnw -B -q package -DskipTests
./mvnw -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/emulator.classpath -Dmdep.includeScope=test

emulator() { # rate
  java -cp "target/test-classes:$(cat target/emulator.classpath)" io.titlesgateway.emulator.LightcastEmulator \
    --port $EMULATOR_PORT --rate "$1" > "$work/emulator-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$EMULATOR_PORT/emulator/stats" && return; sleep 0.1; done
  echo "the emulator did not start"; exit 1
}
stop_emulator() { kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true; pids=("${pids[@]:1}"); }
stat() { curl -sf "http://127.0.0.1:$EMULATOR_PORT/emulator/stats" | sed -E "s/.*\"$1\":([0-9]+).*/\1/"; }

redis() {
  redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true
  redis-server --port $REDIS_PORT --bind 127.0.0.1 --save '' --appendonly no --daemonize yes > /dev/null
  for _ in $(seq 1 50); do redis-cli -p $REDIS_PORT ping > /dev/null 2>&1 && return; sleep 0.1; done
}

gateway() { # port rate [redis]
  local extra=()
  [ -n "${3:-}" ] && extra=(TITLES_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" TITLES_MAX_REPLICAS=3)
  env TITLES_AUTH=none LIGHTCAST_CLIENT_ID=gateway-test LIGHTCAST_CLIENT_SECRET=emulator-secret-7c1d9f \
    LIGHTCAST_API_URL="http://127.0.0.1:$EMULATOR_PORT/titles" LIGHTCAST_AUTH_URL="http://127.0.0.1:$EMULATOR_PORT" \
    LIGHTCAST_RATE_LIMIT="$2" QUARKUS_HTTP_PORT="$1" "${extra[@]}" \
    java $JAVA_OPTS -jar target/quarkus-app/quarkus-run.jar > "$work/gateway-$1.log" 2>&1 &
  pids+=($!)
}
ready() { for port in "$@"; do
  for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$port/q/health/ready" && break; sleep 0.5; done
  curl -sf -o /dev/null "http://127.0.0.1:$port/q/health/ready" || { echo "gateway :$port not ready"; tail "$work/gateway-$port.log"; exit 1; }
done; }
stop_gateways() { # leaves the emulator (pids[0]) running
  for pid in "${pids[@]:1}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  pids=("${pids[0]}")
}

ask() { # port term: a caller that waits a second and asks again after each 429, up to a minute
  local code
  for _ in $(seq 1 60); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: text/plain' \
      --data "$2" "http://127.0.0.1:$1/titles/versions/5.47/normalize")
    [ "$code" != 429 ] && break
    sleep 1
  done
  echo "$code"
}
export -f ask

part1() { # name ports...
  local name=$1; shift
  local ports=("$@") before_calls before_refused started
  : > "$work/asks-$name"
  for t in $(seq 1 40); do
    for r in 0 1 2; do echo "${ports[$((r % ${#ports[@]}))]} registered nurse $name$t" >> "$work/asks-$name"; done
  done
  before_calls=$(stat apiCalls); before_refused=$(stat rateLimited)
  sleep 1.1   # the peak is measured over the emulator's whole record: start a fresh second
  started=$(date +%s.%N)
  tr '\n' '\0' < "$work/asks-$name" | xargs -0 -P 8 -I{} bash -c 'set -- {}; port=$1; shift; ask "$port" "$*"' \
    > "$work/codes-$name"
  local seconds calls
  seconds=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}')
  calls=$(( $(stat apiCalls) - before_calls ))
  echo "| $name | ${#ports[@]} | $(grep -c '^200$' "$work/codes-$name") / 120 | $calls | $(( $(stat rateLimited) - before_refused )) | $seconds |"
}

echo "== part 1: upstream calls at Lightcast's pace (emulator: 5 calls/s)"
emulator 5
part1_table=""
gateway ${REPLICA_PORTS[0]} 5; ready ${REPLICA_PORTS[0]}
part1_table+="$(part1 one ${REPLICA_PORTS[0]})"$'\n'
stop_gateways
for port in "${REPLICA_PORTS[@]}"; do gateway "$port" 1; done; ready "${REPLICA_PORTS[@]}"
part1_table+="$(part1 three-apart "${REPLICA_PORTS[@]}")"$'\n'
stop_gateways
redis
for port in "${REPLICA_PORTS[@]}"; do gateway "$port" 5 redis; done; ready "${REPLICA_PORTS[@]}"
part1_table+="$(part1 three-redis "${REPLICA_PORTS[@]}")"$'\n'
peak=$(stat peakCallsPerSecond)
stop_gateways
stop_emulator

echo "== part 2: cache hits, the budget lifted"
emulator 100000
redis
gateway $SINGLE_PORT 100000
for port in "${REPLICA_PORTS[@]}"; do gateway "$port" 100000 redis; done
ready $SINGLE_PORT "${REPLICA_PORTS[@]}"
rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
pct() { awk -v p="$2" '$1 == p {print $2}' "$1"; }
lua=bench/lua/keys.lua
once() { # port prefix output: each of the KEYS keys once, 8 connections (wrk runs on to -d after its thread stops)
  KEYS=$KEYS KEY_PREFIX=$2 ONCE=1 wrk -t1 -c8 -d20s --latency -s $lua "http://127.0.0.1:$1" > "$3"
}
once $SINGLE_PORT k "$work/warm-single.wrk"
# replica 0 fetches two sets of keys into Redis; replica 1 reads the first set once, which warms its
# second-level path (JIT), then the second set, measured, then that set again, now in its own cache
once ${REPLICA_PORTS[0]} w "$work/warm-shared-w.wrk"
once ${REPLICA_PORTS[1]} w "$work/l2-warm-up.wrk"
once ${REPLICA_PORTS[0]} k "$work/warm-shared-k.wrk"
calls_after_warm=$(stat apiCalls)
once ${REPLICA_PORTS[1]} k "$work/l2.wrk"
l2_calls=$(( $(stat apiCalls) - calls_after_warm ))
once ${REPLICA_PORTS[1]} k "$work/l1.wrk"
# JIT warm-up of the hit path on both, then alternating rounds
KEYS=$KEYS wrk -t2 -c32 -d10s -s $lua "http://127.0.0.1:$SINGLE_PORT" > /dev/null
KEYS=$KEYS wrk -t2 -c32 -d10s -s $lua "http://127.0.0.1:${REPLICA_PORTS[1]}" > /dev/null
rounds_table=""
ratios=()
for round in $(seq 1 "$ROUNDS"); do
  KEYS=$KEYS wrk -t2 -c32 -d"$DURATION" --latency -s $lua "http://127.0.0.1:$SINGLE_PORT" > "$work/single-$round.wrk"
  KEYS=$KEYS wrk -t2 -c32 -d"$DURATION" --latency -s $lua "http://127.0.0.1:${REPLICA_PORTS[1]}" > "$work/shared-$round.wrk"
  one=$(rps "$work/single-$round.wrk"); shared=$(rps "$work/shared-$round.wrk")
  ratio=$(awk -v a="$shared" -v b="$one" 'BEGIN {printf "%.2f", a / b}')
  ratios+=("$ratio")
  rounds_table+="| $round | $one | $(pct "$work/single-$round.wrk" 50%) | $(pct "$work/single-$round.wrk" 99%) | $shared | $(pct "$work/shared-$round.wrk" 50%) | $(pct "$work/shared-$round.wrk" 99%) | $ratio |"$'\n'
done
hit_calls=$(( $(stat apiCalls) - calls_after_warm - l2_calls ))
median_ratio=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')

report=$(cat <<REPORT
Part 1: 40 distinct titles, each asked of every replica (120 asks, 8 callers at once, each asking again a second after a 429), the emulator at 5 calls/s:

| setup | replicas | answered 200 | upstream calls | refused by Lightcast (429) | wall time, s |
|---|---|---|---|---|---|
${part1_table}
Most calls Lightcast received in any one second, over all of part 1: $peak

Part 2: $KEYS titles fetched through one replica, budget lifted; JVM: $JAVA_OPTS.

Each key once on a replica of the three, 8 connections ($KEYS requests), with the same replica's JIT warmed on other keys:

| hits | p50 | p90 | p99 |
|---|---|---|---|
| second level (the replica has none of the keys, Redis has them all; upstream calls: $l2_calls) | $(pct "$work/l2.wrk" 50%) | $(pct "$work/l2.wrk" 90%) | $(pct "$work/l2.wrk" 99%) |
| in process (the same keys again) | $(pct "$work/l1.wrk" 50%) | $(pct "$work/l1.wrk" 90%) | $(pct "$work/l1.wrk" 99%) |

Cache hits in process, 2 wrk threads, 32 connections, $DURATION a run: one replica without Redis, and one of three sharing Redis:

| round | one replica req/s | p50 | p99 | one of three req/s | p50 | p99 | three / one |
|---|---|---|---|---|---|---|---|
${rounds_table}
Median ratio: $median_ratio; upstream calls during the hit rounds: $hit_calls
REPORT
)
echo "$report"
mkdir -p bench/results
{ echo "# replicas.sh, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"; echo; echo "$report"; echo; echo '```'; cat "$work"/l2.wrk "$work"/l1.wrk "$work"/single-*.wrk "$work"/shared-*.wrk; echo '```'; } > bench/results/replicas.md
