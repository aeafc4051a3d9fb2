#!/usr/bin/env bash
# The one test command (README, CI): type-check and build, then run every suite.
# Ends with a plain "N passed, N failed" line summed over all runners.
set -uo pipefail
cd "$(dirname "$0")/.."

npx tsc -b || { echo "type check failed"; echo "0 passed, 1 failed"; exit 1; }

summary=$(mktemp)
trap 'rm -f "$summary"' EXIT

# Node's runner: spec output for people, a TAP copy to count from.
node --test --test-concurrency=2 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$summary" \
  dist/mock-server
node_status=$?

passed=$(grep -E '^# pass [0-9]+' "$summary" | awk '{s+=$3} END {print s+0}')
failed=$(grep -E '^# fail [0-9]+' "$summary" | awk '{s+=$3} END {print s+0}')
echo
echo "node: $passed passed, $failed failed"
echo "$passed passed, $failed failed"
if [ "$node_status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then exit 1; fi
