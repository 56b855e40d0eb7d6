#!/usr/bin/env bash
# Notification drain benchmark: the time opsdeck takes to deliver N queued
# pipeline notifications to one Discord webhook that enforces Discord's
# per-webhook rate limit, against the minimum that rate allows. Goal: within
# 10% of it (ratio measured/minimum <= 1.10).
#
# Discord's per-webhook bucket is 5 requests per 2 s: 10,000 notifications
# take 4,000 s at least, too long for a bench run. So the chat emulator
# (tests/integration/chat_emulator.mjs) runs with Discord's bucket shape on a
# faster clock: LIMIT requests per WINDOW_MS = 2000/SCALE ms (SCALE=100: 5
# per 20 ms, minimum ceil(10000/5) x 20 ms = 40 s). SCALE=1 is Discord's real
# rate. The emulator answers like Discord: X-RateLimit-Remaining/-Reset-After
# on every answer, 429 with retry_after beyond the bucket. opsdeck is the real
# binary (build/opsdeck, SQLite in a temp dir, the default), and nothing is
# short-cut: the notices are in opsdeck's outbox, and its dispatcher delivers
# them through its real HTTP path.
#
# Queue first, then drain (bench/notify_drain.mjs does both, in Node):
#   - the emulator listens behind a gate that holds every request until
#     released;
#   - N generic pipeline events go to POST /hooks/generic, CONCURRENCY at a
#     time, over three pipelines; each is a new run with a final status, so
#     each writes exactly one pipeline.* notice routed to the Discord channel;
#   - GET /api/v1/notifications?state=pending (paged) must count N: N-1
#     waiting and the oldest in flight, its request held at the gate (the
#     channel's `timeout` is 120s so that held request outlives the queueing,
#     bounded to 90 s);
#   - the gate opens (the clock starts), and the drain ends when the emulator
#     holds N messages and ?state=pending is empty (polled every 5 ms from
#     then on).
# Printed: N, the bucket, the minimum, the measured drain, the ratio, requests
# sent, 429s received, requests during an announced retry_after (must be 0),
# messages created, opsdeck's CPU in the drain (/proc, per thread too), its
# /metrics counters, and where the time went: from a per-request trace at the
# emulator's socket (high-resolution), the window period and its lateness,
# opsdeck's time from an answer to its next request when the bucket had room
# (its own per-send overhead: the outcome's commit, the next outbox read,
# rendering, curl) and after an empty bucket (minus the announced
# Reset-After), and the emulator's own time per request. Also the disk's
# fdatasync latency before and after (each send commits an outcome).
#
# Exit 0 whether the goal passes or misses; non-zero only for a broken run:
# a message lost or duplicated, an entry not `sent`, a request during an
# announced retry_after, a process failing, a bound exceeded.
#
#   bench/notify.sh
#   N=10000         notifications to drain
#   SCALE=100       clock factor; WINDOW_MS defaults to 2000/SCALE
#   LIMIT=5         requests per window per webhook (Discord: 5)
#   WINDOW_MS=...   window length in ms (overrides SCALE)
#   CONCURRENCY=32  events posted at a time while queueing
#   OPSDECK_THREADS=2  server.threads of opsdeck
#   TRACE_OUT=file  keep the drain's per-request trace (CSV: arrival, answer,
#                   method, status, X-RateLimit-Remaining, Reset-After)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
N=${N:-10000}; SCALE=${SCALE:-100}; LIMIT=${LIMIT:-5}
CONCURRENCY=${CONCURRENCY:-32}; OPSDECK_THREADS=${OPSDECK_THREADS:-2}
[[ "$N$SCALE$LIMIT$CONCURRENCY$OPSDECK_THREADS${WINDOW_MS:-}" =~ ^[0-9]+$ ]] || die "N, SCALE, LIMIT, WINDOW_MS, CONCURRENCY, OPSDECK_THREADS must be integers"
(( SCALE >= 1 && SCALE <= 2000 )) || die "SCALE must be 1..2000"
WINDOW_MS=${WINDOW_MS:-$(( 2000 / SCALE ))}
(( N >= 1 && N <= 100000 )) || die "N must be 1..100000"
(( LIMIT >= 1 && LIMIT <= 1000 )) || die "LIMIT must be 1..1000"
(( WINDOW_MS >= 1 && WINDOW_MS <= 600000 )) || die "WINDOW_MS must be 1..600000"
(( CONCURRENCY >= 1 && CONCURRENCY <= 256 )) || die "CONCURRENCY must be 1..256"
BIN=${OPSDECK_BINARY:-build/opsdeck}
[[ -x "$BIN" ]] || die "$BIN not built (make build)"
for t in node curl python3; do command -v "$t" >/dev/null || die "$t not installed (scripts/setup.sh)"; done
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

RUN="$BENCH_TMP/notify.$$"; mkdir -p "$RUN"
OPS_PID=""; NODE_PID=""
cleanup() { stop_pid "$NODE_PID"; stop_pid "$OPS_PID"; rm -rf "$RUN"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

rand_hex() { python3 -c "import secrets; print(secrets.token_hex($1))"; }
TOKEN="bench-$(rand_hex 24)"; GENERIC_TOKEN="bench-gen-$(rand_hex 24)"
HOOK_ID=$(python3 -c 'import secrets; print(1300000000000000000 + secrets.randbelow(10**17))')  # a snowflake
HOOK_TOKEN=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
EMU_PORT=$(free_port); OPS_PORT=$(free_port)
[[ "$EMU_PORT" != "$OPS_PORT" ]] || OPS_PORT=$(free_port)

# --- opsdeck: the real binary, SQLite in $RUN, one Discord channel -----------
# Three build pipelines fed by the generic source; every pipeline.* notice is
# routed to the one channel. The emulator is not up yet: opsdeck sends
# nothing before there is something in its outbox.
cat >"$RUN/opsdeck.yaml" <<YAML
server: {listen: "127.0.0.1:$OPS_PORT", threads: $OPSDECK_THREADS}
storage: {type: sqlite, path: $RUN/opsdeck.db}
log: {level: warn, format: text}
auth:
  tokens:
    - {name: bench-admin, role: admin, token: "$TOKEN"}
sources:
  generic: {token: "$GENERIC_TOKEN"}
pipelines:
  - {name: bench-a, environment: staging, kind: build, match: {generic: {pipeline: bench-a}}}
  - {name: bench-b, environment: staging, kind: build, match: {generic: {pipeline: bench-b}}}
  - {name: bench-c, environment: staging, kind: build, match: {generic: {pipeline: bench-c}}}
notifications:
  channels:
    - {name: bench-discord, type: discord, url: "http://127.0.0.1:$EMU_PORT/api/v10/webhooks/$HOOK_ID/$HOOK_TOKEN", timeout: 120s}
  routes:
    - {events: ["pipeline.*"], channel: bench-discord}
YAML
chmod 600 "$RUN/opsdeck.yaml"
"$BIN" serve --config "$RUN/opsdeck.yaml" >"$RUN/opsdeck.out" 2>"$RUN/opsdeck.log" &
OPS_PID=$!
wait_http "http://127.0.0.1:$OPS_PORT/healthz" 20 || die "opsdeck did not start: $(tail -5 "$RUN/opsdeck.log")"

read -r sync_p50 sync_p90 <<<"$(sync_probe)"

MIN_S=$(awk -v n="$N" -v l="$LIMIT" -v w="$WINDOW_MS" 'BEGIN{printf "%.2f", int((n + l - 1) / l) * w / 1000}')
log "N=$N, bucket $LIMIT per $WINDOW_MS ms (SCALE=$SCALE), minimum ${MIN_S} s; queueing with $CONCURRENCY at a time"
OPS_URL="http://127.0.0.1:$OPS_PORT" OPS_PID="$OPS_PID" EMU_PORT="$EMU_PORT" HOOK_ID="$HOOK_ID" \
  HOOK_TOKEN="$HOOK_TOKEN" API_TOKEN="$TOKEN" GENERIC_TOKEN="$GENERIC_TOKEN" N="$N" LIMIT="$LIMIT" \
  WINDOW_MS="$WINDOW_MS" SCALE="$SCALE" CONCURRENCY="$CONCURRENCY" CLK_TCK="$CLK_TCK" \
  CHANNEL=bench-discord TRACE_OUT="${TRACE_OUT:-}" \
  node bench/notify_drain.mjs >"$RUN/report.txt" &
NODE_PID=$!
rc=0; wait "$NODE_PID" || rc=$?; NODE_PID=""
cat "$RUN/report.txt"
alive "$OPS_PID" || { log "opsdeck exited: $(tail -5 "$RUN/opsdeck.log")"; rc=1; }
read -r sync2_p50 sync2_p90 <<<"$(sync_probe)"
printf '\n(SCALE=%s: Discord'"'"'s 5 requests per 2 s on a %sx clock; the emulator and this runner share the %d cores with opsdeck)\n' \
  "$SCALE" "$SCALE" "$(nproc)"
printf 'load average before %s, after %s\n' "$LOAD0" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'disk fdatasync (4 KiB, 1 s probe) before the run p50 %s ms p90 %s ms; after p50 %s ms p90 %s ms\n' \
  "$sync_p50" "$sync_p90" "$sync2_p50" "$sync2_p90"
if grep -qiE 'error|warn' "$RUN/opsdeck.log"; then
  printf 'opsdeck warnings/errors (first 5):\n'; grep -iE 'error|warn' "$RUN/opsdeck.log" | head -5 | sed 's/^/  /'
fi
(( rc == 0 )) || log "broken run (exit $rc)"
exit "$rc"
