#!/usr/bin/env bash
# Trains the JDK 25 AOT cache (Project Leyden: JEP 483 classes loaded and linked ahead of time,
# JEP 514 one-step training, JEP 515 method profiles) for the packaged gateway in APP_DIR (default
# target/quarkus-app): one run of the jar on JDK 25 under -XX:AOTCacheOutput through the work a
# pod meets (catalog normalize as text and JSON, inspect, bulk, search, lookups by id, the stream,
# the token endpoint, health and metrics), then a clean stop, which writes APP_DIR/app.aot.
# A pod then starts with: java -XX:AOTCache=app.aot -jar quarkus-run.jar, from APP_DIR, on the same JDK.
# Run by `./mvnw package -Paot` (and by bench/startup.sh). JAVA25: the JDK 25 java (default: these machines' Temurin 25).
set -euo pipefail
APP_DIR=${1:-target/quarkus-app}
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
PORT=${TRAINING_PORT:-18780}
OPTS=${JAVA_OPTS:--XX:+UseParallelGC}
[ -x "$JAVA25" ] || { echo "aot: no JDK 25 at $JAVA25 (set JAVA25)" >&2; exit 1; }
[ -f "$APP_DIR/quarkus-run.jar" ] || { echo "aot: no packaged gateway in $APP_DIR" >&2; exit 1; }
rm -f "$APP_DIR/app.aot"
echo "aot: training on $("$JAVA25" -version 2>&1 | head -1), port $PORT" >&2
(cd "$APP_DIR" && QUARKUS_HTTP_PORT=$PORT TITLES_AUTH=none TITLES_BACKEND=catalog exec "$JAVA25" $OPTS -XX:AOTCacheOutput=app.aot \
  -jar quarkus-run.jar) > "$APP_DIR/aot-training.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/q/health/ready" && break; sleep 0.1; done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/q/health/ready" || {
  echo "aot: the gateway did not become ready for its training; the end of $APP_DIR/aot-training.log:" >&2
  tail -20 "$APP_DIR/aot-training.log" >&2
  exit 1
}
base="http://127.0.0.1:$PORT/titles/versions/latest"
for term in "registered nurse" "software engineer" "Sr. RN - ICU nights" "truck driver" "cashier" "line cook"; do
  curl -s -o /dev/null -H 'Content-Type: text/plain' --data "$term" "$base/normalize?fields=id,name,pluralName"
  curl -s -o /dev/null -H 'Content-Type: application/json' --data "{\"term\":\"$term\"}" "$base/normalize"
  curl -s -o /dev/null -H 'Content-Type: application/json' --data "{\"term\":\"$term\",\"limit\":5}" "$base/normalize/inspect"
  curl -s -o /dev/null "$base/titles?q=${term// /+}&limit=5"
done
id=$(curl -s "$base/titles?q=nurse&limit=1" | sed -E 's/.*"id":"([^"]+)".*/\1/')
curl -s -o /dev/null "$base/titles/$id"
curl -s -o /dev/null -H 'Content-Type: application/json' --data "{\"ids\":[\"$id\"]}" "$base/titles"
curl -s -o /dev/null -H 'Content-Type: application/json' --data '{"terms":["chef","welder"]}' "$base/normalize/bulk"
printf 'chef\nwelder\nnurse\n' | curl -s -o /dev/null -H 'Content-Type: text/plain' --data-binary @- "$base/normalize/stream"
curl -s -o /dev/null -X POST -d 'grant_type=client_credentials&client_id=a&client_secret=b' "http://127.0.0.1:$PORT/connect/token"
curl -s -o /dev/null "http://127.0.0.1:$PORT/q/metrics"
kill "$pid"
while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
trap - EXIT
[ -f "$APP_DIR/app.aot" ] || { echo "aot: no cache was written; see $APP_DIR/aot-training.log" >&2; exit 1; }
echo "aot: $APP_DIR/app.aot, $(du -h "$APP_DIR/app.aot" | cut -f1)" >&2
