#!/usr/bin/env bash
# The one test command (README, CI): type-check and build, lint and check formatting, run Node's
# suites, then the browser suites in Debian's Chromium, then the WOPI validator's own test cases
# against a mock host of their own. Ends with a plain "N passed, N failed" line summed over all three.
set -uo pipefail
cd "$(dirname "$0")/.."

npx tsc -b && npx tsc -p e2e && npx tsc -p examples && npx tsc -p renderer && npx vite build --config renderer/vite.config.ts --logLevel warn || { echo "type check or UI build failed"; echo "0 passed, 1 failed"; exit 1; }
# The first visit's JavaScript (entry chunk, its static imports, the first screen), gzipped: at most 90 kB.
node scripts/check-bundle-size.mjs dist/renderer || { echo "UI bundle size check failed"; echo "0 passed, 1 failed"; exit 1; }
npx eslint . --max-warnings 0 && npx prettier --check . || { echo "lint or format check failed"; echo "0 passed, 1 failed"; exit 1; }
# The package as npm would publish it: publint on its fields and files, arethetypeswrong on its types (ESM only).
pack_dir=$(mktemp -d)
{ npx publint --strict && tarball=$(npm pack --ignore-scripts --silent --pack-destination "$pack_dir") && npx attw "$pack_dir/$tarball" --profile esm-only --format table-flipped; } || { rm -rf "$pack_dir"; echo "package check (publint, attw) failed"; echo "0 passed, 1 failed"; exit 1; }
rm -rf "$pack_dir"

tap=$(mktemp)
validator_out=$(mktemp)
trap 'rm -f "$tap" "$validator_out"' EXIT

# Node's runner: spec output for people, a TAP copy to count from.
node --test --test-concurrency=2 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" \
  dist/mock-server dist/main dist/validator dist/soak dist/packaging
node_status=$?
node_passed=$(grep -E '^# pass [0-9]+' "$tap" | awk '{s+=$3} END {print s+0}')
node_failed=$(grep -E '^# fail [0-9]+' "$tap" | awk '{s+=$3} END {print s+0}')
echo "node: $node_passed passed, $node_failed failed"
# The property suites (mock-server/reliability) report "# fuzz: <property>: N cases"; FUZZ_RUNS raises N.
fuzz_cases=$(grep -E '^\s*# fuzz: .*: [0-9]+ cases$' "$tap" | awk '{s+=$(NF-1)} END {print s+0}')
fuzz_properties=$(grep -cE '^\s*# fuzz: .*: [0-9]+ cases$' "$tap")
echo "fuzz: $fuzz_cases cases in $fuzz_properties properties"

# Playwright prints no summary line CI can read, so count from its JSON report.
chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
e2e_passed=0
e2e_failed=0
if [ ! -x "$chromium" ]; then
  echo "e2e: Chromium not found at $chromium; install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH"
  e2e_failed=1
  e2e_status=1
else
  rm -f test-results/e2e/results.json
  npx playwright test --config e2e/playwright.config.ts
  e2e_status=$?
  if [ -f test-results/e2e/results.json ]; then
    read -r e2e_passed e2e_failed < <(node -e '
      const s = JSON.parse(require("fs").readFileSync("test-results/e2e/results.json", "utf8")).stats;
      console.log((s.expected ?? 0) + (s.flaky ?? 0), (s.unexpected ?? 0) + (s.errors?.length ?? 0));')
  else
    e2e_failed=1
  fi
  echo "e2e: $e2e_passed passed, $e2e_failed failed"
fi

# The validator runner starts its own engine; its last line is "N passed, N failed, N skipped".
node dist/validator/main.js | tee "$validator_out"
validator_status=${PIPESTATUS[0]}
read -r validator_passed validator_failed validator_skipped < <(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$validator_out" | tail -n 1 | awk '{print $1, $3, $5}')
if [ -z "${validator_passed:-}" ]; then validator_passed=0; validator_failed=1; validator_skipped=0; fi
echo "validator: $validator_passed passed, $validator_failed failed, $validator_skipped skipped (validator/skip-list.json)"

passed=$((node_passed + e2e_passed + validator_passed))
failed=$((node_failed + e2e_failed + validator_failed))
echo
echo "$passed passed, $failed failed"
if [ "$node_status" -ne 0 ] || [ "$e2e_status" -ne 0 ] || [ "$validator_status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$node_passed" -eq 0 ] || [ "$e2e_passed" -eq 0 ]; then exit 1; fi
