#!/usr/bin/env bash
# Runs every test: unit tests and the store suite (on SQLite and on a
# throwaway PostgreSQL this script starts), then integration tests against the
# real binary over loopback, then browser tests in headless Chromium.
# Prints one closing line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
export OPSDECK_BINARY="$PWD/$BUILD_DIR/opsdeck"

failed_suites=()
run_suite() {
  local name=$1; shift
  echo "=== $name"
  if "$@"; then echo "=== $name: ok"; else echo "=== $name: FAILED"; failed_suites+=("$name"); fi
}

# One PostgreSQL for the whole run; stopped and removed on exit.
run_suite "unit + store (ctest)" scripts/with-postgres.sh \
  ctest --test-dir "$BUILD_DIR" --output-on-failure -j2 --timeout 300
run_suite "integration (node --test)" scripts/with-postgres.sh \
  node --test --test-concurrency=1 tests/integration/
run_suite "browser (node --test)" node --test --test-concurrency=1 tests/e2e/
# A short libFuzzer pass over every webhook parser (own build dir build-fuzz,
# clang); fuzz/README.md has the long run.
run_suite "fuzz (libFuzzer, ${FUZZ_SECONDS:-12} s per target)" scripts/fuzz.sh "${FUZZ_SECONDS:-12}"

echo
if [[ ${#failed_suites[@]} -eq 0 ]]; then
  echo "all suites passed"
  exit 0
fi
echo "failed suites: ${failed_suites[*]}"
exit 1
