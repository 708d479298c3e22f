#!/usr/bin/env bash
# with-postgres.sh CMD... - runs CMD against a throwaway PostgreSQL cluster.
#
# Creates a cluster in a fresh temporary folder (trust auth, UTF8, C.UTF-8),
# starts it on a free port on 127.0.0.1 only with a private socket folder and
# fsync on, creates database danchu_test, exports
#   DANCHU_TEST_PG_URL=postgres://postgres@127.0.0.1:PORT/danchu_test
# runs CMD, then stops the server and removes the folder, whatever happened.
# Exits with CMD's status. Works as root (the server then runs as the
# "postgres" user, since PostgreSQL refuses root) and as a normal user.
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 CMD [ARG...]" >&2
  exit 2
fi

PGBIN=${PGBIN:-}
if [ -z "$PGBIN" ]; then
  for d in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    if [ -x "$d/initdb" ]; then PGBIN=$d; break; fi
  done
fi
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "with-postgres: no PostgreSQL server found (apt-get install postgresql)" >&2
  exit 1
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/danchu-pg.XXXXXX")
as=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$dir"
  as=(runuser -u postgres --)
fi
chmod 700 "$dir"

started=0
cleanup() {
  if [ "$started" -eq 1 ]; then
    "${as[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
      "${as[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! "${as[@]}" "$PGBIN/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1; then
  echo "with-postgres: initdb failed:" >&2
  cat "$dir/initdb.log" >&2
  exit 1
fi
"${as[@]}" mkdir -p "$dir/sock"

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

for try in 1 2 3 4 5 6 7 8; do
  port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
  port_free "$port" || continue
  if "${as[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir/sock -c fsync=on -c max_connections=200" \
      start >/dev/null 2>&1; then
    started=1
    break
  fi
done
if [ "$started" -ne 1 ]; then
  echo "with-postgres: the server did not start:" >&2
  tail -n 30 "$dir/server.log" >&2 || true
  exit 1
fi

"$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U postgres danchu_test
export DANCHU_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/danchu_test"

set +e
"$@"
status=$?
set -e
exit "$status"
