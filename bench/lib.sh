# shellcheck shell=bash
# Helpers shared by the bench/ scripts (same method as shared/bench-peers):
# everything on 127.0.0.1, every process stopped by its PID, bounded loads.
BENCH_TMP="${BENCH_TMP:-/tmp/opsdeck-bench}"
CLK_TCK="$(getconf CLK_TCK)"
log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
cpu_ticks() {  # cpu_ticks PID... : utime+stime of all threads, in clock ticks
  local total=0 pid s f
  for pid in "$@"; do
    s="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
    s="${s##*) }"; read -r -a f <<<"$s"
    total=$(( total + f[11] + f[12] ))
  done
  echo "$total"
}
status_kb() { awk -v k="$2:" '$1==k{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
alive() { local s; s="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1; s="${s##*) }"; [[ "${s:0:1}" != Z ]]; }
stop_pid() {  # TERM, then KILL after 15 s; only the given PID
  local pid="$1" i
  [[ -n "$pid" ]] || return 0
  alive "$pid" || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do alive "$pid" || { wait "$pid" 2>/dev/null || true; return 0; }; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
}
wait_http() { local i; for ((i = 0; i < ${2:-30} * 10; i++)); do curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
# wrk_stats FILE -> "RPS P50_MS P99_MS ERRORS"
wrk_stats() {
  awk '
    /Requests\/sec:/ {rps=$2}
    /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
    /Socket errors:/ {gsub(",",""); err+=$4+$6+$8+$10}
    /Non-2xx or 3xx responses:/ {err+=$5}
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    END {printf "%s %.3f %.3f %d\n", rps, ms(p50), ms(p99), err+0}' "$1"
}
