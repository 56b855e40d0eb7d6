# shellcheck shell=bash
# The report of bench/probes.sh, sourced at its end: reads $RUN/results (one
# line per measured run, fields as run_peer writes them) and prints, per
# scenario, the acceptance figures, the details behind them, and opsdeck's
# goals against the peers measured in the same scenario with PASS/FAIL.

versions() {
  local v
  echo "nginx $(nginx -v 2>&1 | sed 's/.*\///')"
  if wants opsdeck; then v=$("$BIN" --version 2>&1 | head -1 || true); echo "${v:-opsdeck ?}"; fi
  if wants blackbox; then
    echo "prometheus $(prometheus --version 2>&1 | awk 'NR==1 {print $3}')"
    echo "blackbox_exporter $(prometheus-blackbox-exporter --version 2>&1 | awk 'NR==1 {print $3}')"
  fi
  if wants monit; then echo "monit $(monit -V 2>&1 | awk 'NR==1 {print $NF}')"; fi
}

printf '\n== bench/probes.sh N=%d INTERVAL=%ds DURATION=%ds MONIT_N=%d, HOSTS=%d (timeout %ds; on time = gap since the target'"'"'s previous probe <= %ss)\n' \
  "$N" "$INTERVAL" "$DURATION" "$MONIT_N" "$HOSTS" "$TIMEOUT" "$LATE_AFTER"
printf 'versions: %s\n' "$(versions | paste -sd, - | sed 's/,/, /g')"
printf 'memory per target: %s\n' "$( (( FLOOR_N )) && echo "(peak RSS - peak RSS with $FLOOR_N targets) / (targets - $FLOOR_N)" || echo "peak RSS / targets (no floor run)")"

awk -v hz="$CLK_TCK" -v iv="$INTERVAL" -v fn="$FLOOR_N" '
  function na(v, fmt) { return v < 0 ? "n/a" : sprintf(fmt, v) }
  function verdict(ok) { return ok ? "PASS" : "FAIL" }
  {
    s = $1; p = $2; key = s SUBSEP p; have[key] = 1
    if (!(s in seen_s)) { seen_s[s] = 1; order[++ns] = s }
    n = $3; w = $4; pr = $5; ot = $6
    T[key] = n; PR[key] = pr; W[key] = w
    RATE[key] = pr / w; NOM[key] = n / iv
    ON[key] = 100 * ot / (n * w / iv); if (ON[key] > 100) ON[key] = 100   # a window a hair over k intervals
    CPU[key] = pr > 0 ? $11 / hz * 1e6 / pr : -1
    CPUS[key] = $11 / hz; CORES[key] = $11 / hz / w
    NGX[key] = pr > 0 ? $12 / hz * 1e6 / pr : -1
    BOX[key] = $13 / hz / w
    HWM[key] = $14; WMAX[key] = $15; FL[key] = $16
    KIB[key] = (fn > 0 && $16 > 0 && n > fn) ? ($14 - $16) / (n - fn) : $14 / n
    STEADY[key] = (fn > 0 && $20 > 0 && n > fn) ? ($15 - $20) / (n - fn) : $15 / n
    NON[key] = $7; FRESH[key] = pr > 0 ? 100 * $8 / pr : 0; FIRST[key] = $9; DIST[key] = $10
    PER[key] = sprintf("%s/%s/%s", $17, $18, $19)
  }
  END {
    np = split("opsdeck blackbox monit", peers, " ")
    label["opsdeck"] = "opsdeck"; label["blackbox"] = "blackbox+prom"; label["monit"] = "monit"
    for (i = 1; i <= ns; i++) {
      s = order[i]
      printf "\n--- %s: %s ---\n", s, (s == "slow" ? "every 10th target answers after 200 ms" : "every target answers at once")
      printf "%-14s %8s %10s %10s %9s %14s %11s\n", "peer", "targets", "probes/s", "nominal/s", "on time", "CPU us/probe", "KiB/target"
      for (j = 1; j <= np; j++) { k = s SUBSEP peers[j]; if (!(k in have)) continue
        printf "%-14s %8d %10.1f %10.1f %8.2f%% %14s %11.2f\n", label[peers[j]], T[k], RATE[k], NOM[k], ON[k], na(CPU[k], "%.1f"), KIB[k] }
      printf "\n%-14s %7s %6s %10s %10s %11s %11s %20s %10s %10s %8s %10s %10s\n", "details", "CPU s", "cores", "peak MiB", "floor MiB", "win-max MiB", "steady KiB",
        "period p50/p99/max s", "new conns", "nginx us", "non-200", "no prev", "box cores"
      for (j = 1; j <= np; j++) { k = s SUBSEP peers[j]; if (!(k in have)) continue
        printf "%-14s %7.2f %6.3f %10.1f %10s %11.1f %11.2f %20s %9.1f%% %10s %8d %10d %10.2f\n", label[peers[j]], CPUS[k], CORES[k], HWM[k] / 1024,
          (FL[k] > 0 ? sprintf("%.1f", FL[k] / 1024) : "-"), WMAX[k] / 1024, STEADY[k], PER[k], FRESH[k], na(NGX[k], "%.1f"), NON[k], FIRST[k], BOX[k] }

      o = s SUBSEP "opsdeck"; m = s SUBSEP "monit"; b = s SUBSEP "blackbox"
      if (!(o in have)) continue
      if (PR[o] == 0) printf "\nopsdeck completed 0 probes in the window: its monitor probed nothing (not wired into this binary yet?)\n"
      printf "\ngoals (%s), opsdeck against the peers of this scenario:\n", s
      if ((m in have) && CPU[m] > 0)
        printf "  %-46s %-34s %s\n", "CPU per probe at or below monit'"'"'s", sprintf("%s vs %.1f us", na(CPU[o], "%.1f"), CPU[m]), verdict(CPU[o] >= 0 && CPU[o] <= CPU[m])
      else printf "  %-46s %-34s %s\n", "CPU per probe at or below monit'"'"'s", "monit not measured", "SKIP"
      if ((b in have) && CPU[b] > 0)
        printf "  %-46s %-34s %s\n", "CPU per probe at most 1/20 of blackbox+prom", sprintf("%s vs %.1f/20 = %.1f us", na(CPU[o], "%.1f"), CPU[b], CPU[b] / 20),
          verdict(CPU[o] >= 0 && CPU[o] <= CPU[b] / 20)
      else printf "  %-46s %-34s %s\n", "CPU per probe at most 1/20 of blackbox+prom", "blackbox not measured", "SKIP"
      printf "  %-46s %-34s %s\n", "memory per target at most 4 KiB", sprintf("%.2f KiB", KIB[o]), verdict(PR[o] > 0 && KIB[o] <= 4)
      printf "  %-46s %-34s %s\n", "at least 99% of probes on time", sprintf("%.2f%%", ON[o]), verdict(ON[o] >= 99)
    }
  }' "$RUN/results"

for s in "${SCEN_LIST[@]}"; do
  d="$RUN/opsdeck.$s"
  [[ -s "$d/metrics" ]] && { printf '\nopsdeck monitor counters after the %s window (/metrics):\n' "$s"; sed 's/^/  /' "$d/metrics"; }
  [[ -s "$d/log-excerpt" ]] && { printf '\nopsdeck log (%s), first warnings:\n' "$s"; sed 's/^/  /' "$d/log-excerpt"; }
done
cat <<EOF

(probes/s, on time and CPU count the window only; KiB/target is from peak RSS
(VmHWM, start-up included), "steady KiB" from the window's largest RSS minus
the floor run's RSS at its end; "no prev" = probes in the
window of targets not probed since the peer started (counted late); "new
conns" = probes that opened a connection; "nginx us" = the target's CPU per
probe; box cores = busy CPU of the whole box, other sessions included)
load average before ${LOAD0}, after $(cut -d' ' -f1-3 /proc/loadavg)
EOF
