#!/usr/bin/env bash
# Start or stop a throw-away PostgreSQL server on loopback for tests and benchmarks.
#   scripts/pg.sh start   installs Debian's postgresql when missing (as root), starts a
#                         cluster in var/pg on port $PG_PORT and prints its DATABASE_URL
#   scripts/pg.sh stop    stops it
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
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
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
  mkdir -p "$(dirname "$PG_DIR")"
  if [ ! -f "$PG_DIR/PG_VERSION" ]; then
    rm -rf "$PG_DIR"
    mkdir -p "$PG_DIR"
    [ "$(id -u)" = "0" ] && chown postgres:postgres "$PG_DIR"
    as_postgres "$bin/initdb" -D "$PG_DIR" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! as_postgres "$bin/pg_ctl" -D "$PG_DIR" status >/dev/null 2>&1; then
    as_postgres "$bin/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w \
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
  [ -n "$bin" ] && [ -f "$PG_DIR/PG_VERSION" ] && as_postgres "$bin/pg_ctl" -D "$PG_DIR" -m fast stop >/dev/null 2>&1 || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
