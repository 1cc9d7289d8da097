#!/usr/bin/env bash
# Cold start as Knative sees it, for each image of src/main/docker built here on the Debian-made bases
# (src/main/docker/local-bases.sh): JVM 17 (Dockerfile.jvm), JDK 25 with its AOT cache trained in the
# image build (Dockerfile.jvm25), and native (Dockerfile.native-micro). Each run starts a container as
# the manifests run it (read-only root, /tmp tmpfs, 384 Mi, one CPU, host network) and times, from
# `podman run` and from the process's own start (the container's StartedAt):
#   - ready (GET /q/health/ready answers 200), then the first catalog normalize answered;
#   - in Lightcast mode (the emulator at 5 requests/s on loopback, answering each call after LATENCY_MS,
#     as a distant Lightcast would): the first Lightcast normalize answered;
# runs alternate between the images so that all see the same machine; medians and ratios to JVM 17.
# Then, once per image: resident memory of the process after 1,000 catalog normalizations, and cache-hit
# throughput (GET of one title by id, Lightcast mode, X-Cache: HIT) measured for DURATION after WARMUP.
# Needs the jar (./mvnw package) and the native executable (./mvnw package -Dnative, with GRAALVM_HOME
# from src/main/native/toolchain.sh on these machines); builds the images; writes bench/results/images.md.
# Usage: bench/images.sh      (RUNS=5 WARMUP=30s DURATION=10s LATENCY_MS=150 IMAGES="jvm jvm25 native")
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-30s}
DURATION=${DURATION:-10s}
LATENCY_MS=${LATENCY_MS:-150}
IMAGES=(${IMAGES:-jvm jvm25 native})
PORT=18480
EMULATOR_PORT=18489
export CONTAINERS_CONF=$PWD/src/main/docker/podman/containers.conf
command -v wrk >/dev/null || { echo "installing wrk"; apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
src/main/docker/local-bases.sh
[ -f target/quarkus-app/quarkus-run.jar ] || { echo "no jar: run ./mvnw package first"; exit 1; }
ls target/*-runner >/dev/null 2>&1 || { echo "no native executable: run ./mvnw package -Dnative first"; exit 1; }
[ -d target/native-libs ] || src/main/native/runtime-libs.sh

declare -A dockerfile=([jvm]=Dockerfile.jvm [jvm25]=Dockerfile.jvm25 [native]=Dockerfile.native-micro)
declare -A base=([jvm]=jre17 [jvm25]=jre25 [native]=native)
for image in "${IMAGES[@]}"; do
  args=(--build-arg "BASE_IMAGE=localhost/titles-gateway-base:${base[$image]}")
  [ "$image" = native ] && [ -d target/native-libs ] && args+=(--build-arg RUNTIME_LIBS=target/native-libs)
  echo "building $image"
  podman build --quiet -f "src/main/docker/${dockerfile[$image]}" "${args[@]}" -t "localhost/titles-gateway:$image-bench" . >/dev/null
done

emulator=""
container=""
trap '[ -z "$container" ] || podman rm -f -t 1 "$container" >/dev/null 2>&1 || true; [ -z "$emulator" ] || kill "$emulator" 2>/dev/null || true' EXIT
java -cp "target/test-classes:target/quarkus-app/lib/main/*" io.titlesgateway.emulator.LightcastEmulator \
  --port $EMULATOR_PORT --rate 5 --latency-ms "$LATENCY_MS" > /tmp/images-emulator.log 2>&1 &
emulator=$!
LIGHTCAST=(-e LIGHTCAST_CLIENT_ID=gateway-test -e LIGHTCAST_CLIENT_SECRET=emulator-secret-7c1d9f
  -e LIGHTCAST_API_URL=http://127.0.0.1:$EMULATOR_PORT/titles -e LIGHTCAST_AUTH_URL=http://127.0.0.1:$EMULATOR_PORT)
until curl -s -o /dev/null "http://127.0.0.1:$EMULATOR_PORT/emulator/stats"; do sleep 0.1; done

run() { # image, mode (catalog|lightcast): starts the container as the manifests run it
  local env=(-e TITLES_BACKEND=catalog)
  [ "$2" = lightcast ] && env=("${LIGHTCAST[@]}")
  container=$(podman run -d --network host --read-only --tmpfs /tmp:rw,size=64m --cap-drop ALL \
    --security-opt no-new-privileges --memory 384m --cpus 1 -e QUARKUS_HTTP_PORT=$PORT -e TITLES_AUTH=none \
    "${env[@]}" "localhost/titles-gateway:$1-bench")
}
stop() { podman rm -f -t 10 "$container" >/dev/null; container=""; }
ready() { until curl -sf -o /dev/null "http://127.0.0.1:$PORT/q/health/ready"; do sleep 0.005; done; }
normalize() { curl -sf -o /dev/null -H 'Content-Type: text/plain' --data "$1" "http://127.0.0.1:$PORT/titles/versions/latest/normalize"; }
started_ns() { date -d "$(podman inspect --format '{{.State.StartedAt}}' "$container" | sed 's/ +0000 UTC//')" +%s%N; }
ms() { echo $(( ($1 - $2) / 1000000 )); }

measure() { # image, mode: "run→ready process→ready run→answer process→answer" in ms
  local began ready_at answered_at process
  began=$(date +%s%N)
  run "$1" "$2"
  ready
  ready_at=$(date +%s%N)
  normalize "registered nurse $began" || { echo "the first normalize failed ($1, $2)" >&2; podman logs "$container" | tail -20 >&2; exit 1; }
  answered_at=$(date +%s%N)
  process=$(started_ns)
  stop
  echo "$(ms "$ready_at" "$began") $(ms "$ready_at" "$process") $(ms "$answered_at" "$began") $(ms "$answered_at" "$process")"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

declare -A figures
for run_number in $(seq 1 "$RUNS"); do
  for image in "${IMAGES[@]}"; do
    for mode in catalog lightcast; do
      read -r run_ready process_ready run_answer process_answer <<< "$(measure "$image" "$mode")"
      figures[$image.$mode.run_ready]+="$run_ready "
      figures[$image.$mode.process_ready]+="$process_ready "
      figures[$image.$mode.run_answer]+="$run_answer "
      figures[$image.$mode.process_answer]+="$process_answer "
      echo "run $run_number $image $mode: podman run→ready $run_ready ms (process→ready $process_ready), →first answer $run_answer ms (process→answer $process_answer)"
    done
  done
done

declare -A rss hits
for image in "${IMAGES[@]}"; do
  run "$image" catalog
  ready
  seq 1 1000 | xargs -P 8 -I{} curl -sf -o /dev/null -H 'Content-Type: text/plain' --data "store manager {}" \
    "http://127.0.0.1:$PORT/titles/versions/latest/normalize"
  pid=$(podman inspect --format '{{.State.Pid}}' "$container")
  rss[$image]=$(awk '/VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$pid/status")
  stop
  run "$image" lightcast
  ready
  id=$(curl -sf -H 'Content-Type: text/plain' --data 'data scientist' "http://127.0.0.1:$PORT/titles/versions/latest/normalize" \
    | sed -E 's/.*"id":"([^"]+)".*/\1/')
  version=$(curl -sf "http://127.0.0.1:$PORT/titles/meta" | sed -E 's/.*"latestVersion":"([^"]+)".*/\1/')
  url="http://127.0.0.1:$PORT/titles/versions/$version/titles/$id"
  curl -sf -o /dev/null "$url"
  wrk -t2 -c64 -d"$WARMUP" "$url" >/dev/null
  hits[$image]=$(wrk -t2 -c64 -d"$DURATION" "$url" | awk '/Requests\/sec/ { printf "%d", $2 }')
  stop
  echo "$image: resident ${rss[$image]} MB after 1,000 normalizations; ${hits[$image]} cache hits/s after $WARMUP"
done

first=${IMAGES[0]}
{
  echo "# Images: cold start, memory, cache hits ($(date -u +%Y-%m-%d), RUNS=$RUNS, emulator latency $LATENCY_MS ms, load $(cut -d' ' -f1-3 /proc/loadavg))"
  echo
  echo "Medians in ms; ratios to $first. \`bench/images.sh\`."
  echo
  printf '| median |'; for image in "${IMAGES[@]}"; do printf ' %s |' "$image"; done; echo
  printf '|---|'; for _ in "${IMAGES[@]}"; do printf -- '---|'; done; echo
  for mode in catalog lightcast; do
    for figure in run_ready process_ready run_answer process_answer; do
      case $figure in
        run_ready) label="podman run → ready" ;; process_ready) label="process start → ready" ;;
        run_answer) label="podman run → first answer" ;; process_answer) label="process start → first answer" ;;
      esac
      base_value=$(echo "${figures[$first.$mode.$figure]}" | tr ' ' '\n' | grep . | median)
      printf '| %s, %s |' "$label" "$mode"
      for image in "${IMAGES[@]}"; do
        value=$(echo "${figures[$image.$mode.$figure]}" | tr ' ' '\n' | grep . | median)
        printf ' %s (%s×) |' "$value" "$(ratio "$value" "$base_value")"
      done
      echo
    done
  done
  printf '| resident MB after 1,000 catalog normalizations |'; for image in "${IMAGES[@]}"; do printf ' %s |' "${rss[$image]}"; done; echo
  printf '| cache hits/s after %s (wrk -t2 -c64) |' "$WARMUP"
  for image in "${IMAGES[@]}"; do printf ' %s (%s×) |' "${hits[$image]}" "$(ratio "${hits[$image]}" "${hits[$first]}")"; done; echo
} | tee bench/results/images.md
