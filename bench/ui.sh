#!/usr/bin/env bash
# Overview render time at scale: a SQLite store with N catalog targets and R
# stored check results, then GET / measured with curl.
#
# 1. A config with N services spread over development, staging and
#    production, each with one heartbeat check (period 24h, grace 1h): the
#    monitor schedules no probe for them, so nothing but the measured
#    requests loads the server, and no heartbeat goes missing during the run.
#    Plus three generic deploy pipelines and a release template.
# 2. `opsdeck migrate`, then `opsdeck serve` once so it syncs the catalog
#    into the store (its own SyncTargets, not a copy of it), then stopped.
# 3. sqlite3 fills the real schema in bulk: R results in check_result_blocks
#    (one per block; a recursive CTE, one INSERT), a committed state for
#    every target (1% down with an open incident each, 2% degraded, the rest
#    up), and their minute rollups for the last hour.
# 4. `opsdeck serve` again; a few pipeline events go through POST
#    /hooks/generic (deployments in every environment, so the promotion diff
#    has work to do); then W warm-up requests and M measured requests of
#    GET / with curl, one at a time (time_total per request).
# Prints p50, p95 and max in ms against the goal (< 50 ms), the server's
# CPU time per request (from /proc; steadier than latency on a busy box) and
# the load average during the run.
#
#   bench/ui.sh [N=10000] [RESULTS=1000000] [REQUESTS=200]
#   OPSDECK_BIN=build/opsdeck   the binary (OPSDECK_BINARY works too)
#   KEEP=1                      keep the run directory (config, db, logs)
#
# Needs sqlite3 and curl. Everything on 127.0.0.1; every process it starts is
# stopped by its PID. Takes about a minute at the default sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
N=${1:-10000}; RESULTS=${2:-1000000}; REQUESTS=${3:-200}; WARMUP=${WARMUP:-20}
[[ "$N$RESULTS$REQUESTS$WARMUP" =~ ^[0-9]+$ ]] || die "arguments must be integers"
(( N >= 3 && REQUESTS >= 1 )) || die "N must be at least 3, REQUESTS at least 1"
BIN=${OPSDECK_BIN:-${OPSDECK_BINARY:-build/opsdeck}}
[[ -x "$BIN" ]] || die "no opsdeck binary at $BIN (make build, or set OPSDECK_BIN)"
command -v sqlite3 >/dev/null || die "sqlite3 is needed (apt-get install sqlite3)"
BIN=$(realpath "$BIN")

RUN="$BENCH_TMP/ui.$$"
mkdir -p "$RUN"
SERVER_PID=""
cleanup() {
  stop_pid "$SERVER_PID"
  if [[ "${KEEP:-0}" == 1 ]]; then log "kept $RUN"; else rm -rf "$RUN"; fi
}
trap cleanup EXIT

PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
TOKEN="bench-generic-token-0123456789abcdef"
ENVS=(development staging production)

log "writing a config with $N targets"
{
  cat <<YAML
server:
  listen: "127.0.0.1:$PORT"
log:
  level: warn
storage:
  type: sqlite
  path: "$RUN/opsdeck.db"
auth:
  anonymous_read: true
environments:
  - name: development
  - name: staging
  - name: production
    protected: true
sources:
  generic: {token: "$TOKEN"}
pipelines:
YAML
  for env in "${ENVS[@]}"; do
    printf '  - {name: web-%s, environment: %s, kind: deploy, match: {generic: {pipeline: web-%s}}}\n' \
      "$env" "$env" "$env"
  done
  cat <<YAML
releases:
  templates:
    - name: standard
      items:
        - {id: notes, phase: prepare, role: release-manager, title: "Release notes"}
        - {id: backup, phase: prepare, role: devops, title: "Backup verified"}
catalog:
  services:
YAML
  awk -v n="$N" 'BEGIN {
    split("development staging production", env, " ")
    for (i = 1; i <= n; i++)
      printf "    - {name: svc-%05d, environment: %s, component: backend, checks: [{type: heartbeat, period: 24h, grace: 1h}]}\n", i, env[(i % 3) + 1]
  }'
} >"$RUN/opsdeck.yaml"

serve() {
  (cd "$RUN" && exec "$BIN" serve --config "$RUN/opsdeck.yaml") >>"$RUN/serve.log" 2>&1 &
  SERVER_PID=$!
  wait_http "$URL/readyz" 120 || { tail -20 "$RUN/serve.log" >&2; die "opsdeck did not become ready"; }
}

"$BIN" migrate --config "$RUN/opsdeck.yaml" >"$RUN/migrate.log" 2>&1 || { cat "$RUN/migrate.log" >&2; die "migrate failed"; }
log "syncing the catalog (opsdeck serve, then stop)"
serve
for ((i = 0; i < 600; i++)); do
  synced=$(sqlite3 "$RUN/opsdeck.db" "SELECT COUNT(*) FROM targets WHERE retired_at IS NULL" 2>/dev/null || echo 0)
  [[ "$synced" == "$N" ]] && break
  sleep 0.1
done
[[ "$synced" == "$N" ]] || die "only $synced of $N targets were synced"
stop_pid "$SERVER_PID"; SERVER_PID=""

log "filling $RESULTS results, states, incidents and rollups (sqlite3)"
NOW_MS=$(( $(date +%s) * 1000 ))
fill_start=$(date +%s.%N)
sqlite3 "$RUN/opsdeck.db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
-- Targets by their rank, so every target gets results whatever its id.
CREATE TEMP TABLE ranked AS
  SELECT id, environment, name, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM targets
  WHERE retired_at IS NULL;
CREATE INDEX temp.ranked_k ON ranked (k);
-- R results, newest first per target, one every 10 s back from now.
WITH RECURSIVE seq(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM seq WHERE x + 1 < $RESULTS)
-- One block per result (result_block.h: dt,ok,total,dns,connect,tls,
-- first_byte,http_status,certificate_days,error).
INSERT INTO check_result_blocks (target_id, check_index, first_at, last_at, count, failures, results)
  SELECT id, 0, at, at, 1, 1 - ok, '0,' || ok || ',' || latency_us || ',,,,,,,' || COALESCE(error, '')
  FROM (SELECT r.id AS id, $NOW_MS - (x / $N) * 10000 - (x % $N) AS at,
               CASE WHEN x % 97 = 0 THEN 0 ELSE 1 END AS ok, 20000 + (x * 7919) % 80000 AS latency_us,
               CASE WHEN x % 97 = 0 THEN 'heartbeat missed' END AS error
        FROM seq JOIN ranked r ON r.k = seq.x % $N);
INSERT INTO target_state (target_id, state, since, flapping, reason, updated_at)
  SELECT id, CASE WHEN k % 100 = 7 THEN 'down' WHEN k % 50 = 3 THEN 'degraded' ELSE 'up' END,
         $NOW_MS - (k % 3600) * 1000, 0,
         CASE WHEN k % 100 = 7 THEN 'heartbeat missed' WHEN k % 50 = 3 THEN 'slow' END, $NOW_MS
  FROM ranked;
INSERT INTO incidents (target_id, environment, started_at, cause, subject)
  SELECT id, environment, $NOW_MS - (k % 3600) * 1000, 'heartbeat missed', 'incident:' || name
  FROM ranked WHERE k % 100 = 7;
-- One minute rollup per target for each of the last 60 minutes.
WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i + 1 < 60)
INSERT INTO rollups_minute (target_id, bucket, count, failures, histogram)
  SELECT r.id, ($NOW_MS / 60000 - 1 - m.i) * 60000, 6, 0, '' FROM ranked r, m;
COMMIT;
ANALYZE;
SQL
fill_end=$(date +%s.%N)
rows=$(sqlite3 "$RUN/opsdeck.db" "SELECT SUM(count) FROM check_result_blocks")
log "store filled in $(awk -v a="$fill_start" -v b="$fill_end" 'BEGIN{printf "%.1f", b-a}') s: $rows results, $(du -h "$RUN/opsdeck.db" | cut -f1) on disk"

serve
log "sending pipeline events through POST /hooks/generic"
event() {
  curl -fsS -o /dev/null --max-time 10 -X POST "$URL/hooks/generic" \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -H "Idempotency-Key: bench-$1-$2-$3" \
    -d "{\"pipeline\":\"web-$1\",\"run_id\":\"$1-$2\",\"status\":\"$3\",\"version\":\"1.$2.0\",\"commit\":\"$(printf '%040d' "$2")\"}"
}
for v in 1 2 3 4 5 6; do event development "$v" running; event development "$v" succeeded; done
for v in 1 2 3 4; do event staging "$v" running; event staging "$v" succeeded; done
for v in 1 2; do event production "$v" running; event production "$v" succeeded; done

curl -fsS -o "$RUN/overview.html" "$URL/" || die "GET / failed"
grep -q 'data-environment="production"' "$RUN/overview.html" || die "GET / is not the overview"
grep -q 'data-count="down"' "$RUN/overview.html" || die "the overview shows no health counts"

log "GET /: $WARMUP warm-up requests, then $REQUESTS measured"
for ((i = 0; i < WARMUP; i++)); do curl -fsS -o /dev/null "$URL/"; done
ticks_before=$(cpu_ticks "$SERVER_PID")
for ((i = 0; i < REQUESTS; i++)); do
  curl -fsS -o /dev/null -w '%{time_total}\n' "$URL/"
done >"$RUN/times.txt"
ticks_after=$(cpu_ticks "$SERVER_PID")
CPU_MS=$(awk -v t=$(( ticks_after - ticks_before )) -v hz="$CLK_TCK" -v n="$REQUESTS" 'BEGIN{printf "%.1f", t * 1000 / hz / n}')
read -r P50 P95 MAX < <(sort -g "$RUN/times.txt" | awk '
  {t[NR] = $1 * 1000}
  END {i50 = int(NR * 0.50 + 0.5); i95 = int(NR * 0.95 + 0.5); if (i50 < 1) i50 = 1; if (i95 < 1) i95 = 1
       printf "%.1f %.1f %.1f\n", t[i50], t[i95], t[NR]}')
BYTES=$(wc -c <"$RUN/overview.html")
thousands() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }
printf 'overview render at %s targets / %s results: p50 %s ms, p95 %s ms, max %s ms (goal < 50 ms)\n' \
  "$(thousands "$N")" "$(thousands "$rows")" "$P50" "$P95" "$MAX"
printf '  %s requests of %s bytes; server CPU %s ms per request; load average %s\n' \
  "$REQUESTS" "$BYTES" "$CPU_MS" "$(cut -d' ' -f1-3 /proc/loadavg)"
