#!/usr/bin/env bash
# Quality and in-process speed of the embedded catalog's matcher: top-1 / top-5 SOC accuracy on
# alternate titles held out of the index and perturbed (abbreviations, seniority, locations,
# remote/shift/pay noise, typos), and normalizations per second. Prints a table; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
java -cp "target/test-classes:target/classes:$(cat target/test.classpath)" io.titlesgateway.catalog.CatalogEvaluation | tee bench/results/catalog-eval.md
