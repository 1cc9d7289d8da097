#!/usr/bin/env bash
# Starts the Lightcast emulator (the one the tests use) on its own, for dev mode, demos and benchmarks.
# It compiles only the emulator's own sources, into target/emulator/, with javac: no Maven build of the
# gateway runs, so `./mvnw quarkus:dev` may start at the same time without the two builds colliding.
# Usage: bench/emulator.sh [--port 8089] [--rate 5] [--latency-ms 0] [--client-id ID] [--client-secret SECRET]
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/emulator
mkdir -p "$out/classes"
port=8089
for ((i = 1; i <= $#; i++)); do [ "${!i}" = "--port" ] && { j=$((i + 1)); port=${!j}; }; done
echo "emulator: resolving its one dependency (Jackson) and compiling it into $out/ ..." >&2
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile="$out/classpath" -Dmdep.includeScope=test \
  -Dmdep.includeGroupIds=com.fasterxml.jackson.core >&2
javac -nowarn -d "$out/classes" -cp "$(cat "$out/classpath")" src/test/java/io/titlesgateway/emulator/LightcastEmulator.java \
  src/test/java/io/titlesgateway/emulator/EmulatorTaxonomy.java src/test/java/io/titlesgateway/emulator/ReceivedRequest.java
echo "emulator: starting on http://127.0.0.1:$port (client id gateway-test, secret emulator-secret-7c1d9f unless given)" >&2
exec java -cp "$out/classes:src/test/resources:$(cat "$out/classpath")" io.titlesgateway.emulator.LightcastEmulator "$@"
