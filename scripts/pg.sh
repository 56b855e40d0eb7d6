#!/usr/bin/env bash
# A throwaway PostgreSQL for tests, in a directory of its own.
#   scripts/pg.sh start DIR [PORT]   initdb (first time) and start; prints the DSN
#   scripts/pg.sh stop DIR           fast shutdown (no error if not running)
#   scripts/pg.sh restart DIR        stop, then start on the same port
#   scripts/pg.sh dsn DIR            prints the DSN
# Listens on 127.0.0.1 only (a free port unless PORT is given), the unix
# socket lives in DIR, trust auth, fsync off: for tests, never for data you
# keep. PostgreSQL refuses to run as root, so as root the server runs as the
# `postgres` system user (DIR is chowned to it). Only the DSN goes to stdout.
# PG_BIN overrides where initdb/pg_ctl are found.
set -euo pipefail

die() { echo "pg.sh: $*" >&2; exit 1; }

cmd=${1:-}
dir=${2:-}
[[ -n "$cmd" && -n "$dir" ]] || die "usage: pg.sh start|stop|restart|dsn DIR [PORT]"

if [[ -z "${PG_BIN:-}" ]]; then
  PG_BIN=/usr/lib/postgresql/15/bin
  [[ -x "$PG_BIN/pg_ctl" ]] || PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
fi
[[ -x "${PG_BIN:-}/pg_ctl" ]] || die "no PostgreSQL server binaries (install postgresql-15 or set PG_BIN)"

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data="$dir/data"

# Runs a command as the user that owns the cluster.
if [[ $(id -u) -eq 0 ]]; then
  getent passwd postgres >/dev/null || die "running as root needs the 'postgres' system user"
  as_owner() { (cd / && runuser -u postgres -- "$@"); }
  chown postgres: "$dir"
  as_owner test -w "$dir" -a -x "$dir" ||
    die "$dir is not reachable by user postgres (is a parent directory private?)"
else
  as_owner() { (cd / && "$@"); }
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 40000))
    port_in_use "$p" || { echo "$p"; return 0; }
  done
  die "no free port found"
}

dsn() { echo "host=127.0.0.1 port=$(cat "$dir/port") user=postgres dbname=postgres"; }

running() { as_owner "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; }

start() {
  local want_port=${1:-}
  if [[ ! -f "$data/PG_VERSION" ]]; then
    as_owner "$PG_BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    cat >>"$data/postgresql.conf" <<CONF
# scripts/pg.sh: a throwaway test server
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
log_min_messages = warning
CONF
  fi
  if running; then dsn; return 0; fi
  local attempts=1 port
  [[ -z "$want_port" ]] && attempts=5
  for _ in $(seq 1 "$attempts"); do
    if [[ -n "$want_port" ]]; then port=$want_port
    elif [[ -f "$dir/port" ]]; then port=$(cat "$dir/port")  # restart keeps its port
    else port=$(pick_port); fi
    echo "$port" >"$dir/port"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir/port"
    if as_owner "$PG_BIN/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 -o "-p $port" start >/dev/null; then
      dsn
      return 0
    fi
    [[ -z "$want_port" ]] && rm -f "$dir/port"  # maybe taken meanwhile: try another
  done
  tail -n 20 "$dir/server.log" >&2 || true
  die "could not start PostgreSQL in $dir"
}

stop() {
  [[ -f "$data/PG_VERSION" ]] || return 0
  running || return 0
  as_owner "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null
}

case "$cmd" in
  start) start "${3:-}" ;;
  stop) stop ;;
  restart) stop; start ;;
  dsn) [[ -f "$dir/port" ]] || die "no server set up in $dir"; dsn ;;
  *) die "unknown command '$cmd' (start|stop|restart|dsn)" ;;
esac
