# Throw-away PostgreSQL and Redis on loopback for tests and benchmarks. Sourced.
# shellcheck shell=bash

SERVICES_DIR=""
PG_BIN=""
STARTED_PIDS=()

pg_bin_dir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$dir" ] && echo "$dir"
}

start_services() {
  apt_install postgresql redis-server
  SERVICES_DIR="$(mktemp -d /tmp/rotesnetz-services.XXXXXX)"
  chmod 755 "$SERVICES_DIR"
  PG_BIN="$(pg_bin_dir)" || die "PostgreSQL-Programme nicht gefunden."
  local pg_port redis_port
  pg_port="$(free_port)"
  redis_port="$(free_port)"

  say "Starte PostgreSQL auf 127.0.0.1:$pg_port"
  mkdir -p "$SERVICES_DIR/pg"
  local as_pg=()
  if is_root; then
    chown postgres:postgres "$SERVICES_DIR/pg"
    as_pg=(runuser -u postgres --)
  fi
  "${as_pg[@]}" "$PG_BIN/initdb" -D "$SERVICES_DIR/pg/data" -U rotesnetz --auth=trust \
    -E UTF8 --locale=C.UTF-8 >/dev/null
  # In the configuration file, not on the command line: a restart (the fault tier stops and
  # starts the cluster) must come back on the same loopback port.
  cat >>"$SERVICES_DIR/pg/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$SERVICES_DIR/pg'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
CONF
  "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$SERVICES_DIR/pg/data" -l "$SERVICES_DIR/pg/log" -w start >/dev/null
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$pg_port" -U rotesnetz rotesnetz

  say "Starte Redis auf 127.0.0.1:$redis_port"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save '' \
    --appendonly no --pidfile "$SERVICES_DIR/redis.pid" --logfile "$SERVICES_DIR/redis.log" \
    --dir "$SERVICES_DIR"
  for _ in $(seq 50); do
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done

  export DATABASE_URL="postgres://rotesnetz@127.0.0.1:$pg_port/rotesnetz"
  export REDIS_URL="redis://127.0.0.1:$redis_port/0"
  export REDIS_CACHE_URL="redis://127.0.0.1:$redis_port/1"
  export CELERY_BROKER_URL="redis://127.0.0.1:$redis_port/2"
  export RN_PG_BIN="$PG_BIN" RN_PG_DATA="$SERVICES_DIR/pg/data" RN_REDIS_PORT="$redis_port"
  trap stop_services EXIT
}

stop_services() {
  [ -n "$SERVICES_DIR" ] || return 0
  if [ -f "$SERVICES_DIR/redis.pid" ]; then
    kill "$(cat "$SERVICES_DIR/redis.pid")" 2>/dev/null || true
  fi
  if [ -d "$SERVICES_DIR/pg/data" ]; then
    if is_root; then
      runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$SERVICES_DIR/pg/data" -m immediate stop >/dev/null 2>&1 || true
    else
      "$PG_BIN/pg_ctl" -D "$SERVICES_DIR/pg/data" -m immediate stop >/dev/null 2>&1 || true
    fi
  fi
  rm -rf "$SERVICES_DIR"
  SERVICES_DIR=""
}
