#!/usr/bin/env bash
# The catalog on real job titles as postings name them (bench/catalog/real-titles.tsv, labelled by hand
# with the SOC codes a reader would accept), then on current titles held out of the table of current
# titles (bench/catalog/current-titles-held-out.tsv), each apart for titles O*NET lists, titles only
# the table lists and titles neither lists: the packaged gateway, no Lightcast credentials, asked over
# HTTP (inspect, the first five candidates); and O*NET's own titles written as postings also write
# them: turned round at a comma, named as alternatives with a slash (the first candidate).
# Needs ./mvnw package and python3. Usage: bench/catalog-real-titles.sh
set -euo pipefail
cd "$(dirname "$0")/.."
port=18401
TITLES_AUTH=none QUARKUS_HTTP_PORT=$port java -jar target/quarkus-app/quarkus-run.jar > /tmp/catalog-real-titles.log 2>&1 &
gateway=$!
trap 'kill $gateway 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$port/q/health/ready" && break; sleep 0.5; done
{
  echo "## bench/catalog/real-titles.tsv"
  python3 bench/catalog/real_titles.py $port
  echo
  echo "## bench/catalog/current-titles-held-out.tsv"
  python3 bench/catalog/real_titles.py $port bench/catalog/current-titles-held-out.tsv
  echo
  echo "## O*NET's titles written otherwise (bench/catalog/written_otherwise.py)"
  python3 bench/catalog/written_otherwise.py $port
} | tee bench/results/catalog-real-titles.md
