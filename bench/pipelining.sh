#!/usr/bin/env bash
# Pipelined HTTP/1.1 requests: what a caller that pipelines without reading its answers makes the
# gateway hold, and what holding each connection's requests until the answer before them has gone
# out (api.PipelineBound) costs callers that do read. Each round starts the gateway as users
# start it (java -jar) with a pod's heap (JAVA_OPTS, by default the JVM image's options with the
# 192 MB heap of a 384 Mi pod), warms a search, then:
#   - hits: wrk -c64, one request at a time per connection (keep-alive), on the cached search;
#   - pipelined hits: wrk -c64, DEPTH requests at once per connection, each batch read before the next;
#   - the flood: FLOOD_CONNECTIONS connections each sending pipelined searches for FLOOD_TIME without
#     reading anything; reports the bytes the gateway took in, its peak resident memory, and whether it lived.
# With BEFORE_JAR (a quarkus-run.jar built from another commit, e.g. in a git worktree) the rounds
# alternate between it and this checkout's jar, side by side on the same machine, and the ratios are reported.
#   BEFORE_JAR=/tmp/before/target/quarkus-app/quarkus-run.jar bash bench/pipelining.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-10s}
DEPTH=${DEPTH:-16}
FLOOD_CONNECTIONS=${FLOOD_CONNECTIONS:-50}
FLOOD_TIME=${FLOOD_TIME:-15}
JAVA_OPTS=${JAVA_OPTS:--Xmx192m -XX:+UseParallelGC -XX:+ExitOnOutOfMemoryError}
AFTER_JAR=${AFTER_JAR:-target/quarkus-app/quarkus-run.jar}
BEFORE_JAR=${BEFORE_JAR:-}
EMULATOR_PORT=18189 GATEWAY_PORT=18180
SEARCH="/titles/versions/5.47/titles?q=nurse&limit=1000"
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
[ -f "$AFTER_JAR" ] || ./mvnw -B -q package -DskipTests
[ -f target/emulator.classpath ] || ./mvnw -B -q test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/emulator.classpath -Dmdep.includeScope=test

java -cp "target/test-classes:$(cat target/emulator.classpath)" io.titlesgateway.emulator.LightcastEmulator \
  --port $EMULATOR_PORT --rate 100000 > "$work/emulator.log" 2>&1 &
pids+=($!)

cat > "$work/flood.py" <<'PY'
import socket, sys, time
port, connections, seconds, path = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
batch = ("GET %s HTTP/1.1\r\nHost: bench\r\n\r\n" % path).encode() * 200
sockets = []
for _ in range(connections):
    s = socket.create_connection(("127.0.0.1", port)); s.setblocking(False); sockets.append(s)
sent, started = 0, time.time()
while time.time() - started < seconds:
    for s in sockets:
        try: sent += s.send(batch)
        except (BlockingIOError, OSError): pass
    time.sleep(0.005)
print(sent)
PY

gateway_pid=
start_gateway() { # jar
  TITLES_AUTH=none LIGHTCAST_CLIENT_ID=gateway-test LIGHTCAST_CLIENT_SECRET=emulator-secret-7c1d9f \
  LIGHTCAST_API_URL=http://127.0.0.1:$EMULATOR_PORT/titles LIGHTCAST_AUTH_URL=http://127.0.0.1:$EMULATOR_PORT \
  LIGHTCAST_RATE_LIMIT=100000 QUARKUS_HTTP_PORT=$GATEWAY_PORT \
    java $JAVA_OPTS -jar "$1" > "$work/gateway.log" 2>&1 &
  gateway_pid=$!
  pids+=($gateway_pid)
  for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/q/health/live" && break; sleep 0.5; done
  curl -sf -o /dev/null "http://127.0.0.1:$GATEWAY_PORT$SEARCH"
}
stop_gateway() { kill -9 "$gateway_pid" 2>/dev/null || true; wait "$gateway_pid" 2>/dev/null || true; }
rate() { awk '/Requests\/sec/ { printf "%d", $2 }'; }

round() { # label jar
  start_gateway "$2"
  wrk -t1 -c64 -d5s "http://127.0.0.1:$GATEWAY_PORT$SEARCH" > /dev/null   # warm-up
  hits=$(wrk -t1 -c64 -d"$DURATION" "http://127.0.0.1:$GATEWAY_PORT$SEARCH" | rate)
  pipelined=$(DEPTH=$DEPTH wrk -t1 -c64 -d"$DURATION" -s bench/lua/pipelined.lua "http://127.0.0.1:$GATEWAY_PORT$SEARCH" | rate)
  peak=0
  python3 "$work/flood.py" $GATEWAY_PORT "$FLOOD_CONNECTIONS" "$FLOOD_TIME" "$SEARCH" > "$work/sent" &
  flood=$!
  while kill -0 $flood 2>/dev/null; do
    rss=$(awk '/VmRSS/ { print int($2 / 1024) }' /proc/$gateway_pid/status 2>/dev/null || echo 0)
    [ "${rss:-0}" -gt "$peak" ] && peak=$rss
    sleep 0.2
  done
  alive=no
  curl -sf -m 10 -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/q/health/live" && alive=yes
  echo "| $1 | $hits | $pipelined | $(( $(cat "$work/sent") / 1048576 )) MB | $peak MB | $alive |"
  stop_gateway
}

echo "Pipelining, $(nproc) cores, JAVA_OPTS=$JAVA_OPTS, DEPTH=$DEPTH, flood $FLOOD_CONNECTIONS connections for ${FLOOD_TIME}s, on $SEARCH"
echo
echo "| jar | hits/s (keep-alive) | hits/s (pipelined) | flood sent (socket buffers included) | peak resident | alive after |"
echo "|---|---|---|---|---|---|"
for r in $(seq 1 "$ROUNDS"); do
  [ -n "$BEFORE_JAR" ] && round "before (round $r)" "$BEFORE_JAR"
  round "this checkout (round $r)" "$AFTER_JAR"
done
