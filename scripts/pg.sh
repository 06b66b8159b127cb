#!/usr/bin/env bash
# Start or stop a throw-away PostgreSQL server on loopback for tests and benchmarks.
#   scripts/pg.sh start   installs Debian's postgresql when missing (as root), starts a
#                         cluster in var/pg on port $PG_PORT and prints its DATABASE_URL
#   scripts/pg.sh stop    stops it
#   scripts/pg.sh destroy stops it and removes its files
# Run as root, the server runs as the `postgres` user (initdb refuses root). When that user cannot reach
# $PG_DIR (a clone under /root or in a `mktemp -d` folder), the cluster lives in a folder of its own under
# /tmp instead, named after $PG_DIR so start and stop find the same one.
set -euo pipefail
cd "$(dirname "$0")/.."
PG_PORT="${PG_PORT:-54329}"
PG_DIR="${PG_DIR:-$PWD/var/pg}"
PG_USER=lms
PG_PASSWORD=lms

find_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

as_postgres() {
  if [ "$(id -u)" = "0" ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# Where the cluster's files live: $PG_DIR when the server's user can create and enter it, else /tmp/lms-pg-<hash>.
data_dir() {
  local parent
  parent=$(dirname "$PG_DIR")
  mkdir -p "$parent"
  if [ "$(id -u)" != "0" ] || (cd / && runuser -u postgres -- test -x "$parent") 2>/dev/null; then
    echo "$PG_DIR"
  else
    echo "/tmp/lms-pg-$(printf '%s' "$(cd "$parent" && pwd -P)/$(basename "$PG_DIR")" | sha1sum | cut -c1-16)"
  fi
}

start() {
  local bin
  bin=$(find_bin || true)
  if [ -z "$bin" ]; then
    if [ "$(id -u)" != "0" ]; then
      echo "PostgreSQL is not installed. Run: sudo apt-get install -y postgresql" >&2
      exit 1
    fi
    apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql >&2
    bin=$(find_bin)
  fi
  local data
  data=$(data_dir)
  if [ ! -f "$data/PG_VERSION" ]; then
    rm -rf "$data"
    mkdir -p "$data"
    if [ "$(id -u)" = "0" ]; then chown postgres:postgres "$data"; chmod 700 "$data"; fi
    as_postgres "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! as_postgres "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
      -o "-h 127.0.0.1 -p $PG_PORT -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      start >/dev/null
  fi
  "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -q -v ON_ERROR_STOP=1 -d postgres >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  END IF;
END \$\$;
SQL
  "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='lms'" | grep -q 1 \
    || "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres -O "$PG_USER" lms
  echo "postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/lms"
}

stop() {
  local bin
  bin=$(find_bin || true)
  local data
  data=$(data_dir)
  [ -n "$bin" ] && [ -f "$data/PG_VERSION" ] && as_postgres "$bin/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true
}

destroy() {
  stop
  rm -rf "$(data_dir)"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  destroy) destroy ;;
  *) echo "usage: $0 start|stop|destroy" >&2; exit 2 ;;
esac
