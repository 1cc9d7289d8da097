#!/usr/bin/env bash
# Cache-hit throughput and latency of the packaged gateway, started as users start it (java -jar, no
# JVM options unless JAVA_OPTS), against nginx serving the same bytes as a static file (the physical
# limit on this machine), for three kinds of hit: a title by id, a search, and a normalize (POST
# text/plain; nginx serves its answer's bytes to a GET). Then upstream calls per 1,000 requests for a
# Zipf-like mix of 1,000 keys. Talks only to loopback. Figures go to stdout and bench/results/.
#
# The machine is noisy, so gateway and nginx runs alternate, ROUNDS times, and each round's ratio is kept; the
# gateway's own CPU time per 1,000 answers (from /proc) is a second figure that nginx's luck in its runs cannot move.
#
# Usage: bench/gateway-cache.sh      (ROUNDS=3 DURATION=10s CONNECTIONS=64 THREADS=1 change the wrk runs)
set -euo pipefail
[ -n "${BENCH_DEBUG:-}" ] && set -x
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-1}
JAVA_OPTS=${JAVA_OPTS:-}
EMULATOR_PORT=18089 GATEWAY_PORT=18080 NGINX_PORT=18081
work=$(mktemp -d)
chmod 755 "$work"   # nginx workers run as www-data
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; }
trap cleanup EXIT

need() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || { echo "installing $2"; apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need wrk wrk
need nginx nginx-light

echo "== building the gateway and the emulator"
./mvnw -B -q package -DskipTests
./mvnw -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/emulator.classpath -Dmdep.includeScope=test

echo "== starting the emulator (:$EMULATOR_PORT) and the gateway (:$GATEWAY_PORT)"
java -cp "target/test-classes:$(cat target/emulator.classpath)" io.titlesgateway.emulator.LightcastEmulator \
  --port $EMULATOR_PORT --rate 100000 > "$work/emulator.log" 2>&1 &
pids+=($!)
# the budget is lifted so that the Zipf run measures the cache, not the 5/s pacing
TITLES_AUTH=none LIGHTCAST_CLIENT_ID=gateway-test LIGHTCAST_CLIENT_SECRET=emulator-secret-7c1d9f \
LIGHTCAST_API_URL=http://127.0.0.1:$EMULATOR_PORT/titles LIGHTCAST_AUTH_URL=http://127.0.0.1:$EMULATOR_PORT \
LIGHTCAST_RATE_LIMIT=100000 QUARKUS_HTTP_PORT=$GATEWAY_PORT \
  java $JAVA_OPTS -jar target/quarkus-app/quarkus-run.jar > "$work/gateway.log" 2>&1 &
gateway=$!
pids+=($gateway)
for _ in $(seq 1 60); do curl -sf -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/q/health/ready" && break; sleep 0.5; done

id=$(curl -sf "http://127.0.0.1:$GATEWAY_PORT/titles/versions/5.47/titles?q=data+scientist&limit=1" | sed -E 's/.*"id":"([^"]+)".*/\1/')
path="/titles/versions/5.47/titles/$id"
search_path="/titles/versions/5.47/titles?q=nurse&limit=10"
mkdir -p "$work/html$(dirname "$path")"
# each answer fetched once warms the cache, and nginx serves the same bytes
curl -sf "http://127.0.0.1:$GATEWAY_PORT$path" > "$work/html$path"
curl -sf "http://127.0.0.1:$GATEWAY_PORT$search_path" > "$work/html/search.json"
curl -sf -H 'Content-Type: text/plain' --data 'Registered Nurse' "http://127.0.0.1:$GATEWAY_PORT/titles/versions/5.47/normalize" \
  > "$work/html/normalize.json"
chmod -R a+rX "$work/html"
cat > "$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  server { listen 127.0.0.1:$NGINX_PORT; root $work/html; }
}
CONF
nginx -c "$work/nginx.conf"
curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT$path"

gateway_url() { # kind
  case $1 in
    title) echo "http://127.0.0.1:$GATEWAY_PORT$path" ;;
    search) echo "http://127.0.0.1:$GATEWAY_PORT$search_path" ;;
    normalize) echo "http://127.0.0.1:$GATEWAY_PORT" ;;
  esac
}
nginx_url() { # kind
  case $1 in
    title) echo "http://127.0.0.1:$NGINX_PORT$path" ;;
    search) echo "http://127.0.0.1:$NGINX_PORT/search.json" ;;
    normalize) echo "http://127.0.0.1:$NGINX_PORT/normalize.json" ;;
  esac
}
run_wrk() { # url, output, kind (normalize posts)
  local script=()
  [ "${3:-}" = normalize ] && script=(-s bench/lua/normalize-one.lua)
  TERM_TO_ASK="Registered Nurse" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${script[@]}" "$1" > "$2"
}
rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
# the gateway's CPU time so far, user and system, in clock ticks: what a hit costs, whatever nginx's luck in its run
cpu_ticks() { awk '{print $14 + $15}' "/proc/$gateway/stat"; }
# CPU milliseconds per 1,000 answers: ticks spent, the wrk output
cpu_per_thousand() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" '/requests in/ {printf "%.0f", 1000 * 1000 * t / hz / $1}' "$2"; }
pct() { awk -v p="$2" '$1 == p {print $2}' "$1"; }

echo "== cache hits: 20 s of JIT warm-up, then $ROUNDS rounds of gateway and nginx alternating per kind of hit, $THREADS threads, $CONNECTIONS connections, $DURATION each"
for kind in title search normalize; do
  run_wrk "$(gateway_url $kind)" /dev/null $kind
done
DURATION=5s run_wrk "$(nginx_url title)" /dev/null
rounds_table=""
medians=""
cpu_medians=""
for kind in title search normalize; do
  ratios=()
  cpus=()
  for round in $(seq 1 "$ROUNDS"); do
    ticks=$(cpu_ticks)
    run_wrk "$(gateway_url $kind)" "$work/gateway-$kind-$round.wrk" $kind
    cpu=$(cpu_per_thousand $(($(cpu_ticks) - ticks)) "$work/gateway-$kind-$round.wrk")
    cpus+=("$cpu")
    run_wrk "$(nginx_url $kind)" "$work/nginx-$kind-$round.wrk"
    grep -q "Non-2xx" "$work/gateway-$kind-$round.wrk" && { echo "gateway answered errors:"; cat "$work/gateway-$kind-$round.wrk"; exit 1; }
    gw=$(rps "$work/gateway-$kind-$round.wrk"); ng=$(rps "$work/nginx-$kind-$round.wrk")
    ratio=$(awk -v a="$gw" -v b="$ng" 'BEGIN {printf "%.2f", a / b}')
    ratios+=("$ratio")
    rounds_table+="| $kind | $round | $gw | $(pct "$work/gateway-$kind-$round.wrk" 50%) | $(pct "$work/gateway-$kind-$round.wrk" 99%) | $ng | $(pct "$work/nginx-$kind-$round.wrk" 50%) | $(pct "$work/nginx-$kind-$round.wrk" 99%) | $ratio | $cpu |"$'\n'
  done
  medians+="$kind $(median "${ratios[@]}"), "
  cpu_medians+="$kind $(median "${cpus[@]}") ms, "
done
medians=${medians%, }
cpu_medians=${cpu_medians%, }

echo "== Zipf-like mix of 1,000 searches, 10,000 requests, cold cache for those keys"
before=$(curl -sf "http://127.0.0.1:$EMULATOR_PORT/emulator/stats" | sed -E 's/.*"apiCalls":([0-9]+).*/\1/')
ZIPF_REQUESTS_PER_THREAD=5000 wrk -t2 -c16 -d30s -s bench/lua/zipf.lua "http://127.0.0.1:$GATEWAY_PORT" > "$work/zipf.wrk"
after=$(curl -sf "http://127.0.0.1:$EMULATOR_PORT/emulator/stats" | sed -E 's/.*"apiCalls":([0-9]+).*/\1/')
zipf_requests=$(awk '/requests in/ {print $1}' "$work/zipf.wrk")
upstream=$((after - before))

report=$(cat <<REPORT
Cache hits ($CONNECTIONS connections, $THREADS wrk threads, $DURATION a run, JVM options: ${JAVA_OPTS:-none}): title = GET $path,
search = GET $search_path, normalize = POST text/plain "Registered Nurse" to /titles/versions/5.47/normalize:

| hit | round | gateway req/s | p50 | p99 | nginx req/s | p50 | p99 | gateway / nginx | gateway CPU ms per 1,000 answers |
|---|---|---|---|---|---|---|---|---|---|
${rounds_table}
Median gateway / nginx ratio: $medians

Median gateway CPU (user and system) per 1,000 answers: $cpu_medians

| Zipf-like mix (s = 1) of 1,000 keys | value |
|---|---|
| gateway requests | $zipf_requests |
| upstream calls | $upstream |
| upstream calls per 1,000 gateway requests | $(awk -v u="$upstream" -v r="$zipf_requests" 'BEGIN {printf "%.1f", 1000 * u / r}') (a client without a cache: 1,000) |
REPORT
)
echo "$report"
mkdir -p bench/results
{ echo "# gateway-cache.sh, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"; echo; echo "$report"; echo; echo '```'; cat "$work"/gateway-title-*.wrk "$work"/nginx-title-*.wrk "$work/zipf.wrk"; echo '```'; } > bench/results/gateway-cache.md
