#!/usr/bin/env bash
# JVM start to ready (GET /q/health/ready answers 200) and to the first normalize answered, of the
# packaged gateway serving the catalog: what a Knative pod scaling from zero, and the request that
# woke it, pay. Four ways to start the same jar (built on JDK 17), runs alternating so all see the
# same machine:
#   - JDK 17 plain;
#   - JDK 17 with the AppCDS archive Quarkus builds (-Dquarkus.package.jar.appcds.enabled=true);
#   - JDK 25 (JAVA25, default the Temurin 25 of these machines) plain;
#   - JDK 25 with an AOT cache (JEP 483/514/515) trained here first by src/main/aot/train.sh, as
#     `./mvnw package -Paot` trains it.
# Prints each run, then the medians and their ratios, then each way's resident memory after 1,000
# catalog normalizations; writes bench/results/startup.md.
# Usage: bench/startup.sh          (RUNS=7 JAVA25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-7}
PORT=18380
BASE_OPTS=${JAVA_OPTS:--XX:+UseParallelGC}
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
[ -x "$JAVA25" ] || { echo "no JDK 25 at $JAVA25 (set JAVA25)"; exit 1; }
./mvnw -B -q package -DskipTests -Dquarkus.package.jar.appcds.enabled=true
[ -f target/quarkus-app/app-cds.jsa ] || { echo "no AppCDS archive was built"; exit 1; }
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null || true' EXIT

start() { # java, then JVM options: from the app's own directory, where the archives record quarkus-run.jar
  local java=$1
  shift
  (cd target/quarkus-app && QUARKUS_HTTP_PORT=$PORT TITLES_AUTH=none exec "$java" "$@" -jar quarkus-run.jar) > /tmp/startup.log 2>&1 &
  pid=$!
}
stop() { kill "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done; pid=""; }
ready() { until curl -sf -o /dev/null "http://127.0.0.1:$PORT/q/health/ready"; do sleep 0.01; done; }

launch() { # way 0-3: one of the four ways to start the jar
  case $1 in
    0) start java $BASE_OPTS ;;
    1) start java $BASE_OPTS -XX:SharedArchiveFile=app-cds.jsa -Xshare:auto ;;
    2) start "$JAVA25" $BASE_OPTS ;;
    3) start "$JAVA25" $BASE_OPTS -XX:AOTCache=app.aot ;;
  esac
}

measure() { # way: "ms to ready ms to the first normalize"
  local began ready_at answered_at
  began=$(date +%s%N)
  launch "$1"
  ready
  ready_at=$(date +%s%N)
  curl -sf -o /dev/null -H 'Content-Type: text/plain' --data 'Sr. RN - ICU nights' \
    "http://127.0.0.1:$PORT/titles/versions/latest/normalize"
  answered_at=$(date +%s%N)
  stop
  echo "$(( (ready_at - began) / 1000000 )) $(( (answered_at - began) / 1000000 ))"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

JAVA25="$JAVA25" src/main/aot/train.sh target/quarkus-app
labels=("JDK 17 plain" "JDK 17 AppCDS" "JDK 25 plain" "JDK 25 AOT cache")
{
echo "# bench/startup.sh (RUNS=$RUNS), $(date +%F), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "AOT cache trained on JDK 25 ($("$JAVA25" -version 2>&1 | head -1)): $(du -h target/quarkus-app/app.aot | cut -f1)"
echo
echo "| run | ${labels[0]} | ${labels[1]} | ${labels[2]} | ${labels[3]} |"
echo "|---|---|---|---|---|"
declare -a ready0 ready1 ready2 ready3 first0 first1 first2 first3
for run in $(seq 1 "$RUNS"); do
  row="| $run |"
  for way in 0 1 2 3; do
    read -r r f <<< "$(measure "$way")"
    eval "ready$way+=($r); first$way+=($f)"
    row+=" $r / $f ms |"
  done
  echo "$row"
done
echo
echo "Each cell: ms to ready / ms to the first normalize answered (catalog), from launch."
echo
echo "| median | ${labels[0]} | ${labels[1]} | ${labels[2]} | ${labels[3]} |"
echo "|---|---|---|---|---|"
r0=$(printf '%s\n' "${ready0[@]}" | median); f0=$(printf '%s\n' "${first0[@]}" | median)
line_r="| launch → ready |"; line_f="| launch → first normalize |"
for way in 0 1 2 3; do
  eval "r=\$(printf '%s\n' \"\${ready$way[@]}\" | median); f=\$(printf '%s\n' \"\${first$way[@]}\" | median)"
  line_r+=" $r ms ($(ratio "$r" "$r0")×) |"
  line_f+=" $f ms ($(ratio "$f" "$f0")×) |"
done
echo "$line_r"
echo "$line_f"
echo
rss_row="| RSS after 1,000 requests |"
for way in 0 1 2 3; do
  launch "$way"
  ready
  # 1,000 catalog normalizations of 100 distinct titles, 8 at a time
  seq 1 1000 | xargs -P 8 -I{} sh -c 'curl -s -o /dev/null -H "Content-Type: text/plain" --data "nurse $(( {} % 100 ))" \
    "http://127.0.0.1:'$PORT'/titles/versions/latest/normalize"'
  jvm=$(pgrep -P "$pid" java || echo "$pid")
  rss_row+=" $(awk '/^VmRSS/ { printf "%.0f MB", $2 / 1024 }' "/proc/$jvm/status") |"
  stop
done
echo "| | ${labels[0]} | ${labels[1]} | ${labels[2]} | ${labels[3]} |"
echo "|---|---|---|---|---|"
echo "$rss_row"
} | tee bench/results/startup.md
