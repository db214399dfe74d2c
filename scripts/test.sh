#!/usr/bin/env bash
# The test command: sets up what is missing, starts the local stack, then runs lint, type-check and
# every test (unit and integration, against the real Kafka, registry and both ClickHouse engines).
# Extra arguments go to vitest (e.g. a file path).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
npx eslint .
npx tsc --noEmit -p tsconfig.json

report=$(mktemp)
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
# A plain closing line that any CI can read, whatever the runner.
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  // A file whose setup or cleanup hook fails fails the run with no failed test: say so on this line too.
  const suites = r.testResults.filter((f) => f.status === "failed" && f.assertionResults.every((t) => t.status !== "failed")).length;
  console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped` + (suites > 0 ? `; ${suites} file(s) failed outside their tests (a hook)` : ""));
' "$report" || echo "Tests: 0 passed, 1 failed"
rm -f "$report"
exit $status
