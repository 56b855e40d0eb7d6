#!/usr/bin/env bash
# Webhook intake benchmark: signed GitHub workflow_run deliveries POSTed to
# opsdeck's /hooks/github (each answered only once durably stored in SQLite),
# beside nginx answering 204 to the same requests (the HTTP ceiling of the box)
# and Alertmanager's /api/v2/alerts (in memory, not durable; the peer of
# shared/bench-peers). In one run, with the same wrk flags (-t THREADS
# -c CONNS --latency), each peer after a 2 s warm-up. Each peer is measured
# for DURATION seconds in all, in ROUNDS slices: nginx and opsdeck in turn
# (nginx, opsdeck, nginx, opsdeck, ...), so that a change in the machine's
# speed during the run (another VM on the host) weighs on both alike, then
# Alertmanager's slices (it stays busy long after its intake, see below).
# Prints events/s (the mean of the slices), p50 (mean), p99 (the worst
# slice's), errors, server CPU per event, the ratios opsdeck/nginx and
# opsdeck/Alertmanager overall and per round, PASS/MISS per goal, and
# opsdeck's store counters. Exits 0 whether goals pass or miss; non-zero
# only when something failed to run.
#
#   bench/intake.sh [DURATION=15] [CONNS=64] [THREADS=2]
#   ROUNDS=3      slices per peer; must divide DURATION (ROUNDS=1: one
#                 DURATION-long wrk run per peer, one after the other)
#   N=2000        distinct signed deliveries the wrk script cycles through
#                 (N/2 runs, each an in_progress and a completed/success)
#   POOL_SIZE=k   sets storage.pool_size in opsdeck's config (experiments;
#                 unset = opsdeck's default)
#   OPSDECK_THREADS=2  server.threads of opsdeck
#   TRACE_FSYNC=1 counts opsdeck's fsync/fdatasync calls with `perf stat`
#                 during the measured run (needs perf and root); default: on
#                 when the binary exposes no opsdeck_store_* metrics and
#                 perf can trace, off otherwise; 0 turns it off
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DURATION=${1:-15}; CONNS=${2:-64}; THREADS=${3:-2}
N=${N:-2000}; POOL_SIZE=${POOL_SIZE:-}; OPSDECK_THREADS=${OPSDECK_THREADS:-2}; ROUNDS=${ROUNDS:-3}
[[ "$DURATION$CONNS$THREADS$N$POOL_SIZE$OPSDECK_THREADS$ROUNDS" =~ ^[0-9]+$ ]] || die "arguments must be integers"
(( DURATION >= 1 && DURATION <= 120 )) || die "DURATION must be 1..120 s"
(( ROUNDS >= 1 && ROUNDS <= 10 && DURATION % ROUNDS == 0 )) ||
  die "ROUNDS must be 1..10 and divide DURATION ($DURATION s; ROUNDS=1 measures each peer in one run)"
SLICE=$(( DURATION / ROUNDS ))
(( CONNS >= 1 && CONNS <= 1024 )) || die "CONNS must be 1..1024"
(( THREADS >= 1 && THREADS <= 16 && THREADS <= CONNS )) || die "THREADS must be 1..16 and <= CONNS"
(( N >= 2 && N <= 20000 )) || die "N must be 2..20000"
[[ -z "$POOL_SIZE" ]] || (( POOL_SIZE >= 1 && POOL_SIZE <= 1000 )) || die "POOL_SIZE must be 1..1000"
BIN=${OPSDECK_BINARY:-build/opsdeck}
[[ -x "$BIN" ]] || die "$BIN not built (make build)"
for t in wrk nginx curl python3; do command -v "$t" >/dev/null || die "$t not installed (scripts/setup.sh)"; done
LUA="$PWD/bench/lua"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

RUN="$BENCH_TMP/intake.$$"; mkdir -p "$RUN/nginx/logs" "$RUN/nginx/tmp"
OPS_PID=""; NGX_PID=""; AM_PID=""; PERF_PID=""
cleanup() {
  [[ -z "$PERF_PID" ]] || { kill -INT "$PERF_PID" 2>/dev/null || true; stop_pid "$PERF_PID"; }
  stop_pid "$OPS_PID"; stop_pid "$NGX_PID"; stop_pid "$AM_PID"; rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- deliveries: N signed workflow_run payloads, shaped like GitHub's --------
# (tests/integration/events.mjs, workflowRun()); one line each: "<sig> <body>".
# probe.json is one more delivery, for a run outside the cycle.
SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
TOKEN=$(python3 -c 'import secrets; print("bench-" + secrets.token_hex(24))')
REPO=acme/dashboard WORKFLOW=Deploy BRANCH=main
SECRET="$SECRET" python3 - "$N" "$RUN" "$REPO" "$WORKFLOW" "$BRANCH" <<'PY'
import hashlib, hmac, json, os, sys
from datetime import datetime, timedelta, timezone
n, run, repo, workflow, branch = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
secret = os.environ["SECRET"].encode()
owner = repo.split("/")[0]
t0 = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)
iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
def user(login, kind="User"):
    return {"login": login, "id": 1000 + len(login), "node_id": "MDQ6VXNlcjE1NjY5OTE4", "type": kind,
            "site_admin": False, "html_url": f"https://github.com/{login}", "url": f"https://api.github.com/users/{login}"}
def repository():
    return {"id": 300029405, "node_id": "R_kgDOEeTk3Q", "name": repo.split("/")[1], "full_name": repo,
            "private": True, "owner": user(owner, "Organization"), "html_url": f"https://github.com/{repo}",
            "url": f"https://api.github.com/repos/{repo}", "default_branch": "main"}
def payload(run_id, k, completed):
    start = t0 + timedelta(minutes=3 * k)
    at = start + timedelta(minutes=4 if completed else 1)
    actor = ("alice", "bob", "carol")[k % 3]
    sha = hashlib.sha1(str(run_id).encode()).hexdigest()
    title = f"Release 1.{k // 100}.{k % 100}"
    status, conclusion = ("completed", "success") if completed else ("in_progress", None)
    wr = {"id": run_id, "name": workflow, "node_id": "WFR_kwLOEeTk3c4BzyPq", "head_branch": branch, "head_sha": sha,
          "path": f".github/workflows/{workflow.lower()}.yml", "display_title": title, "run_number": 100 + k,
          "event": "push", "status": status, "conclusion": conclusion, "workflow_id": 2823525,
          "check_suite_id": 1291536064 + k, "url": f"https://api.github.com/repos/{repo}/actions/runs/{run_id}",
          "html_url": f"https://github.com/{repo}/actions/runs/{run_id}", "pull_requests": [],
          "created_at": iso(start), "updated_at": iso(at), "actor": user(actor), "triggering_actor": user(actor),
          "run_attempt": 1, "referenced_workflows": [], "run_started_at": iso(start),
          "jobs_url": f"https://api.github.com/repos/{repo}/actions/runs/{run_id}/jobs",
          "head_commit": {"id": sha, "tree_id": hashlib.sha1(sha.encode()).hexdigest(), "message": title,
                          "timestamp": iso(start), "author": {"name": actor.title(), "email": f"{actor}@example.com"},
                          "committer": {"name": actor.title(), "email": f"{actor}@example.com"}},
          "repository": repository(), "head_repository": repository()}
    body = {"action": "completed" if completed else "in_progress", "workflow_run": wr,
            "workflow": {"id": 2823525, "node_id": "W_kwDOEeTk3c4AKxVl", "name": workflow,
                         "path": f".github/workflows/{workflow.lower()}.yml", "state": "active",
                         "created_at": "2025-01-01T00:00:00.000Z", "updated_at": "2025-01-01T00:00:00.000Z"},
            "repository": repository(), "sender": user(actor)}
    raw = json.dumps(body, separators=(",", ":"))
    return hmac.new(secret, raw.encode(), hashlib.sha256).hexdigest(), raw
base = 9_100_000_000  # GitHub run ids are beyond 32 bits
with open(f"{run}/deliveries.txt", "w") as f:
    for i in range(n):  # runs in pairs: in_progress, then completed/success
        sig, raw = payload(base + i // 2, i // 2, i % 2 == 1)
        f.write(f"{sig} {raw}\n")
sig, raw = payload(base - 1, n, False)
open(f"{run}/probe.json", "w").write(raw)
open(f"{run}/probe.sig", "w").write(sig)
PY
RUNS_EXPECTED=$(( (N + 1) / 2 + 1 ))   # + the probe's run
BODY_BYTES=$(awk '{s += length($0) - 65} END {printf "%.0f", s / NR}' "$RUN/deliveries.txt")

# --- nginx: 204 to the same POST, 2 workers for 2 cores, no access log -------
start_nginx "$RUN/nginx" "access_log off;" \
  "location = /healthz { return 200 'ok'; }
    location = /hooks/github { client_max_body_size 1m; return 204; }"

# --- opsdeck: the real binary, SQLite in $RUN, one deploy pipeline -----------
OPS_PORT=$(free_port)
POOL_LINE=""; [[ -z "$POOL_SIZE" ]] || POOL_LINE=", pool_size: $POOL_SIZE"
cat >"$RUN/opsdeck.yaml" <<YAML
server: {listen: "127.0.0.1:$OPS_PORT", threads: $OPSDECK_THREADS}
storage: {type: sqlite, path: $RUN/opsdeck.db$POOL_LINE}
log: {level: warn, format: text}
auth:
  tokens:
    - {name: bench-admin, role: admin, token: "$TOKEN"}
sources:
  github: {secret: "$SECRET"}
pipelines:
  - name: bench-deploy
    environment: staging
    kind: deploy
    match: {github: {repository: $REPO, workflow: $WORKFLOW, branch: $BRANCH}}
YAML
chmod 600 "$RUN/opsdeck.yaml"
"$BIN" serve --config "$RUN/opsdeck.yaml" >"$RUN/opsdeck.out" 2>"$RUN/opsdeck.log" &
OPS_PID=$!
wait_http "http://127.0.0.1:$OPS_PORT/healthz" 20 || die "opsdeck did not start: $(tail -5 "$RUN/opsdeck.log")"
OPS="http://127.0.0.1:$OPS_PORT"
AUTH=(-H "Authorization: Bearer $TOKEN")

# One delivery first: opsdeck must answer 200 {"status":"accepted"...} and
# nginx 204, or the figures below would measure refusals.
probe() {  # probe URL -> "CODE BODY"
  curl -sS --max-time 10 -o "$RUN/probe.out" -w '%{http_code}' "$1" -H 'Content-Type: application/json' \
    -H 'User-Agent: GitHub-Hookshot/044aadd' -H 'X-GitHub-Event: workflow_run' \
    -H "X-GitHub-Delivery: probe-$$-$RANDOM" -H "X-Hub-Signature-256: sha256=$(cat "$RUN/probe.sig")" \
    --data-binary @"$RUN/probe.json"
  printf ' %s' "$(head -c 300 "$RUN/probe.out")"
}
answer=$(probe "$OPS/hooks/github")
[[ "$answer" == 200\ *'"status":"accepted"'* ]] || die "opsdeck did not accept the probe delivery: $answer"
log "opsdeck probe: $answer"
answer=$(probe "http://127.0.0.1:$NGX_PORT/hooks/github")
[[ "$answer" == 204* ]] || die "nginx did not answer 204: $answer"

metrics() { curl -fsS --max-time 10 "${AUTH[@]}" "$OPS/metrics"; }
# hook answers by status code from opsdeck's own counters: "CODE COUNT" lines
hook_codes() { metrics | awk '/^opsdeck_http_requests_total\{/ && /route="\/hooks\/github"/ {
  if (match($0, /code="[0-9]+"/)) { c = substr($0, RSTART + 6, 3); n[c] += $NF } } END { for (c in n) print c, n[c] }' | sort; }
store_metrics() { metrics | grep -E '^opsdeck_store_' || true; }

# --- Alertmanager (optional): as shared/bench-peers/peer_alertmanager.sh ------
AM_CMD=$(command -v prometheus-alertmanager || command -v alertmanager || true)
AM_PORT=""
if [[ -n "$AM_CMD" ]]; then
  AM_PORT=$(free_port)
  cat >"$RUN/alertmanager.yml" <<'AMC'
route: {receiver: "null", group_by: ["alertname"], group_wait: 5s, group_interval: 10s, repeat_interval: 4h}
receivers: [{name: "null"}]
AMC
  "$AM_CMD" --config.file="$RUN/alertmanager.yml" --storage.path="$RUN/am" \
    --web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address= --log.level=warn >"$RUN/am.log" 2>&1 &
  AM_PID=$!
  wait_http "http://127.0.0.1:$AM_PORT/-/ready" 30 || die "alertmanager did not start: $(tail -5 "$RUN/am.log")"
else
  log "Alertmanager not installed (apt-get install prometheus-alertmanager): its row is skipped"
fi

# --- fsync counting (group commit made visible when the binary has no store metrics)
TRACE_FSYNC=${TRACE_FSYNC:-auto}
if [[ "$TRACE_FSYNC" == auto ]]; then
  TRACE_FSYNC=0
  if [[ -z "$(store_metrics)" ]] && command -v perf >/dev/null && (( EUID == 0 )) &&
     perf stat -e syscalls:sys_enter_fdatasync -- true >/dev/null 2>&1; then TRACE_FSYNC=1; fi
fi

box_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }  # busy ticks, all CPUs
# warm URL SCRIPT: 2 s of the same load, not measured (before a peer's first slice)
warm() { INTAKE_NONCE="warm$RANDOM$$" wrk -t"$THREADS" -c"$CONNS" -d2s -s "$2" "$1" >/dev/null; }
# slice NAME ROUND URL SCRIPT PIDS...: one measured slice of SLICE seconds;
# appends "RPS P50 P99 ERRORS CPU_TICKS BOX_TICKS" to $RUN/NAME.rounds
slice() {
  local name=$1 round=$2 url=$3 script=$4; shift 4
  local t0 t1 b0 b1 out="$RUN/$name.$round.wrk"; t0=$(cpu_ticks "$@"); b0=$(box_ticks)
  INTAKE_NONCE="m$round.$RANDOM$$" wrk -t"$THREADS" -c"$CONNS" -d"${SLICE}s" --latency -s "$script" "$url" >"$out"
  t1=$(cpu_ticks "$@"); b1=$(box_ticks)
  wrk_ok "$out"
  echo "$(wrk_stats "$out") $((t1 - t0)) $((b1 - b0))" >>"$RUN/$name.rounds"
}
# totals NAME -> "RPS P50 P99 ERRORS CPU_TICKS BOX_TICKS" over its slices
# (equally long): mean events/s and p50, the worst p99, summed errors and CPU
totals() {
  awk '{r += $1; p50 += $2; if ($3 > p99) p99 = $3; e += $4; c += $5; b += $6; n++}
    END {printf "%.2f %.3f %.3f %d %d %d\n", r / n, p50 / n, p99, e, c, b}' "$RUN/$1.rounds"
}
wrk_ok() { grep -q 'Requests/sec:' "$1" || die "wrk gave no result: $(head -c 400 "$1")"; }
thread_ticks() {  # thread_ticks PID -> "TID COMM TICKS" per thread
  local t s f
  for t in /proc/"$1"/task/*; do
    s="$(cat "$t/stat" 2>/dev/null)" || continue
    local comm="${s#*(}"; comm="${comm%%)*}"; s="${s##*) }"; read -r -a f <<<"$s"
    echo "${t##*/} ${comm// /_} $(( f[11] + f[12] ))"
  done
}
export INTAKE_DATA="$RUN/deliveries.txt" INTAKE_THREADS="$THREADS"

log "wrk -t$THREADS -c$CONNS --latency, ${DURATION}s per peer in $ROUNDS slices of ${SLICE}s; $N deliveries of ~$BODY_BYTES bytes; opsdeck server.threads $OPSDECK_THREADS${POOL_SIZE:+, storage.pool_size $POOL_SIZE}"
NGX_PIDS="$NGX_PID $(ps -o pid= --ppid "$NGX_PID" | tr '\n' ' ')"
for (( round = 1; round <= ROUNDS; round++ )); do
  (( round > 1 )) || warm "http://127.0.0.1:$NGX_PORT/hooks/github" "$LUA/github_intake.lua"
  # shellcheck disable=SC2086  # one word per nginx PID
  slice nginx "$round" "http://127.0.0.1:$NGX_PORT/hooks/github" "$LUA/github_intake.lua" $NGX_PIDS

  # opsdeck: counters and per-thread CPU around its measured slices only
  if (( round == 1 )); then
    warm "$OPS/hooks/github" "$LUA/github_intake.lua"
    read -r sync_p50 sync_p90 <<<"$(sync_probe)"
    codes0=$(hook_codes); store0=$(store_metrics)
    if (( TRACE_FSYNC )); then  # counts the whole span; opsdeck is idle between its slices
      perf stat -x, -e syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync -p "$OPS_PID" -o "$RUN/perf.out" &
      PERF_PID=$!; sleep 0.3
    fi
  fi
  thread_ticks "$OPS_PID" >"$RUN/threads0.$round"
  slice opsdeck "$round" "$OPS/hooks/github" "$LUA/github_intake.lua" "$OPS_PID"
  thread_ticks "$OPS_PID" >"$RUN/threads1.$round"
  alive "$OPS_PID" || die "opsdeck died: $(tail -5 "$RUN/opsdeck.log")"

done
if [[ -n "$PERF_PID" ]]; then kill -INT "$PERF_PID" 2>/dev/null || true; wait "$PERF_PID" 2>/dev/null || true; PERF_PID=""; fi
codes1=$(hook_codes); store1=$(store_metrics)
read -r sync2_p50 sync2_p90 <<<"$(sync_probe)"
# Alertmanager last, all its slices in a row: after taking alerts it keeps a
# core busy for minutes (grouping and expiring them), which would slow
# whichever peer came next.
if [[ -n "$AM_PID" ]]; then
  warm "http://127.0.0.1:$AM_PORT/api/v2/alerts" "$LUA/alertmanager_alerts.lua"
  for (( round = 1; round <= ROUNDS; round++ )); do
    slice alertmanager "$round" "http://127.0.0.1:$AM_PORT/api/v2/alerts" "$LUA/alertmanager_alerts.lua" "$AM_PID"
  done
fi
read -r n_rps n_p50 n_p99 n_err n_cpu n_box <<<"$(totals nginx)"
read -r o_rps o_p50 o_p99 o_err o_cpu o_box <<<"$(totals opsdeck)"
# per thread: CPU ticks summed over opsdeck's slices ("TID COMM TICKS")
for (( round = 1; round <= ROUNDS; round++ )); do
  join <(sort "$RUN/threads0.$round") <(sort "$RUN/threads1.$round") | awk '{print $1, $2, $5 - $3}'
done | awk '{d[$1 " " $2] += $3} END {for (k in d) print k, d[k]}' >"$RUN/threads"

# server-side answers in the measured window; anything but 200 is an error
read -r srv_ok srv_other <<<"$(join -a1 -a2 -e0 -o 0,1.2,2.2 <(echo "$codes0") <(echo "$codes1") |
  awk '{d = $3 - $2; if ($1 == 200) ok += d; else other += d} END {printf "%d %d\n", ok, other}')"
o_err=$(( o_err > srv_other ? o_err : srv_other ))

if [[ -n "$AM_PID" ]]; then
  read -r a_rps a_p50 a_p99 a_err a_cpu a_box <<<"$(totals alertmanager)"
fi

# --- what opsdeck stored: every run of the cycle, via the API -----------------
stored=$(TOKEN="$TOKEN" python3 - "$OPS" <<'PY'
import json, os, sys, urllib.parse, urllib.request
base, h = sys.argv[1], {"Authorization": "Bearer " + os.environ["TOKEN"]}
def pages(path):
    cursor, n = None, 0
    while True:
        q = path + ("&cursor=" + urllib.parse.quote(cursor) if cursor else "")
        with urllib.request.urlopen(urllib.request.Request(base + q, headers=h), timeout=30) as r:
            page = json.load(r)
        yield from page["items"]
        cursor, n = page.get("next"), n + 1
        if not cursor or n > 200: return
runs = list(pages("/api/v1/runs?limit=500&pipeline=bench-deploy"))
deps = sum(1 for _ in pages("/api/v1/deployments?limit=500&pipeline=bench-deploy"))
st = [r["status"] for r in runs]
print(len(runs), st.count("succeeded"), st.count("running"), deps)
PY
) || die "could not list opsdeck's runs through the API"
read -r runs_total runs_succeeded runs_running deployments <<<"$stored"

# --- report ------------------------------------------------------------------
per_event() { awk -v c="$1" -v hz="$CLK_TCK" -v r="$2" -v d="$DURATION" 'BEGIN{ if (r>0) printf "%.1f", c/hz*1e6/(r*d); else print "n/a" }'; }
cores() { awk -v c="$1" -v hz="$CLK_TCK" -v d="$DURATION" 'BEGIN{ printf "%.2f", c/hz/d }'; }
row() {  # row NAME RPS P50 P99 ERR CPU BOX
  printf '%-13s %12s %10s %10s %8s %14s %14s\n' "$1" "$2" "$3" "$4" "$5" "$(per_event "$6" "$2")" "$(cores "$6")/$(cores "$7")"
}
printf '\n%-13s %12s %10s %10s %8s %14s %14s\n' peer "events/s" "p50 ms" "p99 ms" errors "CPU us/event" "cores srv/box"
row "nginx 204" "$n_rps" "$n_p50" "$n_p99" "$n_err" "$n_cpu" "$n_box"
row opsdeck "$o_rps" "$o_p50" "$o_p99" "$o_err" "$o_cpu" "$o_box"
if [[ -n "$AM_PID" ]]; then
  row alertmanager "$a_rps" "$a_p50" "$a_p99" "$a_err" "$a_cpu" "$a_box"
else
  printf '%-13s %12s\n' alertmanager "SKIPPED: prometheus-alertmanager is not installed"
fi
r_ngx=$(awk -v a="$o_rps" -v b="$n_rps" 'BEGIN{printf "%.2f", a/b}')
printf '\nratio opsdeck/nginx events/s:        %s\n' "$r_ngx"
if [[ -n "$AM_PID" ]]; then
  r_am=$(awk -v a="$o_rps" -v b="$a_rps" 'BEGIN{printf "%.2f", a/b}')
  printf 'ratio opsdeck/Alertmanager events/s: %s\n' "$r_am"
else
  printf 'ratio opsdeck/Alertmanager events/s: n/a (not measured; against the recorded 20 046/s of shared/bench-peers/BASELINE.md: %s)\n' \
    "$(awk -v a="$o_rps" 'BEGIN{printf "%.2f", a/20046}')"
fi
if (( ROUNDS > 1 )); then
  for (( round = 1; round <= ROUNDS; round++ )); do
    read -r nr _ <<<"$(sed -n "${round}p" "$RUN/nginx.rounds")"
    read -r or _ <<<"$(sed -n "${round}p" "$RUN/opsdeck.rounds")"
    ar=""; [[ -z "$AM_PID" ]] || read -r ar _ <<<"$(sed -n "${round}p" "$RUN/alertmanager.rounds")"
    printf '  round %d (%ss each): nginx %.0f/s, opsdeck %.0f/s%s, opsdeck/nginx %.2f\n' "$round" "$SLICE" "$nr" "$or" \
      "${ar:+, Alertmanager $(printf '%.0f' "$ar")/s}" "$(awk -v a="$or" -v b="$nr" 'BEGIN{printf "%.2f", a/b}')"
  done
fi
printf '(cores: the server'"'"'s CPU, and the whole box'"'"'s busy CPU of %d, wrk and any other process included)\n' "$(nproc)"
printf 'load average before the run %s, after %s (other processes share the cores: compare ratios within one run)\n' \
  "$LOAD0" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'disk fdatasync (4 KiB, 1 s probe) before opsdeck'"'"'s run p50 %s ms p90 %s ms; after p50 %s ms p90 %s ms\n' \
  "$sync_p50" "$sync_p90" "$sync2_p50" "$sync2_p90"
printf 'opsdeck server-side answers in the window: %d x 200, %d other; peak RSS %s KiB\n' \
  "$srv_ok" "$srv_other" "$(status_kb "$OPS_PID" VmHWM)"
printf 'opsdeck stored: %d runs of %d expected (%d succeeded, %d running), %d deployments\n' \
  "$runs_total" "$RUNS_EXPECTED" "$runs_succeeded" "$runs_running" "$deployments"

printf '\nopsdeck store counters (/metrics):\n'
if [[ -n "$store1" ]]; then
  join -a2 -e0 -o 0,1.2,2.2 <(echo "$store0" | awk '{print $1, $NF}' | sort) <(echo "$store1" | awk '{print $1, $NF}' | sort) |
    awk '{printf "  %-50s %14s  (run: %+d)\n", $1, $3, $3 - $2}'
else
  echo "  none: this binary exposes no opsdeck_store_* metrics"
fi
if [[ -f "$RUN/perf.out" ]]; then
  fs=$(awk -F, '/syscalls:sys_enter_f(data)?sync/ {s += $1} END {print s + 0}' "$RUN/perf.out")
  ev=$(awk -v r="$o_rps" -v d="$DURATION" 'BEGIN{printf "%.0f", r*d}')
  printf '  fsync+fdatasync calls in the measured run (perf stat): %s for ~%s events = %s events per sync\n' \
    "$fs" "$ev" "$(awk -v e="$ev" -v f="$fs" 'BEGIN{ if (f>0) printf "%.1f", e/f; else print "n/a" }')"
fi
printf 'opsdeck CPU by thread in its measured slices (s; busiest first, threads are unnamed: the busiest is\n  normally the SQLite writer, then the I/O threads, then the WAL syncer):'
awk -v hz="$CLK_TCK" '$3 > 0 {printf "%d %s/%s %.2f\n", $3, $2, $1, $3/hz}' "$RUN/threads" | sort -rn | head -12 |
  awk '{printf " %s=%s", $2, $3}'
echo

printf '\ngoals (wrk -t%s -c%s, %s s per peer in %s slices):\n' "$THREADS" "$CONNS" "$DURATION" "$ROUNDS"
goal() { printf '  %-52s %s\n' "$1" "$2"; }
verdict() { awk "BEGIN{exit !($1)}" && echo PASS || echo MISS; }
goal "opsdeck >= 0.30 of nginx (durable ack on SQLite)" "$(verdict "$r_ngx >= 0.30") ($r_ngx)"
if [[ -n "$AM_PID" ]]; then
  goal "opsdeck ahead of Alertmanager" "$(verdict "$o_rps > $a_rps") ($r_am)"
else
  goal "opsdeck ahead of Alertmanager" "SKIPPED (not installed)"
fi
if (( CONNS == 64 )); then
  goal "opsdeck p99 < 20 ms at 64 connections" "$(verdict "$o_p99 < 20") ($o_p99 ms)"
else
  goal "opsdeck p99 < 20 ms at 64 connections" "n/a at $CONNS connections (p99 $o_p99 ms)"
fi
sent=$(awk '$1 == 200 {print $2}' <<<"$codes1"); sent=${sent:-0}   # 200s since start: probe, warm-up, run
if (( sent >= 2 * N )); then
  goal "no errors, every run of the cycle stored" "$(verdict "$o_err == 0 && $runs_total == $RUNS_EXPECTED") ($o_err errors, $runs_total/$RUNS_EXPECTED runs)"
else
  goal "no errors" "$(verdict "$o_err == 0") ($o_err errors; $sent deliveries < 2N: runs not checked)"
fi
