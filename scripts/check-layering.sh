#!/usr/bin/env bash
# Fails when a source file includes a folder its library may not depend on
# (ENGINEERING.md, Layout: dependencies point inward). The table mirrors the
# target_link_libraries of each src/<folder>/CMakeLists.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
declare -A allowed=(
  [core]="core"
  [config]="core config"
  [store]="core store"
  [net]="core net"
  [ingest]="core config net ingest"
  [monitor]="core config net store monitor"
  [notify]="core config net store notify"
  [tickets]="core config net store tickets"
  [release]="core config net store release"
  [http]="core config store net ingest monitor notify tickets release http"
  [app]="core config store net ingest monitor notify tickets release http app"
)
# Third-party headers core must not see (no I/O, no SQL, no YAML, no JSON).
core_forbidden='boost/|sqlite3|libpq|yaml-cpp|spdlog|curl/|openssl/'
status=0
while IFS= read -r file; do
  folder=${file#src/}; folder=${folder%%/*}
  [[ -n "${allowed[$folder]:-}" ]] || continue
  while IFS= read -r inc; do
    dep=${inc%%/*}
    [[ -d "src/$dep" ]] || continue
    if [[ " ${allowed[$folder]} " != *" $dep "* ]]; then
      echo "layering: $file includes \"$inc\" but $folder may not depend on $dep"; status=1
    fi
    # Only app/ may name the concrete stores.
    if [[ "$inc" == store/sqlite/* || "$inc" == store/postgres/* ]] && [[ "$folder" != app && "$file" != src/store/* ]]; then
      echo "layering: $file includes \"$inc\": only app/ names concrete stores"; status=1
    fi
  done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$file")
  if [[ "$folder" == core ]] && grep -nE "^#include <($core_forbidden)" "$file" >/dev/null; then
    echo "layering: $file (core) includes an I/O or format library:"; grep -nE "^#include <($core_forbidden)" "$file"; status=1
  fi
done < <(find src -name '*.h' -o -name '*.cpp' -o -name '*.hpp' | sort)
[[ $status -eq 0 ]] && echo "layering: ok"
exit $status
