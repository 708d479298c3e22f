#!/usr/bin/env bash
# kill9.sh KIND - crash durability: nothing the server acknowledged is lost or doubled by kill -9.
#
# KIND is sqlite (a database in a temporary folder) or postgres (a fresh database created in
# the cluster of $DANCHU_TEST_PG_URL, see scripts/with-postgres.sh). Seeds a demo with 200
# households, starts `danchu serve`, and runs tests/crash/kill9_client.c (built here with cc and
# pkg-config libcurl): 32 signed-in clients POST new households K<client>-<n> to
# /don-vi/9900101/ho for about 3 s, recording each code whose POST was answered 303. The server
# gets SIGKILL in the middle of that, is started again on the same database, and every recorded
# code must be there exactly once. Prints the counts and a closing "kill9 KIND: N passed,
# M failed"; exits 1 when a check failed. Every process started here is stopped by its PID, and
# the temporary folder (and PostgreSQL database) is removed, whatever happens.
set -euo pipefail

KIND=${1:-}
case "$KIND" in
  sqlite | postgres) ;;
  *)
    echo "usage: $0 sqlite|postgres" >&2
    exit 2
    ;;
esac

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${DANCHU_BIN:-$ROOT/build/danchu}
case "$BIN" in /*) ;; *) BIN=$ROOT/$BIN ;; esac
VILLAGE=9900101
CLIENTS=${KILL9_CLIENTS:-32}
SECONDS_WRITING=${KILL9_SECONDS:-3}
KILL_AFTER=${KILL9_KILL_AFTER:-1.5} # seconds into the writing

[ -x "$BIN" ] || { echo "kill9: $BIN not found (run make first)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/danchu-kill9.XXXXXX")
server_pid=""
client_pid=""
pg_db=""
passed=0
failed=0

# shellcheck source=tests/crash/lib.sh
. "$(dirname "$0")/lib.sh"

finish() {
  echo "kill9 $KIND: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] && exit 0
  exit 1
}

# ---- database ----------------------------------------------------------------------------
if [ "$KIND" = sqlite ]; then
  db_path=$work/kill9.db
  DB_URL=sqlite:$db_path
  sql() { sqlite3 -batch -noheader "$db_path" "$1"; }
else
  if [ -z "${DANCHU_TEST_PG_URL:-}" ]; then
    echo "kill9: DANCHU_TEST_PG_URL is not set (run under scripts/with-postgres.sh)" >&2
    exit 2
  fi
  pg_db=kill9_$$_$RANDOM
  psql -q -X -v ON_ERROR_STOP=1 "$DANCHU_TEST_PG_URL" -c "CREATE DATABASE $pg_db" >/dev/null
  DB_URL=${DANCHU_TEST_PG_URL%/*}/$pg_db
  sql() { psql -q -X -At -v ON_ERROR_STOP=1 "$DB_URL" -c "$1"; }
fi

"$BIN" demo --db "$DB_URL" --households 200 --no-serve >"$work/demo.log" 2>&1 || {
  echo "kill9: demo failed:" >&2
  cat "$work/demo.log" >&2
  exit 1
}

# ---- the client --------------------------------------------------------------------------
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
cc -std=c17 -O2 -Wall -Wextra -Werror -Wvla -Wshadow -D_GNU_SOURCE -pthread \
  "$ROOT/tests/crash/kill9_client.c" $(pkg-config --cflags --libs libcurl) \
  -o "$work/kill9_client"

# ---- server ------------------------------------------------------------------------------

start_server() { # LOGNAME: starts the server on a free port, sets server_pid and BASE
  local log=$work/$1.log
  for _ in 1 2 3 4 5 6 7 8; do
    local port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    port_free "$port" || continue
    DANCHU_STRICT_TEMPLATES=1 "$BIN" serve --db "$DB_URL" --listen "127.0.0.1:$port" --quiet \
      >>"$log" 2>&1 &
    server_pid=$!
    BASE=http://127.0.0.1:$port
    for _ in $(seq 150); do
      if [ "$(curl -s -m 2 "$BASE/healthz" 2>/dev/null)" = ok ]; then
        return 0
      fi
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    stop_pid "$server_pid"
    server_pid=""
  done
  echo "kill9: the server did not start:" >&2
  tail -n 20 "$log" >&2
  return 1
}

start_server server1
t0=$(date +%s.%N)
echo "kill9 $KIND: $CLIENTS clients writing for ${SECONDS_WRITING}s to $BASE, kill -9 after ${KILL_AFTER}s"

"$work/kill9_client" "$BASE" "$VILLAGE" "$CLIENTS" "$SECONDS_WRITING" "$work/acked" \
  "$work/ready" >"$work/client.out" 2>"$work/client.err" &
client_pid=$!
for _ in $(seq 600); do # the sign-ins (one Argon2id check each) take a few seconds
  [ -e "$work/ready" ] && break
  kill -0 "$client_pid" 2>/dev/null || break
  sleep 0.05
done
if [ ! -e "$work/ready" ]; then
  cat "$work/client.err" >&2
  check "all $CLIENTS clients signed in" 1
  finish
fi
check "all $CLIENTS clients signed in" 0

sleep "$KILL_AFTER"
writes_before_kill=$(wc -l <"$work/acked")
kill -KILL "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""
echo "kill9 $KIND: server killed with $writes_before_kill writes acknowledged so far"

client_status=0
wait "$client_pid" || client_status=$?
client_pid=""
cat "$work/client.out"
sed -n 1,10p "$work/client.err" >&2
check "the client ran to its end" "$client_status"
check "writes were acknowledged before the kill" "$([ "$writes_before_kill" -gt 0 ] && echo 0 || echo 1)"
unanswered=$(sed -n 's/.* \([0-9]*\) unanswered.*/\1/p' "$work/client.out")
check "the kill cut requests in flight" "$([ "${unanswered:-0}" -gt 0 ] && echo 0 || echo 1)"

# ---- after the crash ---------------------------------------------------------------------
start_server server2
check "the server starts again on the crashed database" 0

sort "$work/acked" >"$work/acked.sorted"
acknowledged=$(wc -l <"$work/acked.sorted")
dup_acks=$(uniq -d "$work/acked.sorted" | wc -l)
sql "SELECT code FROM households WHERE code LIKE 'K%-%' ORDER BY code" | sort >"$work/stored"
present=$(comm -12 <(sort -u "$work/acked.sorted") <(sort -u "$work/stored") | wc -l)
missing=$(comm -23 <(sort -u "$work/acked.sorted") <(sort -u "$work/stored") | wc -l)
duplicated=$(uniq -d "$work/stored" | wc -l)
unacked=$(comm -13 <(sort -u "$work/acked.sorted") <(sort -u "$work/stored") | wc -l)
echo "kill9 $KIND: acknowledged $acknowledged, present $present, missing $missing," \
  "duplicated $duplicated (stored without acknowledgement: $unacked, in flight at the kill)"
if [ "$missing" -gt 0 ]; then
  echo "kill9 $KIND: missing codes (first 10):" >&2
  comm -23 <(sort -u "$work/acked.sorted") <(sort -u "$work/stored") | head -n 10 >&2
fi
check "no acknowledged household is missing" "$([ "$missing" -eq 0 ] && echo 0 || echo 1)"
check "no household is stored twice" \
  "$([ "$duplicated" -eq 0 ] && [ "$dup_acks" -eq 0 ] && echo 0 || echo 1)"

# Every stored K household is whole: it has its one member, who is its representative.
broken=$(sql "SELECT count(*) FROM households h WHERE h.code LIKE 'K%-%' AND NOT EXISTS
  (SELECT 1 FROM members m WHERE m.household_id = h.id AND m.id = h.representative_id)")
check "every stored household has its representative ($broken broken)" \
  "$([ "$broken" = 0 ] && echo 0 || echo 1)"

if [ "$KIND" = sqlite ]; then
  integrity=$(sql "PRAGMA integrity_check")
  check "sqlite integrity_check after the crash ($integrity)" \
    "$([ "$integrity" = ok ] && echo 0 || echo 1)"
fi

# The restarted server serves what was written: one acknowledged code through the JSON roll.
if [ "$acknowledged" -gt 0 ]; then
  probe=$(tail -n 1 "$work/acked")
  jar=$work/cookies
  csrf=$(curl -s -c "$jar" -b "$jar" "$BASE/dang-nhap" |
    sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
  curl -s -o /dev/null -c "$jar" -b "$jar" \
    --data "ten_dang_nhap=truongthon&mat_khau=danchu2026&tiep=/&_csrf=$csrf" "$BASE/dang-nhap"
  roll=$(curl -s -b "$jar" "$BASE/don-vi/$VILLAGE/ho?format=json&q=$probe")
  listed=1
  grep -q "\"code\":\"$probe\"" <<<"$roll" && listed=0
  check "the restarted server lists $probe on the roll" "$listed"
fi

stop_pid "$server_pid"
server_pid=""
t1=$(date +%s.%N)
echo "kill9 $KIND: took $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
finish
