#!/usr/bin/env bash
# What a caller's junk costs the embedded catalog: bulk normalizations of 500 terms that are no titles
# (each term up to the 1 kB limit, words of random letters no title holds, and one word of 1,000
# letters), against the jar in catalog mode, one request at a time. Prints the seconds each bulk took
# and, as the baseline in the same run, a bulk of 500 real job titles. Run it at two commits to compare
# (it builds what is checked out). Loopback only.
# Usage: bench/catalog-junk.sh     (ROUNDS=2)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=18281 ROUNDS=${ROUNDS:-2}
./mvnw -B -q package -DskipTests
TITLES_AUTH=none TITLES_BACKEND=catalog QUARKUS_HTTP_PORT=$PORT java -jar target/quarkus-app/quarkus-run.jar > /dev/null 2>&1 &
gateway=$!
trap 'kill $gateway 2>/dev/null || true' EXIT
until curl -sf -o /dev/null "http://127.0.0.1:$PORT/q/health/ready"; do sleep 0.1; done
PORT=$PORT ROUNDS=$ROUNDS python3 - <<'PY'
import json, os, random, string, time, urllib.request
url = "http://127.0.0.1:%s/titles/versions/latest/normalize/bulk" % os.environ["PORT"]
real = [line.split("\t")[0] for line in open("bench/catalog/real-titles.tsv", encoding="utf-8") if "\t" in line and not line.startswith("#")][:500]
real = (real * (500 // max(1, len(real)) + 1))[:500]
def junk(length):
    words = 1000 // (length + 1)
    return [" ".join("".join(random.choice(string.ascii_lowercase) for _ in range(length)) for _ in range(words)) for _ in range(500)]
def seconds(terms):
    started = time.time()
    request = urllib.request.Request(url, json.dumps({"terms": terms}).encode(), {"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=600).read()
    return time.time() - started
print("| round | 500 real titles | 500 terms of 111 words of 8 letters | of 62 words of 15 letters | of 38 words of 25 letters | of one word of 1,000 letters |")
print("|---|---|---|---|---|---|")
for round in range(1, int(os.environ["ROUNDS"]) + 1):
    random.seed(round)
    figures = [seconds(real), seconds(junk(8)), seconds(junk(15)), seconds(junk(25)),
               seconds(["".join(random.choice(string.ascii_lowercase) for _ in range(1000)) for _ in range(500)])]
    print("| %d | %s |" % (round, " | ".join("%.2f s" % f for f in figures)))
PY
