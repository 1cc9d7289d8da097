#!/usr/bin/env bash
# The answer store's read-back and lookups: N answers (default 1,000,000) of a realistic size are
# written to a store, which is then opened again (the index read back, as a replica starts) and
# looked up. Needs the compiled classes (./mvnw package). Usage: bench/store.sh [N] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-1000000}
runs=${2:-3}
logging=$(find ~/.m2/repository/org/jboss/logging/jboss-logging -name 'jboss-logging-*.jar' | sort | tail -1)
for run in $(seq 1 "$runs"); do
  java -Xmx512m -cp "target/classes:$logging" bench/store/ReadBack.java "$count"
done
