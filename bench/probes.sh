#!/usr/bin/env bash
# Health-check benchmark: N HTTP targets probed every INTERVAL s against one
# local nginx, by opsdeck's monitor, by Prometheus with blackbox_exporter (same
# targets, same rate) and by monit (C, sequential; on MONIT_N targets), one
# after the other in one run; first with every target answering at once
# ("fast"), then with every 10th target answering after 200 ms ("slow").
# Each run: a warm-up of INTERVAL+3 s (opsdeck: up to a minute more, see
# OPSDECK_WARMUP), then a DURATION window measuring the peer's CPU
# (utime+stime from /proc), peak RSS (VmHWM) and window-max RSS,
# and, from nginx's access log, the probes completed in the window (a distinct
# query key per peer: ?o=K opsdeck, ?b=K blackbox, ?m=K monit) and whether
# each was on time. Prints per peer: probes/s, share of probes on time, CPU
# microseconds per probe, memory per target; then the goals with PASS/FAIL.
# Method and definitions: bench/README.md, "Probes".
#
#   bench/probes.sh [N=10000] [INTERVAL=10] [DURATION=60] [MONIT_N=1000]
#   SCENARIOS=both        fast | slow | both
#   PEERS=opsdeck,blackbox,monit   which peers run (comma-separated)
#   HOSTS=1               spread the targets over 127.0.0.1..127.0.0.HOSTS
#                         (nginx listens on each): per-host limits apply
#   FLOOR_N=10            targets of the short run that gives each peer's
#                         memory floor (0: no floor run, KiB/target = peak/N)
#   FLOOR_SECONDS=10      how long the floor run lasts after its warm-up
#   OPSDECK_BIN=build/opsdeck   the binary (OPSDECK_BINARY works too)
#   KEEP=1                keep the run directory (configs, logs, nginx log)
#
# Installs the peers' Debian packages when missing (nginx-light,
# libnginx-mod-http-echo, prometheus, prometheus-blackbox-exporter, monit).
# Exits 0 whether the goals pass or fail; non-zero only when something failed
# to run. Test it with small loads (N=200 INTERVAL=5 DURATION=10 MONIT_N=100):
# the full run takes the box's 2 cores for ~10 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
source bench/probes_peers.sh
N=${1:-10000}; INTERVAL=${2:-10}; DURATION=${3:-60}; MONIT_N=${4:-1000}
INTERVAL=${INTERVAL%s}; DURATION=${DURATION%s}
SCENARIOS=${SCENARIOS:-both}; PEERS=${PEERS:-opsdeck,blackbox,monit}
FLOOR_N=${FLOOR_N:-10}; FLOOR_SECONDS=${FLOOR_SECONDS:-10}; HOSTS=${HOSTS:-1}
[[ "$N$INTERVAL$DURATION$MONIT_N$FLOOR_N$FLOOR_SECONDS$HOSTS" =~ ^[0-9]+$ ]] || die "arguments must be integers"
(( HOSTS >= 1 && HOSTS <= 254 )) || die "HOSTS must be 1..254"
(( N >= 1 && N <= 20000 )) || die "N must be 1..20000"
(( INTERVAL >= 2 && INTERVAL <= 300 )) || die "INTERVAL must be 2..300 s"
(( DURATION >= INTERVAL && DURATION <= 1800 )) || die "DURATION must be INTERVAL..1800 s"
(( MONIT_N >= 1 )) || die "MONIT_N must be >= 1"
(( MONIT_N > N )) && MONIT_N=$N
(( FLOOR_N == 0 || (FLOOR_N < N && FLOOR_SECONDS >= 1) )) || die "FLOOR_N must be 0 or below N"
case "$SCENARIOS" in fast | slow) SCEN_LIST=("$SCENARIOS") ;; both) SCEN_LIST=(fast slow) ;;
  *) die "SCENARIOS must be fast, slow or both" ;; esac
PEER_LIST=()
for p in opsdeck blackbox monit; do [[ ",$PEERS," == *",$p,"* ]] && PEER_LIST+=("$p"); done
[[ -n "$(tr -d ',' <<<"$PEERS" | sed 's/opsdeck\|blackbox\|monit//g')" ]] && die "PEERS takes opsdeck, blackbox, monit"
(( ${#PEER_LIST[@]} )) || die "PEERS selects no peer"
wants() { [[ " ${PEER_LIST[*]} " == *" $1 "* ]]; }
declare -A KEY=([opsdeck]=o [blackbox]=b [monit]=m)
declare -A TARGETS=([opsdeck]=$N [blackbox]=$N [monit]=$MONIT_N)
TIMEOUT=$(( INTERVAL - 1 < 5 ? INTERVAL - 1 : 5 ))   # every peer's probe timeout
WARMUP=$(( INTERVAL + 3 ))
# opsdeck writes each target's results in groups (six results, or the first
# has waited 60 s: MonitorOptions::results_per_write, results_hold). Its
# window opens once every target has written its first group, so it
# measures the steady write rate, not the quieter first minute.
OPSDECK_WARMUP=$(( WARMUP + (INTERVAL * 6 < 60 ? INTERVAL * 6 : 60) ))
LATE_AFTER=$(awk -v i="$INTERVAL" 'BEGIN { t = i / 10; if (t < 1) t = 1; print i + t }')

# --- dependencies: the peers come from Debian packages ------------------------
debs=(nginx-light libnginx-mod-http-echo curl python3)
wants blackbox && debs+=(prometheus prometheus-blackbox-exporter)
wants monit && debs+=(monit)
ensure_debs "${debs[@]}"
for t in nginx curl python3; do command -v "$t" >/dev/null || die "$t not installed"; done
[[ -f /usr/lib/nginx/modules/ngx_http_echo_module.so ]] || die "nginx's echo module is missing (libnginx-mod-http-echo)"
BIN=${OPSDECK_BIN:-${OPSDECK_BINARY:-build/opsdeck}}
if wants opsdeck; then [[ -x "$BIN" ]] || die "$BIN not built (make build)"; fi
ulimit -n "$(ulimit -Hn)"   # a prober may hold thousands of sockets at once (slow targets)

RUN="$BENCH_TMP/probes.$$"; mkdir -p "$RUN"
NGX_PID=""; SAMPLER_PID=""; PEER_PIDS=()
cleanup() {
  stop_pid "$SAMPLER_PID"; stop_peer; stop_pid "$NGX_PID"
  if [[ -n "${KEEP:-}" ]]; then log "kept $RUN"; else rm -rf "$RUN"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
TOKEN=$(python3 -c 'import secrets; print("bench-" + secrets.token_hex(24))')

start_probe_target "$RUN/nginx" "$N" "$HOSTS"
# shellcheck disable=SC2046  # one word per worker PID
ngx_pids() { echo "$NGX_PID" $(ps -o pid= --ppid "$NGX_PID"); }
peer_alive() { local p; for p in "${PEER_PIDS[@]}"; do alive "$p" || return 1; done; }
peer_kb() { local field=$1 p t=0 v; for p in "${PEER_PIDS[@]}"; do v=$(status_kb "$p" "$field"); t=$(( t + ${v:-0} )); done; echo "$t"; }
hwm_kb() { peer_kb VmHWM; }   # peak RSS since start, summed over the peer's processes
rss_kb() { peer_kb VmRSS; }

# probe_stats KEY TSTART T0 T1 GAPS < time-sorted log lines -> "PROBES ON_TIME
# NON200 NEW_CONNS FIRST DISTINCT": the probes of one peer completed in
# [T0,T1]. A probe is on time when the gap since the same target's previous
# probe (the warm-up's included) is at most LATE_AFTER; a target's first probe
# in the window with none before it is late. Writes every gap to GAPS.
probe_stats() {
  awk -v key="$1" -v ts="$2" -v t0="$3" -v t1="$4" -v lim="$LATE_AFTER" -v gaps="$5" '
    BEGIN { pat = "[?&]" key "=[0-9]+"; printf "" >gaps }
    $1 < ts || $1 > t1 || !match($2, pat) { next }
    { k = substr($2, RSTART + 1, RLENGTH - 1)
      if ($1 >= t0) {
        n++; if ($3 != 200) bad++; if ($6 == "r=1") fresh++
        if (k in last) { g = $1 - last[k]; print g >gaps; if (g <= lim) ok++ } else first++
        if (!(k in seen)) { seen[k] = 1; d++ }
      }
      last[k] = $1 }
    END { printf "%d %d %d %d %d %d\n", n, ok, bad, fresh, first, d }'
}
# wait_first_probe KEY OFFSET TSTART: until nginx logged a probe of KEY made
# after TSTART (at most INTERVAL+10 s). The warm-up counts from there: a peer's
# start-up (Prometheus sends its first scrapes ~5 s after it is ready) is not
# part of its schedule.
wait_first_probe() {
  local i
  for ((i = 0; i < (INTERVAL + 10) * 5; i++)); do
    awk -v ts="$3" -v pat="[?&]$1=[0-9]+" '$1 >= ts && match($2, pat) { f = 1; exit } END { exit !f }' \
      < <(tail -c +"$(( $2 + 1 ))" "$PROBE_LOG" 2>/dev/null) && return 0
    sleep 0.2
  done
  return 1
}
quantiles() {  # quantiles FILE -> "P50 P99 MAX" of the numbers in FILE
  sort -n "$1" | awk '{ v[NR] = $1 } END { if (!NR) { print "0 0 0"; exit }
    i = int(NR * 0.99); if (i < 1) i = 1; printf "%.2f %.2f %.2f\n", v[int((NR + 1) / 2)], v[i], v[NR] }'
}

# floor_run PEER: the peer with FLOOR_N fast targets for WARMUP+FLOOR_SECONDS;
# its peak RSS is the fixed part that memory per target leaves out (and its
# RSS at the end, the same for the steady figure).
declare -A FLOOR_KB=() FLOOR_RSS_KB=()
floor_run() {
  local name=$1 dir="$RUN/$1.floor"; mkdir -p "$dir"
  "start_$name" "$dir" "$FLOOR_N" 0
  log "floor: $PEER_DESC with $FLOOR_N targets for $(( WARMUP + FLOOR_SECONDS )) s"
  sleep $(( WARMUP + FLOOR_SECONDS ))
  peer_alive || die "$name died in its floor run (logs in $dir)"
  FLOOR_KB[$name]=$(hwm_kb); FLOOR_RSS_KB[$name]=$(rss_kb); stop_peer
}

# run_peer PEER SCENARIO: one measured run; appends its figures to $RUN/results:
# "SCENARIO PEER TARGETS WINDOW_S PROBES ON_TIME NON200 NEW_CONNS FIRST DISTINCT
#  CPU_TICKS NGINX_TICKS BOX_TICKS HWM_KB WINDOW_MAX_KB FLOOR_KB P50 P99 MAX
#  FLOOR_RSS_KB"
run_peer() {
  local name=$1 scen=$2 n=${TARGETS[$1]} slow=0 dir="$RUN/$1.$2" ts off warm=$WARMUP
  [[ "$name" == opsdeck ]] && warm=$OPSDECK_WARMUP
  [[ "$scen" == slow ]] && slow=1
  mkdir -p "$dir"
  ts=$(date +%s.%N); off=$(stat -c %s "$PROBE_LOG" 2>/dev/null || echo 0)
  "start_$name" "$dir" "$n" "$slow"
  log "$scen: $PEER_DESC, $n targets every ${INTERVAL}s; warm-up ${warm}s, window ${DURATION}s"
  wait_first_probe "${KEY[$name]}" "$off" "$ts" || log "$name sent no probe in $(( INTERVAL + 10 )) s; measuring anyway"
  sleep "$warm"
  peer_alive || die "$name died in its warm-up (logs in $dir)"
  rss_sampler "$dir/rssmax" "${PEER_PIDS[@]}" &
  SAMPLER_PID=$!
  local ngx c0 g0 b0 t0 c1 g1 b1 t1 hwm wmax
  ngx=$(ngx_pids)
  # shellcheck disable=SC2086  # one word per nginx PID
  { c0=$(cpu_ticks "${PEER_PIDS[@]}"); g0=$(cpu_ticks $ngx); b0=$(box_busy_ticks); t0=$(date +%s.%N); }
  sleep "$DURATION"
  # shellcheck disable=SC2086
  { c1=$(cpu_ticks "${PEER_PIDS[@]}"); g1=$(cpu_ticks $ngx); b1=$(box_busy_ticks); t1=$(date +%s.%N); }
  peer_alive || die "$name died in the window (logs in $dir)"
  hwm=$(hwm_kb); stop_pid "$SAMPLER_PID"; SAMPLER_PID=""
  wmax=$(cat "$dir/rssmax" 2>/dev/null || echo 0)
  if [[ "$name" == opsdeck ]]; then  # its monitor's own counters, when it has any
    { curl -fsS --max-time 30 -H "Authorization: Bearer $TOKEN" "$OPS_URL/metrics" |
        grep -E '^opsdeck_(monitor|scheduler|probe|check)' | grep -v 'target=' | head -20; } >"$dir/metrics" 2>/dev/null || true
    grep -m3 -iE 'error|warn' "$dir/opsdeck.log" >"$dir/log-excerpt" 2>/dev/null || true
  fi
  stop_peer
  sleep 1.2   # nginx flushes its access-log buffer every second
  tail -c +"$(( off + 1 ))" "$PROBE_LOG" | sort -n -k1,1 -s >"$dir/probes.log"
  local stats q
  stats=$(probe_stats "${KEY[$name]}" "$ts" "$t0" "$t1" "$dir/gaps" <"$dir/probes.log")
  q=$(quantiles "$dir/gaps")
  echo "$scen $name $n $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') $stats" \
    "$(( c1 - c0 )) $(( g1 - g0 )) $(( b1 - b0 )) $hwm ${wmax:-0} ${FLOOR_KB[$name]:-0} $q ${FLOOR_RSS_KB[$name]:-0}" >>"$RUN/results"
}

# --- the runs ------------------------------------------------------------------
ops_extra=0; wants opsdeck && ops_extra=$(( OPSDECK_WARMUP - WARMUP ))
floor_s=0; (( FLOOR_N )) && floor_s=$(( ${#PEER_LIST[@]} * (WARMUP + FLOOR_SECONDS + 3) ))
log "N=$N every ${INTERVAL}s (timeout ${TIMEOUT}s), window ${DURATION}s, monit on $MONIT_N; scenarios: ${SCEN_LIST[*]}; peers: ${PEER_LIST[*]}"
log "nginx on 127.0.0.1$( (( HOSTS > 1 )) && echo "..127.0.0.$HOSTS"):$NGX_PORT; about $(( (floor_s + ${#SCEN_LIST[@]} * (${#PEER_LIST[@]} * (WARMUP + DURATION + 5) + ops_extra)) / 60 + 1 )) minutes"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
if (( FLOOR_N )); then for p in "${PEER_LIST[@]}"; do floor_run "$p"; done; fi
for s in "${SCEN_LIST[@]}"; do for p in "${PEER_LIST[@]}"; do run_peer "$p" "$s"; done; done

source bench/probes_report.sh
