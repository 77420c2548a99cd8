#!/usr/bin/env bash
# PostgreSQL for the tests that run the store on it: a private cluster in the world's run dir,
# listening on 127.0.0.1 only (port BZ_PG_PORT, 5433 by default, so a system cluster on 5432 is
# never touched), trust auth for the test role `bz` on loopback, database `bz_test`.
#   postgres.sh install   Debian's postgresql, without starting the system cluster
#   postgres.sh start     initdb on first use, start, create role and database; prints BZ_TEST_PG
#   postgres.sh stop      fast shutdown; never fails when it is not running
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_PORT="${BZ_PG_PORT:-5433}"
PG_DATA="$RUN_DIR/postgres/data"
PG_LOG="$RUN_DIR/postgres/postgres.log"
PG_URL="postgres://bz@127.0.0.1:$PG_PORT/bz_test"

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [[ -n $dir ]] || { echo "postgres: no /usr/lib/postgresql/*/bin (run: postgres.sh install)" >&2; return 1; }
  echo "$dir"
}

as_postgres() { runuser -u postgres -- "$@"; }

install_pg() {
  if [[ $(dpkg-query -W -f='${Status}' postgresql 2>/dev/null || true) == "install ok installed" ]]; then
    echo "postgres/install: ok"
    return
  fi
  export DEBIAN_FRONTEND=noninteractive
  # No system cluster: ours is made by `start`, in the run dir, on its own port.
  mkdir -p /etc/postgresql-common/createcluster.d
  echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/bouncezero.conf
  local policy=/usr/sbin/policy-rc.d
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  apt-get update -qq </dev/null
  apt-get install -y -qq --no-install-recommends postgresql </dev/null
  echo "postgres/install: ok"
}

start_pg() {
  local bin
  bin=$(pg_bin)
  mkdir -p "$RUN_DIR/postgres"
  chown postgres "$RUN_DIR/postgres"
  if [[ ! -s $PG_DATA/PG_VERSION ]]; then
    as_postgres "$bin/initdb" -D "$PG_DATA" -U postgres --auth-local=trust --auth-host=trust -E UTF8 --locale=C.UTF-8 >"$RUN_DIR/postgres/initdb.out"
  fi
  if ! as_postgres "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    # Enough connections for three edges' pools beside the test's own; fsync off: test data only.
    as_postgres "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 30 start \
      -o "-h 127.0.0.1 -p $PG_PORT -k $RUN_DIR/postgres -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null ||
      { tail -n 30 "$PG_LOG" >&2; return 1; }
  fi
  local psql=("$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt)
  if [[ -z $(as_postgres "${psql[@]}" -c "select 1 from pg_roles where rolname = 'bz'") ]]; then
    as_postgres "${psql[@]}" -c "create role bz login createdb"
  fi
  if [[ -z $(as_postgres "${psql[@]}" -c "select 1 from pg_database where datname = 'bz_test'") ]]; then
    as_postgres "${psql[@]}" -c "create database bz_test owner bz"
  fi
  log "PostgreSQL up: $PG_URL"
  echo "BZ_TEST_PG=$PG_URL"
}

stop_pg() {
  local bin
  bin=$(pg_bin 2>/dev/null) || exit 0
  [[ -s $PG_DATA/PG_VERSION ]] || exit 0
  as_postgres "$bin/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
  log "PostgreSQL stopped"
}

case "${1:-}" in
  install) install_pg ;;
  start) start_pg ;;
  stop) stop_pg ;;
  *)
    echo "usage: postgres.sh install|start|stop" >&2
    exit 2
    ;;
esac
