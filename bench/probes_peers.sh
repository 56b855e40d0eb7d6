# shellcheck shell=bash
# shellcheck disable=SC2034  # PEER_DESC and OPS_URL are read by probes.sh
# The three health checkers of bench/probes.sh, each started from a config
# generated here (nothing outside the repo is read): opsdeck, Prometheus with
# blackbox_exporter, and monit. Sourced by probes.sh after lib.sh; uses its
# INTERVAL, TIMEOUT, HOSTS, NGX_PORT, BIN and TOKEN. Each start_* function takes
# DIR N SLOW (SLOW=1: every 10th target is /slow), writes its config in DIR,
# starts the daemons in the background, waits until they answer, and sets
# PEER_PIDS (every process whose CPU and memory count) and PEER_DESC.

# target_urls N SLOW KEY: one URL per target, K=1..N, http://HOST:PORT/health?KEY=K,
# or /slow?KEY=K for every 10th target when SLOW=1. The targets are split in
# HOSTS consecutive blocks, on 127.0.0.1..127.0.0.HOSTS, so each host has its
# tenth of slow ones. The same targets are slow for every peer.
target_urls() {
  awk -v n="$1" -v slow="$2" -v key="$3" -v hosts="$HOSTS" -v port="$NGX_PORT" 'BEGIN {
    per = int((n + hosts - 1) / hosts)
    for (k = 1; k <= n; k++)
      printf "http://127.0.0.%d:%d%s?%s=%d\n", 1 + int((k - 1) / per), port, (slow && k % 10 == 0 ? "/slow" : "/health"), key, k }'
}

# opsdeck: one service per target with one http check, as the catalog section
# of the reference config; the monitor runs inside `opsdeck serve`.
start_opsdeck() {
  local dir="$1" n="$2" slow="$3" port
  port=$(free_port)
  {
    echo "server: {listen: \"127.0.0.1:$port\", threads: 1}"
    echo "storage: {type: sqlite, path: $dir/opsdeck.db}"
    echo "log: {level: warn, format: text}"
    echo "auth: {tokens: [{name: bench-admin, role: admin, token: \"$TOKEN\"}]}"
    echo "environments: [{name: bench}]"
    echo "catalog:"
    echo "  defaults: {interval: ${INTERVAL}s, timeout: ${TIMEOUT}s}"
    echo "  services:"
    target_urls "$n" "$slow" o | awk '{ printf "    - {name: t%d, environment: bench, component: backend, checks: [{type: http, url: \"%s\"}]}\n", NR, $0 }'
  } >"$dir/opsdeck.yaml"
  chmod 600 "$dir/opsdeck.yaml"
  "$BIN" check-config -q "$dir/opsdeck.yaml" >&2 || die "opsdeck rejected its generated config $dir/opsdeck.yaml"
  "$BIN" serve --config "$dir/opsdeck.yaml" >"$dir/opsdeck.out" 2>"$dir/opsdeck.log" &
  PEER_PIDS=("$!"); OPS_URL="http://127.0.0.1:$port"
  wait_http "$OPS_URL/healthz" 30 || die "opsdeck did not start: $(tail -5 "$dir/opsdeck.log")"
  PEER_DESC="opsdeck pid ${PEER_PIDS[0]}"
}

# Prometheus scraping blackbox_exporter's /probe once per target per interval,
# as shared/bench-peers/peer_blackbox.sh (module http_2xx, same timeout as the
# other peers; the scrape timeout leaves the exporter its 0.5 s margin).
start_blackbox() {
  local dir="$1" n="$2" slow="$3" bb_port prom_port
  bb_port=$(free_port); prom_port=$(free_port)
  cat >"$dir/blackbox.yml" <<BB
modules:
  http_2xx:
    prober: http
    timeout: ${TIMEOUT}s
    http: {method: GET, preferred_ip_protocol: ip4, ip_protocol_fallback: false, follow_redirects: false}
BB
  {
    echo "global: {scrape_interval: ${INTERVAL}s, scrape_timeout: $(( TIMEOUT + 1 ))s, evaluation_interval: 1m}"
    echo "scrape_configs:"
    echo "  - job_name: blackbox"
    echo "    metrics_path: /probe"
    echo "    params: {module: [http_2xx]}"
    echo "    static_configs:"
    echo "      - targets:"
    target_urls "$n" "$slow" b | sed 's/^/          - /'
    echo "    relabel_configs:"
    echo "      - {source_labels: [__address__], target_label: __param_target}"
    echo "      - {source_labels: [__param_target], target_label: instance}"
    echo "      - {target_label: __address__, replacement: \"127.0.0.1:$bb_port\"}"
  } >"$dir/prometheus.yml"
  prometheus-blackbox-exporter --config.file="$dir/blackbox.yml" \
    --web.listen-address="127.0.0.1:$bb_port" --log.level=warn >"$dir/blackbox.log" 2>&1 &
  PEER_PIDS=("$!")
  prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/tsdb" \
    --web.listen-address="127.0.0.1:$prom_port" --log.level=warn >"$dir/prometheus.log" 2>&1 &
  PEER_PIDS+=("$!")
  wait_http "http://127.0.0.1:$bb_port/metrics" 30 || die "blackbox_exporter did not start: $(tail -5 "$dir/blackbox.log")"
  wait_http "http://127.0.0.1:$prom_port/-/ready" 60 || die "prometheus did not start: $(tail -5 "$dir/prometheus.log")"
  PEER_DESC="blackbox_exporter pid ${PEER_PIDS[0]}, prometheus pid ${PEER_PIDS[1]}"
}

# monit in the foreground: one `check host` per target with one HTTP test,
# `set daemon INTERVAL`. It polls its services one after the other and then
# sleeps, so its real period is INTERVAL + the sweep (shared/bench-peers).
start_monit() {
  local dir="$1" n="$2" slow="$3"
  {
    echo "set daemon $INTERVAL"
    echo "set init"
    echo "set logfile $dir/monit.log"
    echo "set pidfile $dir/monit.pid"
    echo "set idfile $dir/monit.id"
    echo "set statefile $dir/monit.state"
    target_urls "$n" "$slow" m | awk -F'[/:]' -v t="$TIMEOUT" '{
      path = $0; sub(/^http:\/\/[^\/]+/, "", path)
      printf "check host h%d with address %s\n", NR, $4
      printf "  if failed port %s protocol http request \"%s\" with timeout %d seconds then alert\n", $5, path, t }'
  } >"$dir/monitrc"
  chmod 600 "$dir/monitrc"   # monit refuses a control file others can read
  monit -t -c "$dir/monitrc" >/dev/null || die "monit rejected $dir/monitrc"
  monit -I -c "$dir/monitrc" >"$dir/monit.out" 2>&1 &
  PEER_PIDS=("$!")
  sleep 1
  alive "${PEER_PIDS[0]}" || die "monit exited: $(tail -5 "$dir/monit.out")"
  PEER_DESC="monit pid ${PEER_PIDS[0]}"
}

# Stops the running peer's processes, newest first (Prometheus before the
# exporter it scrapes).
stop_peer() {
  local i
  for ((i = ${#PEER_PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PEER_PIDS[i]}"; done
  PEER_PIDS=()
}
