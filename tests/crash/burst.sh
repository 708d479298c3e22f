#!/usr/bin/env bash
# burst.sh KIND - issue 4's proof: a burst of 5,000 submissions with photos from 64 clients,
# then kill -9: every acknowledged case and photo is there after restart, none twice.
#
# KIND is sqlite (a database in a temporary folder) or postgres (a fresh database created in
# the cluster of $DANCHU_TEST_PG_URL, see scripts/with-postgres.sh). Seeds a demo with 200
# households, starts `danchu serve` with the public form's per-address limit off (a config file
# with submit_per_hour = 0), makes a real JPEG of some tens of kilobytes (the first page of a
# disclosure item's printed notice, rendered by pdftoppm), and runs
# tests/crash/burst_client.c (built here with cc and pkg-config libcurl): 64 anonymous residents
# send phản ánh BURST-<client>-<n> with that photo to /gui-y-kien/99001, recording each title
# and tracking code answered 303 to /theo-doi/<code>. Once 60% of the 5,000 are acknowledged
# (and 0-99 ms more, at random) the server gets SIGKILL with requests in flight, is started
# again on the same database, and every recorded case must be there exactly once, under its
# title, with its one whole photo. Prints the counts, the submissions per second sustained
# before the kill and a closing "burst KIND: N passed, M failed"; exits 1 when a check failed.
# Every process started here is stopped by its PID, and the temporary folder (and PostgreSQL
# database) is removed, whatever happens.
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
COMMUNE=99001 # the demo's first commune (a ward)
CLIENTS=${BURST_CLIENTS:-64}
TOTAL=${BURST_TOTAL:-5000}
KILL_AT=$(((TOTAL * ${BURST_KILL_PERCENT:-60} + 99) / 100)) # acknowledgements before the kill

[ -x "$BIN" ] || { echo "burst: $BIN not found (run make first)" >&2; exit 2; }
command -v pdftoppm >/dev/null || {
  echo "burst: pdftoppm not found (poppler-utils, scripts/install-deps.sh)" >&2
  exit 2
}

t0=$(date +%s.%N)
work=$(mktemp -d "${TMPDIR:-/tmp}/danchu-burst.XXXXXX")
server_pid=""
client_pid=""
pg_db=""
passed=0
failed=0

# shellcheck source=tests/crash/lib.sh
. "$(dirname "$0")/lib.sh"

finish() {
  echo "burst $KIND: took $(took) s"
  echo "burst $KIND: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] && exit 0
  exit 1
}

# ---- database ----------------------------------------------------------------------------
if [ "$KIND" = sqlite ]; then
  db_path=$work/burst.db
  DB_URL=sqlite:$db_path
  sql() { sqlite3 -batch -noheader "$db_path" "$1"; }
  first_bytes="hex(substr(f.data, 1, 2))"
else
  if [ -z "${DANCHU_TEST_PG_URL:-}" ]; then
    echo "burst: DANCHU_TEST_PG_URL is not set (run under scripts/with-postgres.sh)" >&2
    exit 2
  fi
  pg_db=burst_$$_$RANDOM
  psql -q -X -v ON_ERROR_STOP=1 "$DANCHU_TEST_PG_URL" -c "CREATE DATABASE $pg_db" >/dev/null
  DB_URL=${DANCHU_TEST_PG_URL%/*}/$pg_db
  sql() { psql -q -X -At -v ON_ERROR_STOP=1 "$DB_URL" -c "$1"; }
  first_bytes="upper(encode(substring(f.data from 1 for 2), 'hex'))"
fi

"$BIN" demo --db "$DB_URL" --households 200 --no-serve >"$work/demo.log" 2>&1 || {
  echo "burst: demo failed:" >&2
  cat "$work/demo.log" >&2
  exit 1
}

# Without this the form takes 20 submissions per address per hour: 64 addresses would be
# refused after 1,280.
printf '[danchu]\nsubmit_per_hour = 0\n' >"$work/danchu.conf"

# ---- the client --------------------------------------------------------------------------
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
cc -std=c17 -O2 -Wall -Wextra -Werror -Wvla -Wshadow -D_GNU_SOURCE -pthread \
  "$ROOT/tests/crash/burst_client.c" $(pkg-config --cflags --libs libcurl) \
  -o "$work/burst_client"

# ---- server ------------------------------------------------------------------------------

start_server() { # LOGNAME: starts the server on a free port, sets server_pid and BASE
  local log=$work/$1.log
  for _ in 1 2 3 4 5 6 7 8; do
    local port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    port_free "$port" || continue
    DANCHU_STRICT_TEMPLATES=1 "$BIN" serve --db "$DB_URL" --config "$work/danchu.conf" \
      --listen "127.0.0.1:$port" --quiet >>"$log" 2>&1 &
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
  echo "burst: the server did not start:" >&2
  tail -n 20 "$log" >&2
  return 1
}

start_server server1

# ---- the photo ---------------------------------------------------------------------------
# A real JPEG as a phone would send, not a few magic bytes: the first page of a published
# item's printed notice (Decree 30 layout, QR code), at 50 dpi some tens of kilobytes.
item=$(sql "SELECT min(id) FROM disclosures WHERE status = 'published' AND secret = 0
  AND published_at <= $(date +%s)")
[ -n "$item" ] || { echo "burst: the demo has no published disclosure item" >&2; exit 1; }
curl -sf -o "$work/notice.pdf" "$BASE/thong-tin/$item/thong-bao.pdf" || {
  echo "burst: GET /thong-tin/$item/thong-bao.pdf failed" >&2
  exit 1
}
pdftoppm -jpeg -r 50 -f 1 -l 1 -singlefile "$work/notice.pdf" "$work/photo"
photo=$work/photo.jpg
photo_size=$(wc -c <"$photo")
photo_magic=$(od -An -tx1 -N2 "$photo" | tr -d ' ')
echo "burst $KIND: photo from /thong-tin/$item/thong-bao.pdf, $photo_size bytes"
check "the photo is a JPEG of some tens of kilobytes ($photo_size bytes, starts $photo_magic)" \
  "$([ "$photo_magic" = ffd8 ] && [ "$photo_size" -gt 10000 ] && [ "$photo_size" -lt 500000 ] &&
    echo 0 || echo 1)"

# ---- the burst ---------------------------------------------------------------------------
echo "burst $KIND: $CLIENTS clients sending $TOTAL submissions to $BASE," \
  "kill -9 at $KILL_AT acknowledged"
"$work/burst_client" "$BASE" "$COMMUNE" "$CLIENTS" "$TOTAL" "$photo" "$work/acked" \
  "$work/ready" >"$work/client.out" 2>"$work/client.err" &
client_pid=$!
# 64 GETs of the form take well under a second; polled finely, as the rate is timed from here.
for _ in $(seq 3000); do
  [ -e "$work/ready" ] && break
  kill -0 "$client_pid" 2>/dev/null || break
  sleep 0.01
done
if [ ! -e "$work/ready" ]; then
  cat "$work/client.err" >&2
  check "all $CLIENTS clients got their visitor cookie and CSRF token" 1
  finish
fi
t_ready=$(date +%s.%N)
check "all $CLIENTS clients got their visitor cookie and CSRF token" 0

# Killed while the clients are still sending, so that submissions are in flight: some queued
# for the writer, some in the commit, some committed and not yet answered. Answers come a batch
# (one commit) at a time, so a kill right after the threshold's batch would always land at the
# same point of the next one; a random 0-99 ms wait moves it over the whole cycle from run to run.
acked_at_kill=0
for _ in $(seq 6000); do # at most 2 minutes
  acked_at_kill=$(wc -l <"$work/acked")
  [ "$acked_at_kill" -ge "$KILL_AT" ] && break
  kill -0 "$client_pid" 2>/dev/null || break
  sleep 0.02
done
jitter_ms=$((RANDOM % 100))
sleep "$(awk -v ms="$jitter_ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
acked_at_kill=$(wc -l <"$work/acked")
t_kill=$(date +%s.%N)
kill -KILL "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""
rate=$(awk -v n="$acked_at_kill" -v a="$t_ready" -v b="$t_kill" \
  'BEGIN { printf "%.0f submissions/s (%d in %.2f s)", n / (b - a), n, b - a }')
echo "burst $KIND: server killed ${jitter_ms} ms past the threshold, with $acked_at_kill" \
  "submissions acknowledged: $rate"

client_status=0
wait "$client_pid" || client_status=$?
client_pid=""
cat "$work/client.out"
sed -n 1,10p "$work/client.err" >&2
check "the client ran to its end" "$client_status"
check "at least $KILL_AT of $TOTAL acknowledged before the kill ($acked_at_kill)" \
  "$([ "$acked_at_kill" -ge "$KILL_AT" ] && echo 0 || echo 1)"
rejected=$(sed -n 's/.* \([0-9]*\) rejected.*/\1/p' "$work/client.out")
check "the server refused no submission (${rejected:-?})" \
  "$([ "${rejected:-1}" -eq 0 ] && echo 0 || echo 1)"
in_flight=$(sed -n 's/.*(\([0-9]*\) cut in flight.*/\1/p' "$work/client.out")
check "the kill cut submissions in flight (${in_flight:-0})" \
  "$([ "${in_flight:-0}" -gt 0 ] && echo 0 || echo 1)"

# ---- after the crash ---------------------------------------------------------------------
start_server server2
check "the server starts again on the crashed database" 0

# Both sides as "code title" lines.
awk '{ print $2, $1 }' "$work/acked" | sort >"$work/acked.pairs"
cut -d' ' -f1 "$work/acked.pairs" >"$work/acked.codes"
sql "SELECT code || ' ' || title FROM cases WHERE title LIKE 'BURST-%'" | sort >"$work/stored.pairs"
cut -d' ' -f1 "$work/stored.pairs" >"$work/stored.codes"
acknowledged=$(wc -l <"$work/acked.pairs")
stored=$(wc -l <"$work/stored.pairs")
dup_acks=$(($(uniq -d "$work/acked.codes" | wc -l) +
  $(cut -d' ' -f2 "$work/acked.pairs" | sort | uniq -d | wc -l)))
missing=$(comm -23 <(sort -u "$work/acked.codes") <(sort -u "$work/stored.codes") | wc -l)
retitled=$(($(comm -23 <(sort -u "$work/acked.pairs") "$work/stored.pairs" | wc -l) - missing))
unacked=$(comm -13 <(sort -u "$work/acked.codes") <(sort -u "$work/stored.codes") | wc -l)
code_twice=$(uniq -d "$work/stored.codes" | wc -l)
title_twice=$(sql "SELECT count(*) FROM (SELECT title FROM cases WHERE title LIKE 'BURST-%'
  GROUP BY title HAVING count(*) > 1) t")
echo "burst $KIND: acknowledged $acknowledged, stored $stored, missing $missing," \
  "under another title $retitled, code stored twice $code_twice, title stored twice" \
  "$title_twice (stored without acknowledgement: $unacked, in flight at the kill)"
if [ "$missing" -gt 0 ]; then
  echo "burst $KIND: missing cases (first 10, title code):" >&2
  comm -23 <(sort -u "$work/acked.codes") <(sort -u "$work/stored.codes") | head -n 10 |
    while read -r code; do grep " $code\$" "$work/acked"; done >&2
fi
check "every acknowledged case is stored" "$([ "$missing" -eq 0 ] && echo 0 || echo 1)"
check "every acknowledged case has its acknowledged title" \
  "$([ "$retitled" -eq 0 ] && echo 0 || echo 1)"
check "no case is stored twice (by code or by title) nor acknowledged twice" \
  "$([ "$code_twice" -eq 0 ] && [ "$title_twice" = 0 ] && [ "$dup_acks" -eq 0 ] &&
    echo 0 || echo 1)"

# Every stored BURST case, acknowledged or caught in flight, has exactly one photo row, and
# that photo is whole: its recorded size is its length, it is more than a stub and it is still
# a JPEG. A case without its photo would mean the case and its file were not one transaction.
sql "SELECT c.code FROM cases c
  LEFT JOIN case_files f ON f.case_id = c.id AND f.purpose = 'photo'
  WHERE c.title LIKE 'BURST-%' GROUP BY c.code
  HAVING count(f.id) <> 1 OR coalesce(sum(CASE WHEN f.size = length(f.data) AND f.size > 1000
    AND $first_bytes = 'FFD8' THEN 1 ELSE 0 END), 0) <> 1" | sort >"$work/bad.codes"
bad=$(wc -l <"$work/bad.codes")
bad_acked=$(comm -12 <(sort -u "$work/acked.codes") "$work/bad.codes" | wc -l)
sizes=$(sql "SELECT count(f.id), count(DISTINCT length(f.data)), min(length(f.data))
  FROM case_files f JOIN cases c ON c.id = f.case_id
  WHERE c.title LIKE 'BURST-%' AND f.purpose = 'photo'")
echo "burst $KIND: photos stored $(cut -d'|' -f1 <<<"$sizes"), distinct lengths" \
  "$(cut -d'|' -f2 <<<"$sizes") ($(cut -d'|' -f3 <<<"$sizes") bytes; sent $photo_size)," \
  "cases without exactly one whole photo: $bad ($bad_acked acknowledged)"
if [ "$bad" -gt 0 ]; then
  echo "burst $KIND: cases without exactly one whole photo (first 10):" >&2
  head -n 10 "$work/bad.codes" >&2
fi
check "every acknowledged case has exactly one whole JPEG photo" \
  "$([ "$bad_acked" -eq 0 ] && echo 0 || echo 1)"
check "every stored case, acknowledged or not, is whole (case and photo together)" \
  "$([ "$bad" -eq 0 ] && echo 0 || echo 1)"
check "every stored photo has the same length (none cut short)" \
  "$([ "$(cut -d'|' -f2 <<<"$sizes")" = 1 ] && echo 0 || echo 1)"

if [ "$KIND" = sqlite ]; then
  integrity=$(sql "PRAGMA integrity_check")
  check "sqlite integrity_check after the crash ($integrity)" \
    "$([ "$integrity" = ok ] && echo 0 || echo 1)"
fi

# The restarted server shows what was written: the last acknowledged case's tracking page.
if [ "$acknowledged" -gt 0 ]; then
  read -r probe_title probe_code < <(tail -n 1 "$work/acked")
  shown=1
  curl -sf "$BASE/theo-doi/$probe_code" | grep -q "$probe_title" && shown=0
  check "the restarted server shows $probe_code ($probe_title) on its tracking page" "$shown"
fi

stop_pid "$server_pid"
server_pid=""

# With DANCHU_STRICT_TEMPLATES a view-model that lacks a key a template names is an error line
# "render TEMPLATE: ..." (src/http/server.c): the form and tracking pages must render cleanly.
logs=("$work/server1.log" "$work/server2.log")
template_errors=$(cat "${logs[@]}" | grep -cE ' error .*(render|templat)' || true)
if [ "$template_errors" -gt 0 ]; then
  grep -hE ' error .*(render|templat)' "${logs[@]}" | head -n 5 >&2
fi
check "no template error in the server's log ($template_errors)" \
  "$([ "$template_errors" -eq 0 ] && echo 0 || echo 1)"
other_errors=$(cat "${logs[@]}" | grep -c ' error ' || true)
if [ "$other_errors" -gt 0 ]; then
  echo "burst $KIND: error lines in the server's log (first 5):"
  grep -h ' error ' "${logs[@]}" | head -n 5
fi

audit=0
"$BIN" audit verify --db "$DB_URL" >"$work/audit.out" 2>&1 || audit=$?
check "the audit log still verifies ($(tr -d '\n' <"$work/audit.out"))" "$audit"

echo "burst $KIND: sustained $rate before the kill"
finish
