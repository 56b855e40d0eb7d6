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

# ---- health-check benchmark (bench/probes.sh) --------------------------------
# ensure_debs PKG...: installs the Debian packages that are missing (apt-get,
# as root or through sudo), with a policy-rc.d that keeps their services from
# starting: every bench starts its own daemons on loopback.
ensure_debs() {
  local p st missing=() sudo="" added=""
  for p in "$@"; do
    st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [[ "$st" == installed ]] || missing+=("$p")
  done
  (( ${#missing[@]} )) || return 0
  if (( EUID != 0 )); then
    command -v sudo >/dev/null || die "need root (or sudo) to install: ${missing[*]}"
    sudo=sudo
  fi
  log "installing Debian packages: ${missing[*]}"
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod +x /usr/sbin/policy-rc.d; added=1
  fi
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
      --no-install-recommends "${missing[@]}"; } >&2 || { [[ -z "$added" ]] || $sudo rm -f /usr/sbin/policy-rc.d; die "apt-get could not install ${missing[*]}"; }
  [[ -z "$added" ]] || $sudo rm -f /usr/sbin/policy-rc.d
}

# start_probe_target DIR N [HOSTS=1]: the nginx that health checks probe (as
# shared/bench-peers' target), listening on 127.0.0.1..127.0.0.HOSTS (the
# whole of 127/8 is loopback): 2 workers, room for N open connections,
# /health 200 {"status":"ok"}, /slow the same after a non-blocking 200 ms
# (echo_sleep, libnginx-mod-http-echo), /healthz unlogged for readiness. Every
# probe is one line "$msec $request_uri $status $request_time c=<conn> r=<nth
# request on it>" in DIR/logs/probes.log, buffered (64k, flushed every 1 s).
# Sets NGX_PORT, NGX_PID, PROBE_LOG.
start_probe_target() {
  local dir="$1" n="$2" hosts="${3:-1}" conns listen="" h
  conns=$(( n + 2048 > 4096 ? n + 2048 : 4096 ))
  mkdir -p "$dir/logs" "$dir/tmp"
  NGX_PORT=$(free_port); PROBE_LOG="$dir/logs/probes.log"
  for ((h = 1; h <= hosts; h++)); do listen+="listen 127.0.0.$h:$NGX_PORT backlog=4096; "; done
  cat >"$dir/nginx.conf" <<NGX
load_module /usr/lib/nginx/modules/ngx_http_echo_module.so;
worker_processes 2;
worker_rlimit_nofile $(( conns + 1024 ));
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
daemon off;
events { worker_connections $conns; multi_accept on; }
http {
  default_type application/json;
  server_tokens off;
  keepalive_timeout 65s;
  keepalive_requests 1000000;
  client_body_temp_path $dir/tmp;
  proxy_temp_path $dir/tmp; fastcgi_temp_path $dir/tmp;
  uwsgi_temp_path $dir/tmp; scgi_temp_path $dir/tmp;
  log_format probe '\$msec \$request_uri \$status \$request_time c=\$connection r=\$connection_requests';
  access_log off;
  server {
    $listen
    location = /healthz { return 200 'ok'; }
    location = /health {
      access_log $PROBE_LOG probe buffer=64k flush=1s;
      return 200 '{"status":"ok"}\n';
    }
    location = /slow {
      access_log $PROBE_LOG probe buffer=64k flush=1s;
      echo_sleep 0.2;
      echo '{"status":"ok"}';
    }
    location / { return 404; }
  }
}
NGX
  nginx -p "$dir/" -c "$dir/nginx.conf" -e "$dir/logs/error.log" &
  NGX_PID=$!
  wait_http "http://127.0.0.1:$NGX_PORT/healthz" 10 || die "nginx did not start: $(tail -3 "$dir/logs/error.log")"
}

# rss_sampler OUT PID...: once a second, the largest sum of VmRSS (kB) of the
# PIDs seen so far, into OUT. Run it in the background; stop it by its PID.
rss_sampler() {
  local out="$1" max=0 sum p v; shift
  while :; do
    sum=0; for p in "$@"; do v=$(status_kb "$p" VmRSS); sum=$(( sum + ${v:-0} )); done
    (( sum > max )) && { max=$sum; echo "$max" >"$out.tmp" && mv "$out.tmp" "$out"; }
    sleep 1
  done
}
# busy clock ticks of the whole box (all CPUs), to tell when others load it
box_busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
