#!/usr/bin/env bash
# JVM start to ready (GET /q/health/ready answers 200) of the packaged gateway serving the catalog
# (what a Knative pod scaling from zero pays), with and without the AppCDS archive Quarkus builds
# (-Dquarkus.package.jar.appcds.enabled=true), and with it plus C1 only (-XX:TieredStopAtLevel=1,
# quicker to start, slower at full speed), runs alternating so all see the same machine.
# Prints each run, then the medians and their ratio; writes bench/results/startup.md.
# Usage: bench/startup.sh          (RUNS=7)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-7}
PORT=18380
BASE_OPTS=${JAVA_OPTS:--XX:+UseParallelGC}
./mvnw -B -q package -DskipTests -Dquarkus.package.jar.appcds.enabled=true
[ -f target/quarkus-app/app-cds.jsa ] || { echo "no AppCDS archive was built"; exit 1; }
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null || true' EXIT

ready_ms() { # $@: JVM options
  local began now
  began=$(date +%s%N)
  # from the app's own directory: the archive records the class path as quarkus-run.jar, relative
  (cd target/quarkus-app && QUARKUS_HTTP_PORT=$PORT exec java "$@" -jar quarkus-run.jar) > /tmp/startup.log 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/q/health/ready"; do sleep 0.01; done
  now=$(date +%s%N)
  kill "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done; pid=""
  echo $(( (now - began) / 1000000 ))
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

{
echo "# bench/startup.sh (RUNS=$RUNS), $(date +%F), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| run | plain: ms to ready | AppCDS: ms to ready | AppCDS and C1 only: ms to ready |"
echo "|---|---|---|---|"
plain=() cds=() c1=()
for run in $(seq 1 "$RUNS"); do
  p=$(ready_ms $BASE_OPTS)
  c=$(ready_ms $BASE_OPTS -XX:SharedArchiveFile=app-cds.jsa -Xshare:auto)
  q=$(ready_ms $BASE_OPTS -XX:SharedArchiveFile=app-cds.jsa -Xshare:auto -XX:TieredStopAtLevel=1)
  plain+=("$p"); cds+=("$c"); c1+=("$q")
  echo "| $run | $p | $c | $q |"
done
mp=$(printf '%s\n' "${plain[@]}" | median)
mc=$(printf '%s\n' "${cds[@]}" | median)
mq=$(printf '%s\n' "${c1[@]}" | median)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo
echo "Median: plain $mp ms; AppCDS $mc ms ($(ratio "$mc" "$mp") x plain); AppCDS and C1 only $mq ms ($(ratio "$mq" "$mp") x plain)"
} | tee bench/results/startup.md
