#!/usr/bin/env bash
# Trains the JDK 25 AOT cache (Project Leyden: JEP 483 classes loaded and linked ahead of time,
# JEP 514 one-step training, JEP 515 method profiles) for the packaged gateway in APP_DIR (default
# target/quarkus-app): one run of the jar on JDK 25 under -XX:AOTCacheOutput, then a clean stop,
# which writes APP_DIR/app.aot. A pod then starts with: java -XX:AOTCache=app.aot -jar quarkus-run.jar,
# from APP_DIR, on the same JDK.
#
# One run trains one cache, and a pod may serve either way, so the run plays both when it can:
#   - with the Lightcast emulator at hand (its classes in EMULATOR_CLASSES, default the build's
#     target/test-classes), the gateway serves Lightcast mode against it, catalog as fallback: the first
#     token, /status, the warm-up, every endpoint, the stream; then the emulator stops and normalize
#     falls back to the catalog, which trains the matcher;
#   - without it, the catalog mode alone: normalize as text and JSON, inspect, bulk, search, lookups,
#     the stream.
# Both end with the token endpoint, health and metrics.
# Run by `./mvnw package -Paot`, by Dockerfile.jvm25 and by bench/startup.sh. JAVA25: the JDK 25 java
# (default: these machines' Temurin 25).
set -euo pipefail
APP_DIR=${1:-target/quarkus-app}
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
PORT=${TRAINING_PORT:-18780}
EMULATOR_PORT=${TRAINING_EMULATOR_PORT:-18781}
EMULATOR_CLASSES=${EMULATOR_CLASSES:-$APP_DIR/../test-classes}
OPTS=${JAVA_OPTS:--XX:+UseParallelGC}
[ -x "$JAVA25" ] || { echo "aot: no JDK 25 at $JAVA25 (set JAVA25)" >&2; exit 1; }
[ -f "$APP_DIR/quarkus-run.jar" ] || { echo "aot: no packaged gateway in $APP_DIR" >&2; exit 1; }
rm -f "$APP_DIR/app.aot"
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done' EXIT

mode=catalog
if [ -f "$EMULATOR_CLASSES/io/titlesgateway/emulator/LightcastEmulator.class" ]; then
  mode=lightcast
  # the emulator needs only Jackson, which the gateway's own libraries hold
  "$JAVA25" -cp "$EMULATOR_CLASSES:$APP_DIR/lib/main/*" io.titlesgateway.emulator.LightcastEmulator \
    --port "$EMULATOR_PORT" --rate 1000 > "$APP_DIR/aot-emulator.log" 2>&1 &
  emulator=$!
  pids+=("$emulator")
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$EMULATOR_PORT/emulator/stats" && break; sleep 0.1; done
fi
echo "aot: training on $("$JAVA25" -version 2>&1 | head -1), $mode mode, port $PORT" >&2

lightcast_env=()
[ "$mode" = lightcast ] && lightcast_env=(LIGHTCAST_CLIENT_ID=gateway-test LIGHTCAST_CLIENT_SECRET=emulator-secret-7c1d9f
  LIGHTCAST_API_URL="http://127.0.0.1:$EMULATOR_PORT/titles" LIGHTCAST_AUTH_URL="http://127.0.0.1:$EMULATOR_PORT"
  LIGHTCAST_RATE_LIMIT=1000 TITLES_FALLBACK=catalog LIGHTCAST_RETRY_MAX_RETRIES=0)
(cd "$APP_DIR" && exec env "${lightcast_env[@]}" QUARKUS_HTTP_PORT="$PORT" TITLES_AUTH=none \
  "$JAVA25" $OPTS -XX:AOTCacheOutput=app.aot -jar quarkus-run.jar) > "$APP_DIR/aot-training.log" 2>&1 &
gateway=$!
pids+=("$gateway")
for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/q/health/ready" && break; sleep 0.1; done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/q/health/ready" || {
  echo "aot: the gateway did not become ready for its training; the end of $APP_DIR/aot-training.log:" >&2
  tail -20 "$APP_DIR/aot-training.log" >&2
  exit 1
}

base="http://127.0.0.1:$PORT/titles/versions/latest"
terms=("registered nurse" "software engineer" "Sr. RN - ICU nights" "truck driver" "cashier" "line cook")
normalizations() { # round: every way to ask for a normalization, each term new to the cache
  for term in "${terms[@]}"; do
    curl -s -o /dev/null -H 'Content-Type: text/plain' --data "$term $1" "$base/normalize?fields=id,name,pluralName"
    curl -s -o /dev/null -H 'Content-Type: application/json' --data "{\"term\":\"$term\"}" "$base/normalize"
    curl -s -o /dev/null -H 'Content-Type: application/json' --data "{\"term\":\"$term $1\",\"limit\":5}" "$base/normalize/inspect"
  done
  curl -s -o /dev/null -H 'Content-Type: application/json' --data "{\"terms\":[\"chef $1\",\"welder $1\"]}" "$base/normalize/bulk"
  printf 'chef %s\nwelder %s\nnurse %s\n' "$1" "$1" "$1" | curl -s -o /dev/null -H 'Content-Type: text/plain' --data-binary @- "$base/normalize/stream"
}
lookups() {
  for term in "${terms[@]}"; do
    curl -s -o /dev/null "$base/titles?q=${term// /+}&limit=5"
  done
  id=$(curl -s "$base/titles?q=nurse&limit=1" | sed -E 's/.*"id":"([^"]+)".*/\1/')
  curl -s -o /dev/null "$base/titles/$id"
  curl -s -o /dev/null -H 'Content-Type: application/json' --data "{\"ids\":[\"$id\"]}" "$base/titles"
  curl -s -o /dev/null "http://127.0.0.1:$PORT/titles/meta"
  curl -s -o /dev/null "http://127.0.0.1:$PORT/titles/status"
  curl -s -o /dev/null "http://127.0.0.1:$PORT/titles/versions"
}
hits() { # what a pod mostly does: answer from its caches, thousands of times (the method profiles the cache keeps come from here)
  id=$(curl -s "$base/titles?q=nurse&limit=1" | sed -E 's/.*"id":"([^"]+)".*/\1/')
  for i in $(seq 1 "${TRAINING_HITS:-3000}"); do
    printf 'url = "%s"\noutput = /dev/null\n' "$base/titles/$id" "$base/titles?q=nurse&limit=5"
  done > "$APP_DIR/aot-hits.curl"
  curl -s -K "$APP_DIR/aot-hits.curl"
  local loops=()
  for term in "${terms[@]}"; do
    for i in $(seq 1 100); do
      curl -s -o /dev/null -H 'Content-Type: application/json' --data "{\"term\":\"$term\"}" "$base/normalize"
    done &
    loops+=($!)
  done
  wait "${loops[@]}"
  rm -f "$APP_DIR/aot-hits.curl"
}
normalizations 1
lookups
normalizations 1   # the same again: answered from the caches
hits
if [ "$mode" = lightcast ]; then
  kill "$emulator"
  wait "$emulator" 2>/dev/null || true
  normalizations 2   # Lightcast cannot be reached: the catalog answers normalize
fi
curl -s -o /dev/null -X POST -d 'grant_type=client_credentials&client_id=a&client_secret=b' "http://127.0.0.1:$PORT/connect/token"
curl -s -o /dev/null "http://127.0.0.1:$PORT/q/health/ready"
curl -s -o /dev/null "http://127.0.0.1:$PORT/q/metrics"
kill "$gateway"
while kill -0 "$gateway" 2>/dev/null; do sleep 0.1; done
[ -f "$APP_DIR/app.aot" ] || { echo "aot: no cache was written; see $APP_DIR/aot-training.log" >&2; exit 1; }
echo "aot: $APP_DIR/app.aot, $(du -h "$APP_DIR/app.aot" | cut -f1)" >&2
