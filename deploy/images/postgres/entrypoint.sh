#!/bin/sh
# First start: initdb with POSTGRES_USER/POSTGRES_PASSWORD, UTF8 and
# C.UTF-8 (the minimal image has no other locale; without them initdb picks
# SQL_ASCII and drivers hand back bytes), then create POSTGRES_DB.
set -eu
user="${POSTGRES_USER:-postgres}"
db="${POSTGRES_DB:-$user}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile="$(mktemp)"
  printf '%s\n' "${POSTGRES_PASSWORD:-}" > "$pwfile"
  if [ -n "${POSTGRES_PASSWORD:-}" ]; then
    initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" --auth-local=trust \
      --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  else
    echo "POSTGRES_PASSWORD unset: host connections are trusted (tests only)" >&2
    initdb -D "$PGDATA" -U "$user" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  rm -f "$pwfile"
  method=scram-sha-256
  [ -n "${POSTGRES_PASSWORD:-}" ] || method=trust
  printf 'host all all 0.0.0.0/0 %s\nhost all all ::/0 %s\n' "$method" "$method" >> "$PGDATA/pg_hba.conf"
  if [ "$db" != "postgres" ]; then
    pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
    psql -v ON_ERROR_STOP=1 -U "$user" -d postgres -c "CREATE DATABASE \"$db\"" >/dev/null
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  fi
fi
if [ "${1:-}" = "postgres" ]; then
  shift
  exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
fi
exec "$@"
