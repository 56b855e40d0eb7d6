#!/usr/bin/env bash
# Runs CMD with a throwaway PostgreSQL: starts one in a temp dir
# (scripts/pg.sh), exports OPSDECK_TEST_PG_DSN, runs CMD, then stops the
# server and deletes the dir whatever happens. Exits with CMD's exit code.
#   scripts/with-postgres.sh ctest --test-dir build -R store --output-on-failure
set -uo pipefail
[[ $# -gt 0 ]] || { echo "usage: with-postgres.sh CMD [ARGS...]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-pg.XXXXXX") || exit 1
chmod 755 "$dir"  # the server may run as another user (root -> postgres)

cleanup() {
  "$here/pg.sh" stop "$dir" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

dsn=$("$here/pg.sh" start "$dir") || { echo "with-postgres.sh: could not start PostgreSQL" >&2; exit 1; }
export OPSDECK_TEST_PG_DSN="$dsn"
echo "with-postgres.sh: OPSDECK_TEST_PG_DSN=$dsn" >&2
"$@"
exit $?
