#!/usr/bin/env bash
# What a Knative pod scaling from zero, and the request that woke it, pay: JVM launch to ready (GET
# /q/health/ready answers 200) and to the first normalize answered, of the packaged gateway
#   - serving the catalog, and
#   - serving Lightcast (the emulator at Lightcast's 5 requests/s, on loopback): the first token,
#     /status, the warm-up and the normalize call are all inside the figure;
# then resident memory after 1,000 requests, and cache-hit throughput after 30 s of warm-up.
# Four ways to start the same jar (built on JDK 17), runs alternating so all see the same machine:
#   - JDK 17 plain;
#   - JDK 17 with the AppCDS archive Quarkus builds (-Dquarkus.package.jar.appcds.enabled=true);
#   - JDK 25 (JAVA25, default the Temurin 25 of these machines) plain;
#   - JDK 25 with an AOT cache (JEP 483/514/515) trained here first by src/main/aot/train.sh, as
#     `./mvnw package -Paot` trains it.
# Prints each run, then the medians and their ratios to JDK 17 plain; writes bench/results/startup.md.
# Usage: bench/startup.sh     (RUNS=5 WARMUP=30s DURATION=10s ROUNDS=2 JAVA25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-30s}
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-2}
PORT=18380
EMULATOR_PORT=18389
BASE_OPTS=${JAVA_OPTS:--XX:+UseParallelGC}
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
[ -x "$JAVA25" ] || { echo "no JDK 25 at $JAVA25 (set JAVA25)"; exit 1; }
command -v wrk >/dev/null || { echo "installing wrk"; apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
./mvnw -B -q package -DskipTests -Dquarkus.package.jar.appcds.enabled=true
[ -f target/quarkus-app/app-cds.jsa ] || { echo "no AppCDS archive was built"; exit 1; }
pid=""
emulator=""
PIDFILE=$(mktemp)   # the gateway's pid, also when it was started in a $(...) subshell
trap 'kill "$(cat "$PIDFILE")" 2>/dev/null || true; [ -z "$emulator" ] || kill "$emulator" 2>/dev/null || true; rm -f "$PIDFILE"' EXIT

# the emulator needs only Jackson, which the gateway's own libraries hold
java -cp "target/test-classes:target/quarkus-app/lib/main/*" io.titlesgateway.emulator.LightcastEmulator \
  --port $EMULATOR_PORT --rate 5 > /tmp/startup-emulator.log 2>&1 &
emulator=$!
LIGHTCAST=(LIGHTCAST_CLIENT_ID=gateway-test LIGHTCAST_CLIENT_SECRET=emulator-secret-7c1d9f
  LIGHTCAST_API_URL=http://127.0.0.1:$EMULATOR_PORT/titles LIGHTCAST_AUTH_URL=http://127.0.0.1:$EMULATOR_PORT)

start() { # mode (catalog|lightcast), java, then JVM options: from the app's own directory, where the archives record quarkus-run.jar
  local mode=$1 java=$2
  shift 2
  local env=(TITLES_BACKEND=catalog)
  [ "$mode" = lightcast ] && env=("${LIGHTCAST[@]}")
  (cd target/quarkus-app && exec env "${env[@]}" QUARKUS_HTTP_PORT=$PORT TITLES_AUTH=none "$java" "$@" -jar quarkus-run.jar) > /tmp/startup.log 2>&1 &
  pid=$!
  echo "$pid" > "$PIDFILE"
}
stop() { kill "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done; pid=""; }
ready() { until curl -sf -o /dev/null "http://127.0.0.1:$PORT/q/health/ready"; do sleep 0.01; done; }

launch() { # mode, way 0-3: one of the four ways to start the jar
  case $2 in
    0) start "$1" java $BASE_OPTS ;;
    1) start "$1" java $BASE_OPTS -XX:SharedArchiveFile=app-cds.jsa -Xshare:auto ;;
    2) start "$1" "$JAVA25" $BASE_OPTS ;;
    3) start "$1" "$JAVA25" $BASE_OPTS -XX:AOTCache=app.aot ;;
  esac
}

measure() { # mode, way: "ms to ready ms to the first normalize" (a title never asked before, that both modes match)
  local began ready_at answered_at
  began=$(date +%s%N)
  launch "$1" "$2"
  ready
  ready_at=$(date +%s%N)
  curl -sf -o /dev/null -H 'Content-Type: text/plain' --data "registered nurse $began" \
    "http://127.0.0.1:$PORT/titles/versions/latest/normalize" || { echo "the first normalize failed ($1, way $2)" >&2; stop; exit 1; }
  answered_at=$(date +%s%N)
  stop
  echo "$(( (ready_at - began) / 1000000 )) $(( (answered_at - began) / 1000000 ))"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

JAVA25="$JAVA25" src/main/aot/train.sh target/quarkus-app
labels=("JDK 17 plain" "JDK 17 AppCDS" "JDK 25 plain" "JDK 25 AOT cache")
header="| ${labels[0]} | ${labels[1]} | ${labels[2]} | ${labels[3]} |"
{
echo "# bench/startup.sh (RUNS=$RUNS), $(date +%F), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "AOT cache trained on JDK 25 ($("$JAVA25" -version 2>&1 | head -1)), by src/main/aot/train.sh: $(du -h target/quarkus-app/app.aot | cut -f1)"
echo
declare -A cells
for mode in catalog lightcast; do
  echo "## $mode"
  echo
  echo "| run $header"
  echo "|---|---|---|---|---|"
  for run in $(seq 1 "$RUNS"); do
    row="| $run |"
    for way in 0 1 2 3; do
      result=$(measure "$mode" "$way")   # a failed measure stops the script here
      read -r r f <<< "$result"
      cells[$mode,ready,$way]+="$r "
      cells[$mode,first,$way]+="$f "
      row+=" $r / $f ms |"
    done
    echo "$row"
  done
  echo
done
echo "Each cell: ms to ready / ms to the first normalize answered, from launch."
echo
echo "| median $header"
echo "|---|---|---|---|---|"
for mode in catalog lightcast; do
  for what in ready first; do
    base=$(printf '%s\n' ${cells[$mode,$what,0]} | median)
    line="| launch → $([ "$what" = ready ] && echo ready || echo 'first normalize answered') ($mode) |"
    for way in 0 1 2 3; do
      m=$(printf '%s\n' ${cells[$mode,$what,$way]} | median)
      line+=" $m ms ($(ratio "$m" "$base")×) |"
    done
    echo "$line"
  done
done
echo
rss_row="| RSS after 1,000 requests (catalog) |"
for way in 0 1 2 3; do
  launch catalog "$way"
  ready
  # 1,000 catalog normalizations of 100 distinct titles, 8 at a time
  seq 1 1000 | xargs -P 8 -I{} sh -c 'curl -s -o /dev/null -H "Content-Type: text/plain" --data "nurse $(( {} % 100 ))" \
    "http://127.0.0.1:'$PORT'/titles/versions/latest/normalize"'
  rss_row+=" $(awk '/^VmRSS/ { printf "%.0f MB", $2 / 1024 }' "/proc/$pid/status") |"
  stop
done
echo "| $header"
echo "|---|---|---|---|---|"
echo "$rss_row"
echo
# cache hits, Lightcast mode: one title fetched once, then GET it with wrk, WARMUP unmeasured, DURATION measured
declare -A rps
for round in $(seq 1 "$ROUNDS"); do
  for way in 0 1 2 3; do
    launch lightcast "$way"
    ready
    id=$(curl -sf "http://127.0.0.1:$PORT/titles/versions/5.47/titles?q=registered+nurse&limit=1" | sed -E 's/.*"id":"([^"]+)".*/\1/')
    url="http://127.0.0.1:$PORT/titles/versions/5.47/titles/$id"
    curl -sf -o /dev/null "$url"
    wrk -t2 -c64 -d"$WARMUP" "$url" > /dev/null
    rps[$way]+="$(wrk -t2 -c64 -d"$DURATION" "$url" | awk '/Requests\/sec/ { printf "%.0f", $2 }') "
    stop
  done
done
tput_row="| cache hits/s after $WARMUP of warm-up (median of $ROUNDS) |"
tput_base=$(printf '%s\n' ${rps[0]} | median)
for way in 0 1 2 3; do
  m=$(printf '%s\n' ${rps[$way]} | median)
  tput_row+=" $m ($(ratio "$m" "$tput_base")×) |"
done
echo "| $header"
echo "|---|---|---|---|---|"
echo "$tput_row"
echo
echo "Cache hits: GET /titles/versions/5.47/titles/{id}, Lightcast mode, wrk -t2 -c64, $DURATION measured after $WARMUP unmeasured; each run, req/s:"
for way in 0 1 2 3; do echo "- ${labels[$way]}: ${rps[$way]}"; done
} | tee bench/results/startup.md
