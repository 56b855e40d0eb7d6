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
# start_nginx DIR ACCESS_LOG_DIRECTIVE LOCATIONS: the nginx peer of every bench,
# 2 workers for 2 cores, keep-alive, on a free loopback port; LOCATIONS must
# include "location = /healthz". Sets NGX_PORT and NGX_PID.
start_nginx() {
  local dir="$1" access_log="$2" locations="$3"
  mkdir -p "$dir/logs" "$dir/tmp"
  NGX_PORT=$(free_port)
  cat >"$dir/nginx.conf" <<NGX
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
daemon off;
events { worker_connections 4096; }
http {
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  client_body_temp_path $dir/tmp;
  proxy_temp_path $dir/tmp; fastcgi_temp_path $dir/tmp;
  uwsgi_temp_path $dir/tmp; scgi_temp_path $dir/tmp;
  $access_log
  server {
    listen 127.0.0.1:$NGX_PORT;
    $locations
  }
}
NGX
  nginx -p "$dir/" -c "$dir/nginx.conf" &
  NGX_PID=$!
  wait_http "http://127.0.0.1:$NGX_PORT/healthz" 10 || die "nginx did not start"
}

# fsync latency of the disk under $RUN right now (a virtual disk's varies a
# lot with the host's load): 4 KiB append + fdatasync, for 1 s -> "P50_MS P90_MS"
sync_probe() {
  python3 - "$RUN/sync-probe" <<'PY'
import os, sys, time
fd = os.open(sys.argv[1], os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600)
lat, end = [], time.monotonic() + 1.0
while time.monotonic() < end and len(lat) < 2000:
    t = time.perf_counter(); os.write(fd, b"x" * 4096); os.fdatasync(fd); lat.append(time.perf_counter() - t)
os.close(fd); os.unlink(sys.argv[1]); lat.sort()
print("%.3f %.3f" % (lat[len(lat) // 2] * 1e3, lat[len(lat) * 9 // 10] * 1e3))
PY
}
