#!/usr/bin/env bash
# HTTP layer benchmark: wrk against opsdeck's GET /healthz and against nginx
# answering the same bytes ({"status":"ok"}\n, application/json, keep-alive) on
# the same machine, in one run, one after the other, with the same wrk flags.
# Prints requests/s, p50, p99 and the ratio opsdeck/nginx. Goal: >= 0.7.
#
#   bench/http.sh [DURATION=15] [CONNS=64] [THREADS=2]
#   LOGGING=on  bench/http.sh   # opsdeck logs every request (info) and nginx
#                               # writes a buffered access log (the default)
#   LOGGING=off bench/http.sh   # neither logs requests
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DURATION=${1:-15}; CONNS=${2:-64}; THREADS=${3:-2}
LOGGING=${LOGGING:-on}
(( DURATION >= 1 && DURATION <= 120 )) || die "DURATION must be 1..120 s"
(( CONNS >= 1 && CONNS <= 1024 )) || die "CONNS must be 1..1024"
BIN=${OPSDECK_BINARY:-build/opsdeck}
[[ -x "$BIN" ]] || die "$BIN not built (make build)"
command -v wrk >/dev/null || die "wrk not installed (scripts/setup.sh)"
command -v nginx >/dev/null || die "nginx not installed (scripts/setup.sh)"

RUN="$BENCH_TMP/http.$$"; mkdir -p "$RUN/nginx/logs"
OPS_PID=""; NGX_PID=""
cleanup() { stop_pid "$OPS_PID"; stop_pid "$NGX_PID"; rm -rf "$RUN"; }
trap cleanup EXIT

# --- nginx: same bytes, same keep-alive, 2 workers for 2 cores -------------
if [[ "$LOGGING" == on ]]; then
  NGX_LOG="access_log $RUN/nginx/logs/access.log combined buffer=64k flush=1s;"
else
  NGX_LOG="access_log off;"
fi
start_nginx "$RUN/nginx" "$NGX_LOG" \
  "location = /healthz { default_type application/json; return 200 '{\"status\":\"ok\"}\\n'; }"

# --- opsdeck: the real binary, SQLite, 2 I/O threads -----------------------
OPS_PORT=$(free_port)
level=$([[ "$LOGGING" == on ]] && echo info || echo warn)
cat >"$RUN/opsdeck.yaml" <<YAML
server: {listen: "127.0.0.1:$OPS_PORT", threads: $THREADS}
storage: {type: sqlite, path: $RUN/opsdeck.db}
log: {level: $level, format: text}
YAML
"$BIN" serve --config "$RUN/opsdeck.yaml" >"$RUN/opsdeck.out" 2>"$RUN/opsdeck.log" &
OPS_PID=$!
wait_http "http://127.0.0.1:$OPS_PORT/healthz" 20 || die "opsdeck did not start: $(tail -5 "$RUN/opsdeck.log")"

a=$(curl -s "http://127.0.0.1:$OPS_PORT/healthz"); b=$(curl -s "http://127.0.0.1:$NGX_PORT/healthz")
[[ "$a" == "$b" ]] || die "bodies differ: opsdeck '$a' nginx '$b'"

run_wrk() {  # run_wrk NAME PORT PIDS...
  local name=$1 port=$2; shift 2
  wrk -t"$THREADS" -c"$CONNS" -d2s "http://127.0.0.1:$port/healthz" >/dev/null   # warm-up
  local t0; t0=$(cpu_ticks "$@")
  wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency "http://127.0.0.1:$port/healthz" >"$RUN/$name.wrk"
  local t1; t1=$(cpu_ticks "$@")
  echo "$(wrk_stats "$RUN/$name.wrk") $((t1 - t0))"
}

log "wrk -t$THREADS -c$CONNS -d${DURATION}s, logging $LOGGING"
read -r n_rps n_p50 n_p99 n_err n_cpu <<<"$(run_wrk nginx "$NGX_PORT" "$NGX_PID" $(ps -o pid= --ppid "$NGX_PID"))"
read -r o_rps o_p50 o_p99 o_err o_cpu <<<"$(run_wrk opsdeck "$OPS_PORT" "$OPS_PID")"
rss=$(status_kb "$OPS_PID" VmHWM)

printf '\n%-8s %12s %10s %10s %8s %14s\n' server "requests/s" "p50 ms" "p99 ms" errors "CPU us/req"
for s in nginx opsdeck; do
  if [[ $s == nginx ]]; then r=$n_rps; p5=$n_p50; p9=$n_p99; e=$n_err; c=$n_cpu; else r=$o_rps; p5=$o_p50; p9=$o_p99; e=$o_err; c=$o_cpu; fi
  us=$(awk -v c="$c" -v hz="$CLK_TCK" -v r="$r" -v d="$DURATION" 'BEGIN{ if (r>0) printf "%.1f", c/hz*1e6/(r*d); else print "n/a" }')
  printf '%-8s %12s %10s %10s %8s %14s\n' "$s" "$r" "$p5" "$p9" "$e" "$us"
done
ratio=$(awk -v a="$o_rps" -v b="$n_rps" 'BEGIN{printf "%.2f", a/b}')
printf '\nratio opsdeck/nginx requests/s: %s (goal >= 0.70); opsdeck peak RSS %s KiB\n' "$ratio" "$rss"
awk -v r="$ratio" 'BEGIN{exit !(r >= 0.70)}' && echo "PASS" || echo "BELOW GOAL"
