#!/usr/bin/env bash
# Single normalizations, as every Lightcast client sends them: CONNECTIONS callers (600), each request
# a title never asked before, for DURATION (15 s), against the emulator at Lightcast's 5 requests/s
# with bulk access, the gateway started as users start it (java -jar, no JVM options unless JAVA_OPTS).
# The emulator answers as each PROFILE says: "instant"; "brisk", a bulk call taking 100 ms and 0.07 ms
# a term (about 135 ms for 500 terms, as issue 26's harness measured its emulator); "realistic", 100 ms
# and 0.3 ms a term (about 250 ms for 500 terms); "slow", every call taking 1 s. Per profile: one replica,
# then three sharing a Redis (REDIS_URL, default the one at 127.0.0.1:6379) with the connections spread
# over them, and the ratio of the two. Prints answered/s (200 or 404), the share of the ceiling
# 5 calls/s x 500 terms = 2,500/s, refusals (429), the median wait, terms per bulk call, upstream
# calls a second (the pace: 5 is the budget's), the Redis commands each answer cost (all clients
# of that Redis counted: run it on a Redis nothing else uses), and the CPU time the gateways spent
# per answer; after the table, how each run's gateway CPU split by kind of thread (JIT compilers, GC,
# event loops, workers, the rest). Baseline (unless SKIP_NO_BULK=1): the same load, instant
# upstream, on a gateway without bulk access (one call per title). Loopback only.
# WARM_UP=15s first loads each gateway that long, uncounted: fresh JVMs spend their first seconds compiling,
# and three fresh JVMs on two cores far more than one. The gateways inherit the environment, so a setting
# can be compared in alternate runs (e.g. LIGHTCAST_BULK_RETURN_WAIT=0 bench/singles.sh).
# Usage: bench/singles.sh     (CONNECTIONS=600 DURATION=15s THREADS=2 PROFILES="instant realistic slow" WARM_UP=)
set -euo pipefail
cd "$(dirname "$0")/.."
CONNECTIONS=${CONNECTIONS:-600}
DURATION=${DURATION:-15s}
THREADS=${THREADS:-2}
JAVA_OPTS=${JAVA_OPTS:-}
PROFILES=${PROFILES:-instant realistic slow}
WARM_UP=${WARM_UP:-}
EMULATOR_PORT=18289 GATEWAY_PORT=18280
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
work=$(mktemp -d)
pids=()
declare -A port_pid
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
ulimit -n 65536 2>/dev/null || true

echo "== building the gateway and the emulator"
./mvnw -B -q package -DskipTests
./mvnw -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/emulator.classpath -Dmdep.includeScope=test
zcat src/main/resources/catalog/alternate_titles.tsv.gz | tail -n +2 | cut -f2 | sort -u > "$work/titles.txt"

start_emulator() { # profile
  local latency
  case $1 in
    instant) latency=(--latency-ms 0) ;;
    brisk) latency=(--latency-ms 100 --bulk-term-latency-us 70) ;;
    realistic) latency=(--latency-ms 100 --bulk-term-latency-us 300) ;;
    slow) latency=(--latency-ms 1000) ;;
    *) echo "unknown profile $1" >&2; exit 2 ;;
  esac
  java -cp "target/test-classes:$(cat target/emulator.classpath)" io.titlesgateway.emulator.LightcastEmulator \
    --port $EMULATOR_PORT --rate 5 "${latency[@]}" > "$work/emulator-$1.log" 2>&1 &
  emulator=$!
  pids+=($emulator)
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$EMULATOR_PORT/emulator/stats" && break; sleep 0.1; done
}

start_gateway() { # $@: extra environment
  start_replica $GATEWAY_PORT "$@"
  gateway=$replica
}
start_replica() { # port, then extra environment
  local port=$1
  shift
  env "$@" TITLES_AUTH=none LIGHTCAST_CLIENT_ID=gateway-test LIGHTCAST_CLIENT_SECRET=emulator-secret-7c1d9f \
    LIGHTCAST_API_URL=http://127.0.0.1:$EMULATOR_PORT/titles LIGHTCAST_AUTH_URL=http://127.0.0.1:$EMULATOR_PORT \
    LIGHTCAST_RATE_LIMIT=5 QUARKUS_HTTP_PORT=$port java $JAVA_OPTS -jar target/quarkus-app/quarkus-run.jar \
    > "$work/gateway-$port.log" 2>&1 &
  replica=$!
  port_pid[$port]=$replica
  pids+=($replica)
  for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$port/q/health/ready" && break; sleep 0.5; done
  curl -sf -o /dev/null "http://127.0.0.1:$port/titles/versions/5.47"
  sleep 1.2
}
stop() { kill "$@"; for pid in "$@"; do while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done; done; }
stop_gateway() { stop "$gateway"; }
redis_commands() { # round trips (commands the gateways sent: scripts and the rest), then every command Redis ran, scripts' own included
  redis-cli -u "$REDIS_URL" info commandstats | tr -d '\r' | awk -F'[:=,]' '
    $1 ~ /^cmdstat_/ { all += $3; if ($1 == "cmdstat_eval" || $1 == "cmdstat_evalsha" || $1 == "cmdstat_ping") sent += $3 }
    END { print sent + 0, all + 0 }'
}
upstream_calls() { curl -sf "http://127.0.0.1:$EMULATOR_PORT/emulator/stats" | sed -E 's/.*"apiCalls":([0-9]+).*/\1/'; }
upstream_refusals() { curl -sf "http://127.0.0.1:$EMULATOR_PORT/emulator/stats" | sed -E 's/.*"rateLimited":([0-9]+).*/\1/'; }
upstream_peak() { curl -sf "http://127.0.0.1:$EMULATOR_PORT/emulator/stats" | sed -E 's/.*"peakCallsPerSecond":([0-9]+).*/\1/'; }
gateway_cpu() { # ports...: CPU time (clock ticks) the gateways listening on those ports have used so far
  local total=0 port pid
  for port in "$@"; do
    pid=${port_pid[$port]}
    total=$(( total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat") ))
  done
  echo "$total"
}
process_cpu() { # pid: CPU time (clock ticks) that process has used so far; 0 if it is not on this machine
  [ -n "$1" ] && [ -r "/proc/$1/stat" ] && awk '{ print $14 + $15 }' "/proc/$1/stat" || echo 0
}
redis_pid=$(redis-cli -u "$REDIS_URL" info server 2>/dev/null | tr -d '\r' | awk -F: '$1 == "process_id" { print $2 }')
thread_cpu() { # ports...: CPU time (clock ticks) so far of each thread of the gateways on those ports: "pid/tid kind ticks" lines
  local port task
  for port in "$@"; do
    for task in /proc/"${port_pid[$port]}"/task/*; do
      # the thread's name is field 2, in parentheses, and may hold spaces
      { printf '%s|' "${port_pid[$port]}/${task##*/}"; sed -E 's/^[0-9]+ \((.*)\) [A-Z] (.*)$/\1|\2/' "$task/stat"; } 2>/dev/null
    done
  done | awk -F'|' 'NF == 3 { split($3, f, " "); n = $2
      if (n ~ /Compiler/) k = "jit"; else if (n ~ /^(GC |G1 |VM Thread|VM Periodic)/) k = "gc"; else if (n ~ /eventloo/) k = "loops"
      else if (n ~ /executor/) k = "workers"; else k = "other"; print $1, k, f[11] + f[12] }'
}
thread_shares() { # two readings of thread_cpu: each kind's share of the CPU used between them, thread by thread
  # (a thread started between the readings counts whole; one that ended takes its time with it, as the JIT's
  # compiler threads do, which come and go with the work: not counted as less than nothing)
  awk -v b="$1" -v e="$2" 'BEGIN { n = split("JIT compilers|GC and VM|event loops|workers|other", kind, "|")
    split("jit gc loops workers other", key, " ")
    lines = split(b, x, "\n"); for (i = 1; i <= lines; i++) { split(x[i], f, " "); before[f[1]] = f[3] }
    lines = split(e, y, "\n"); for (i = 1; i <= lines; i++) { split(y[i], f, " "); if (f[1] != "") { d[f[2]] += f[3] - before[f[1]]; all += f[3] - before[f[1]] } }
    for (i = 1; i <= n; i++) printf "%s%s %.0f %%", (i > 1 ? ", " : ""), kind[i], 100 * d[key[i]] / (all ? all : 1) }'
}
metric() { # name, ports...: the sum over the replicas
  local name=$1 total=0 value
  shift
  for port in "$@"; do
    value=$(curl -sf "http://127.0.0.1:$port/q/metrics" | awk -v m="$name" '$1 == m { print $2 }')
    total=$(awk -v a="$total" -v b="${value:-0}" 'BEGIN { print a + b }')
  done
  echo "$total"
}

load() { # duration, name of each port's output ("": none), ports...: new titles from CONNECTIONS spread over the ports
  local duration=$1 name=$2 port output loads=()
  shift 2
  for port in "$@"; do
    output=/dev/null
    [ -n "$name" ] && output="$work/$name-$port.out"
    TITLES_FILE="$work/titles.txt" RUN="$RANDOM$name$port" wrk -t"$THREADS" -c$(( CONNECTIONS / $# )) -d"$duration" --timeout 10s \
      -s bench/lua/new-titles.lua "http://127.0.0.1:$port" > "$output" &
    loads+=($!)
  done
  wait "${loads[@]}"
}

run() { # label, ports...: the connections spread over the replicas on those ports
  local label=$1 before after seconds out="" answered refused p50 terms calls redis_before redis_after
  shift
  # the same load first, uncounted, so that what is measured is warm JVMs
  [ -n "$WARM_UP" ] && load "$WARM_UP" "" "$@"
  before=$(upstream_calls)
  local refusals_before
  refusals_before=$(upstream_refusals)
  redis_before=$(redis_commands)
  local cpu_before threads_before
  cpu_before=$(gateway_cpu "$@")
  threads_before=$(thread_cpu "$@")
  local others_before="$(process_cpu "$redis_pid") $(process_cpu "$emulator")"
  load "$DURATION" wrk "$@"
  local cpu_ticks=$(( $(gateway_cpu "$@") - cpu_before ))
  local others_after="$(process_cpu "$redis_pid") $(process_cpu "$emulator")"
  others+=("$label: $(awk -v b="$others_before" -v a="$others_after" -v hz="$(getconf CLK_TCK)" -v s="${DURATION%s}" 'BEGIN {
    split(b, x, " "); split(a, y, " "); printf "Redis %.0f %% of a core, the emulator %.0f %%", 100 * (y[1] - x[1]) / hz / s, 100 * (y[2] - x[2]) / hz / s }')")
  splits+=("$label: $(thread_shares "$threads_before" "$(thread_cpu "$@")")")
  for port in "$@"; do out+=$(cat "$work/wrk-$port.out")$'\n'; done
  after=$(upstream_calls)
  redis_after=$(redis_commands)
  seconds=${DURATION%s}
  answered=$(awk '$1 == "status" && ($2 == 200 || $2 == 404) { n += $3 } END { print n + 0 }' <<< "$out")
  refused=$(awk '$1 == "status" && $2 == 429 { n += $3 } END { print n + 0 }' <<< "$out")
  p50=$(awk '$1 == "p50" { print $2 }' <<< "$out" | sort -n | paste -sd '/' -)
  terms=$(awk -v s="$(metric titles_upstream_batch_terms_sum "$@")" -v c="$(metric titles_upstream_batch_terms_count "$@")" \
    'BEGIN { if (c > 0) printf "%.0f", s / c; else print "-" }')
  calls=$(( after - before ))
  local upstream_429=$(( $(upstream_refusals) - refusals_before )) peak
  peak=$(upstream_peak)
  answered_per_second=$(awk -v a="$answered" -v s="$seconds" 'BEGIN { printf "%.0f", a / s }')
  awk -v l="$label" -v a="$answered" -v r="$refused" -v s="$seconds" -v p="$p50" -v t="$terms" -v c="$calls" -v rb="$redis_before" -v ra="$redis_after" \
    -v pk="$peak" -v q="$upstream_429" -v cpu="$cpu_ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { split(rb, b, " "); split(ra, e, " ");
      printf "| %s | %.0f | %.0f %% | %.1f %% | %s ms | %s | %.1f | %s / %s | %.2f / %.1f | %.2f ms |\n", l, a / s, 100 * a / s / 2500, 100 * r / (a + r), p, t,
        c / s, pk, q, (e[1] - b[1]) / a, (e[2] - b[2]) / a, 1000 * cpu / hz / a }'
}

echo "# bench/singles.sh, $(date +%F), $CONNECTIONS connections, $DURATION, warm-up: ${WARM_UP:-none}, JVM options: ${JAVA_OPTS:-none}, LIGHTCAST_BULK_RETURN_WAIT: ${LIGHTCAST_BULK_RETURN_WAIT:-default}, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| upstream, gateway | answered/s | of 2,500/s | refused (429) | median wait | terms per bulk call | upstream calls/s | Lightcast's busiest second / its 429s | Redis round trips / commands run per answer | gateways' CPU per answer |"
echo "|---|---|---|---|---|---|---|---|---|---|"
ratios=()
splits=()
others=()
if [ -z "${SKIP_NO_BULK:-}" ]; then
  start_emulator instant
  start_gateway LIGHTCAST_BULK_ENABLED=false
  run "instant, one replica, no bulk access (baseline: one call per title)" $GATEWAY_PORT
  stop_gateway
  stop "$emulator"
fi
for profile in $PROFILES; do
  start_emulator "$profile"
  start_gateway LIGHTCAST_BULK_ENABLED=true
  run "$profile, one replica" $GATEWAY_PORT
  one=$answered_per_second
  stop_gateway
  replicas=()
  for port in 18281 18282 18283; do
    start_replica $port LIGHTCAST_BULK_ENABLED=true TITLES_REDIS_URL="$REDIS_URL" TITLES_MAX_REPLICAS=3
    replicas+=($replica)
  done
  run "$profile, three replicas sharing Redis" 18281 18282 18283
  ratios+=("$profile $(awk -v t="$answered_per_second" -v o="$one" 'BEGIN { printf "%.2f", (o > 0) ? t / o : 0 }')")
  stop "${replicas[@]}"
  stop "$emulator"
done
echo
echo "Three replicas against one, same upstream, same run: $(printf '%s×, ' "${ratios[@]}" | sed 's/, $//')"
echo
echo "The gateways' CPU in each run, by kind of thread:"
printf -- '- %s\n' "${splits[@]}"
echo
echo "Beside the gateways, on the same cores, while each run was measured:"
printf -- '- %s\n' "${others[@]}"
