#!/usr/bin/env bash
# Starts the Lightcast emulator (the one the tests use) on its own, for dev mode, demos and benchmarks.
# Usage: bench/emulator.sh [--port 8089] [--rate 5] [--latency-ms 0] [--client-id ID] [--client-secret SECRET]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/emulator.classpath -Dmdep.includeScope=test
exec java -cp "target/test-classes:$(cat target/emulator.classpath)" io.titlesgateway.emulator.LightcastEmulator "$@"
