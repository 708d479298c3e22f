#!/usr/bin/env bash
# decision_rush.sh KIND - issue 6's proof: kill -9 in the middle of an online closing rush. Every
# vote the server acknowledged is counted, none twice, and a vote sent again after the crash is
# either taken once or refused as already cast - never a second row.
#
# KIND is sqlite (a database in a temporary folder) or postgres (a fresh database created in
# the cluster of $DANCHU_TEST_PG_URL, see scripts/with-postgres.sh). Seeds a small demo, then
# with SQL a village of 10,000 households under ward 99001 with a secret online vote (M6,
# online only, every household opted in, the window open for one more hour), its frozen roll
# and its ballot cards; the cards' codes are derived from the matter's card key by
# bench/decision_codes.c exactly as the server derives them (the client's first GET of a
# ballot page proves it). tests/crash/rush_client.c (built here with cc and pkg-config libcurl)
# then has 64 households' phones vote with the codes, in random order, as fast as the server
# answers (POST /phieu/CODE), recording each receipt answered 200. Once 60% of the households
# are acknowledged (and 0-29 ms more, at random) the server gets SIGKILL with votes in flight
# and is started again on the same database. Then:
#   - every acknowledged receipt is in decision_ballots with the choice sent, none twice;
#     decision_votes and decision_ballots have as many rows, at least as many as were
#     acknowledged and at most that plus the votes cut in flight;
#   - the phones send every unacknowledged code again: each is answered 200 with a receipt, or
#     409 "already voted" exactly for the households whose first attempt had committed
#     unanswered, and in the end the 10,000 households have one vote row and one ballot each
#     and the result page shows 10,000 households voted.
# Prints the counts, the votes per second before the kill and a closing
# "decision_rush KIND: N passed, M failed"; exits 1 when a check failed. Every process started
# here is stopped by its PID, and the temporary folder (and PostgreSQL database) is removed,
# whatever happens.
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
HOUSEHOLDS=${RUSH_HOUSEHOLDS:-10000}
CLIENTS=${RUSH_CLIENTS:-64}
KILL_AT=$(((HOUSEHOLDS * ${RUSH_KILL_PERCENT:-60} + 99) / 100)) # acknowledgements before the kill

[ -x "$BIN" ] || { echo "decision_rush: $BIN not found (run make first)" >&2; exit 2; }

t0=$(date +%s.%N)
work=$(mktemp -d "${TMPDIR:-/tmp}/danchu-rush.XXXXXX")
server_pid=""
client_pid=""
pg_db=""
passed=0
failed=0

# shellcheck source=tests/crash/lib.sh
. "$(dirname "$0")/lib.sh"

is() { [ "$1" = "$2" ] && echo 0 || echo 1; } # A B: 0 when equal, for check

finish() {
  echo "decision_rush $KIND: took $(took) s"
  echo "decision_rush $KIND: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] && exit 0
  exit 1
}

# ---- database ----------------------------------------------------------------------------
if [ "$KIND" = sqlite ]; then
  db_path=$work/rush.db
  DB_URL=sqlite:$db_path
  sql() { sqlite3 -batch -noheader "$db_path" "$1"; }
  sql_script() { sqlite3 -batch -noheader -bail "$db_path"; }
  load_cards() { sqlite3 -batch "$db_path" ".import --csv $1 decision_cards"; }
  series="generate_series(1, $HOUSEHOLDS) AS s"
else
  if [ -z "${DANCHU_TEST_PG_URL:-}" ]; then
    echo "decision_rush: DANCHU_TEST_PG_URL is not set (run under scripts/with-postgres.sh)" >&2
    exit 2
  fi
  pg_db=rush_$$_$RANDOM
  psql -q -X -v ON_ERROR_STOP=1 "$DANCHU_TEST_PG_URL" -c "CREATE DATABASE $pg_db" >/dev/null
  DB_URL=${DANCHU_TEST_PG_URL%/*}/$pg_db
  sql() { psql -q -X -At -v ON_ERROR_STOP=1 "$DB_URL" -c "$1"; }
  sql_script() { psql -q -X -At -v ON_ERROR_STOP=1 "$DB_URL" >/dev/null; }
  load_cards() { psql -q -X -v ON_ERROR_STOP=1 "$DB_URL" -c "\\copy decision_cards FROM '$1' WITH (FORMAT csv)"; }
  series="generate_series(1, $HOUSEHOLDS) AS s(value)"
fi

"$BIN" demo --db "$DB_URL" --households 200 --disclosures 0 --cases 0 --no-serve \
  >"$work/demo.log" 2>&1 || {
  echo "decision_rush: demo failed:" >&2
  cat "$work/demo.log" >&2
  exit 1
}

# ---- the clients and the cards' codes ----------------------------------------------------
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
cc -std=c17 -O2 -Wall -Wextra -Werror -Wvla -Wshadow -D_GNU_SOURCE -pthread \
  "$ROOT/tests/crash/rush_client.c" $(pkg-config --cflags --libs libcurl) \
  -o "$work/rush_client"
# shellcheck disable=SC2046
cc -std=c17 -O2 -Wall -Wextra -Werror -Wvla -Wshadow -D_GNU_SOURCE \
  "$ROOT/bench/decision_codes.c" $(pkg-config --cflags --libs libsodium) \
  -o "$work/decision_codes"

# ---- the village and its open vote -------------------------------------------------------
now=$(date +%s)
key=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
tabled=$(date -u -d '20 days ago' +%F)
notice=$(date -u -d '18 days ago' +%F)
# One transaction: the roll-summary triggers of 0008 count the village's households row by row.
sql_script <<EOF
BEGIN;
INSERT INTO units (code, kind, name, name_fold, parent_id, created_at)
SELECT '9900190', 'village', 'Thôn Bầu Cử', 'thon bau cu', id, $now FROM units
WHERE code = '99001';
INSERT INTO households (commune_id, village_id, code, address, created_at, updated_at)
SELECT c.id, v.id, 'BC' || (100000 + s.value), 'Số ' || s.value || ', thôn Bầu Cử', $now, $now
FROM $series, units c, units v WHERE c.code = '99001' AND v.code = '9900190';
INSERT INTO decisions (unit_id, matter, title, question, proposer, forms, secret, status,
    tabled_on, notice_on, online_optin_agree, online_opens_at, online_closes_at, card_key,
    roll_frozen_at, households_total, created_at, updated_at)
SELECT id, 6, 'Giờ mở cửa nhà văn hóa thôn Bầu Cử',
    'Bà con có tán thành mở cửa nhà văn hóa từ 6 giờ đến 22 giờ không?', 'head', 4, 1, 'voting',
    '$tabled', '$notice', $HOUSEHOLDS, $now - 3 * 86400, $now + 3600, '$key', $now - 86400 * 18,
    $HOUSEHOLDS, $now, $now FROM units WHERE code = '9900190';
INSERT INTO decision_roll (decision_id, household_id)
SELECT d.id, h.id FROM decisions d JOIN households h ON h.village_id = d.unit_id
WHERE d.card_key = '$key';
COMMIT;
EOF
id=$(sql "SELECT id FROM decisions WHERE card_key = '$key'")
sql "SELECT household_id FROM decision_roll WHERE decision_id = $id ORDER BY household_id" \
  >"$work/ids"
"$work/decision_codes" "$key" "$id" "$work/ids" "$work/cards.csv" "$work/codes.ordered" \
  >/dev/null
load_cards "$work/cards.csv"
paste -d' ' "$work/codes.ordered" "$work/ids" | sort >"$work/code_household" # code hid
shuf -o "$work/codes" "$work/codes.ordered" # households vote in no particular order
cards=$(sql "SELECT count(*) FROM decision_cards WHERE decision_id = $id")
check "a village of $HOUSEHOLDS households with an open secret online vote and $cards cards" \
  "$(is "$cards" "$HOUSEHOLDS")"

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
  echo "decision_rush: the server did not start:" >&2
  tail -n 20 "$log" >&2
  return 1
}

# CODES_FILE OUT_FILE: runs the phones against $BASE in the background (client_pid) and waits
# until they have their tokens; t_ready is when the voting began.
start_clients() {
  rm -f "$work/ready"
  "$work/rush_client" "$BASE" "$CLIENTS" "$1" "$2" "$work/ready" >"$2.summary" 2>"$2.err" &
  client_pid=$!
  for _ in $(seq 3000); do
    [ -e "$work/ready" ] && break
    kill -0 "$client_pid" 2>/dev/null || break
    sleep 0.01
  done
  t_ready=$(date +%s.%N)
  [ -e "$work/ready" ]
}

# ---- the rush ----------------------------------------------------------------------------
start_server server1
echo "decision_rush $KIND: $CLIENTS phones voting with $HOUSEHOLDS codes at $BASE," \
  "kill -9 at $KILL_AT acknowledged"
if ! start_clients "$work/codes" "$work/rush.out"; then
  cat "$work/rush.out.err" >&2
  check "all $CLIENTS phones got their visitor cookie and CSRF token from a card's ballot page" 1
  finish
fi
check "all $CLIENTS phones got their visitor cookie and CSRF token from a card's ballot page" 0

# Killed while the phones are still voting, so that votes are in flight: some queued for the
# writer, some in the commit, some committed and not yet answered. Answers come a batch (one
# commit, about a millisecond) at a time; a random 0-29 ms wait moves the kill over many cycles
# from run to run, and is short enough for the rush (tens of thousands of votes a second on
# SQLite) to be still going.
acked_at_kill=0
for _ in $(seq 12000); do # at most 1 minute
  acked_at_kill=$(wc -l <"$work/rush.out")
  [ "$acked_at_kill" -ge "$KILL_AT" ] && break
  kill -0 "$client_pid" 2>/dev/null || break
  sleep 0.005
done
jitter_ms=$((RANDOM % 30))
sleep "$(awk -v ms="$jitter_ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
acked_at_kill=$(grep -c ' 200 ' "$work/rush.out" || true)
t_kill=$(date +%s.%N)
kill -KILL "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""
rate=$(awk -v n="$acked_at_kill" -v a="$t_ready" -v b="$t_kill" \
  'BEGIN { printf "%.0f votes/s (%d in %.2f s)", n / (b - a), n, b - a }')
echo "decision_rush $KIND: server killed ${jitter_ms} ms past the threshold, with" \
  "$acked_at_kill votes acknowledged: $rate"

client_status=0
wait "$client_pid" || client_status=$?
client_pid=""
cat "$work/rush.out.summary"
sed -n 1,10p "$work/rush.out.err" >&2
check "the phones ran to their end" "$client_status"
check "at least $KILL_AT of $HOUSEHOLDS acknowledged before the kill ($acked_at_kill)" \
  "$([ "$acked_at_kill" -ge "$KILL_AT" ] && echo 0 || echo 1)"
refused=$(awk '$2 != "200" && $2 != "cut" && $2 != "unsent"' "$work/rush.out" | wc -l)
check "the server refused no vote of the rush, none as already cast ($refused)" "$(is "$refused" 0)"
cut=$(awk '$2 == "cut"' "$work/rush.out" | wc -l)
check "the kill cut votes in flight ($cut)" "$([ "$cut" -gt 0 ] && echo 0 || echo 1)"

# ---- after the crash ---------------------------------------------------------------------
start_server server2
check "the server starts again on the crashed database" 0

ballots() { sql "SELECT receipt || ' ' || choice FROM decision_ballots WHERE decision_id = $id" |
  sort; }
voted_households() { sql "SELECT household_id FROM decision_votes WHERE decision_id = $id" |
  sort; }
awk '$2 == "200" { print $3, $4 }' "$work/rush.out" | sort >"$work/acked1.pairs"
ballots >"$work/stored1.pairs"
voted_households >"$work/voted1"
acked1=$(wc -l <"$work/acked1.pairs")
votes1=$(wc -l <"$work/voted1")
ballots1=$(wc -l <"$work/stored1.pairs")
missing=$(comm -23 "$work/acked1.pairs" "$work/stored1.pairs" | wc -l)
ack_twice=$(cut -d' ' -f1 "$work/acked1.pairs" | uniq -d | wc -l)
receipt_twice=$(cut -d' ' -f1 "$work/stored1.pairs" | uniq -d | wc -l)
household_twice=$(uniq -d "$work/voted1" | wc -l)
unacked1=$((ballots1 - acked1))
echo "decision_rush $KIND: acknowledged $acked1, households voted $votes1, ballots $ballots1," \
  "acknowledged receipts missing $missing (stored without acknowledgement: $unacked1, of $cut" \
  "cut in flight)"
if [ "$missing" -gt 0 ]; then
  echo "decision_rush $KIND: acknowledged receipts not stored (first 10, receipt choice):" >&2
  comm -23 "$work/acked1.pairs" "$work/stored1.pairs" | head -n 10 >&2
fi
check "every acknowledged vote is counted: its receipt is stored with the choice sent" \
  "$(is "$missing" 0)"
check "no receipt acknowledged or stored twice, no household voted twice" \
  "$([ "$ack_twice" -eq 0 ] && [ "$receipt_twice" -eq 0 ] && [ "$household_twice" -eq 0 ] &&
    echo 0 || echo 1)"
check "one ballot per household that voted ($votes1 households, $ballots1 ballots)" \
  "$(is "$votes1" "$ballots1")"
check "acknowledged <= stored <= acknowledged + cut in flight ($acked1 <= $ballots1 <= $((acked1 + cut)))" \
  "$([ "$ballots1" -ge "$acked1" ] && [ "$ballots1" -le $((acked1 + cut)) ] && echo 0 || echo 1)"

# ---- the phones try again ----------------------------------------------------------------
# Every code without an acknowledgement: cut in flight, refused at the closed door, or never
# sent. Only the households whose vote committed unanswered may be told they have voted.
awk '$2 == "200" { print $1 }' "$work/rush.out" | sort >"$work/acked1.codes"
sort "$work/codes" | comm -23 - "$work/acked1.codes" | shuf >"$work/retry.codes"
n_retry=$(wc -l <"$work/retry.codes")
echo "decision_rush $KIND: the phones send the $n_retry unacknowledged codes again"
if ! start_clients "$work/retry.codes" "$work/retry.out"; then
  cat "$work/retry.out.err" >&2
  check "the phones got a new token from the restarted server" 1
  finish
fi
retry_status=0
wait "$client_pid" || retry_status=$?
client_pid=""
cat "$work/retry.out.summary"
sed -n 1,10p "$work/retry.out.err" >&2
check "the phones ran to their end again" "$retry_status"
answered=$(awk '$2 == "200" || $2 == "409"' "$work/retry.out" | wc -l)
check "every code sent again is answered 200 or 409 already voted ($answered of $n_retry)" \
  "$(is "$answered" "$n_retry")"
# The households told "already voted" are exactly those that had voted unacknowledged.
awk '$2 == "409" { print $1 }' "$work/retry.out" | sort | join - "$work/code_household" |
  awk '{ print $2 }' | sort >"$work/repeat.households"
sort "$work/acked1.codes" | join - "$work/code_household" | awk '{ print $2 }' | sort |
  comm -13 - "$work/voted1" >"$work/unacked.households"
repeats=$(wc -l <"$work/repeat.households")
check "409 already voted exactly for the $unacked1 households whose vote committed unanswered ($repeats)" \
  "$(cmp -s "$work/repeat.households" "$work/unacked.households" && echo 0 || echo 1)"
never_sent=$(awk '$2 == "409" { print $1 }' "$work/retry.out" | sort |
  comm -12 - <(awk '$2 == "cut" { print $1 }' "$work/rush.out" | sort) | wc -l)
check "only votes cut in flight were found committed ($never_sent of $repeats)" \
  "$(is "$never_sent" "$repeats")"

awk '$2 == "200" { print $3, $4 }' "$work/rush.out" "$work/retry.out" | sort >"$work/acked.pairs"
ballots >"$work/stored.pairs"
voted_households >"$work/voted"
acked=$(wc -l <"$work/acked.pairs")
votes=$(wc -l <"$work/voted")
n_ballots=$(wc -l <"$work/stored.pairs")
missing=$(comm -23 "$work/acked.pairs" "$work/stored.pairs" | wc -l)
echo "decision_rush $KIND: in the end acknowledged $acked, households voted $votes, ballots" \
  "$n_ballots (acknowledged to nobody: $((n_ballots - acked)))"
check "every household voted once: $HOUSEHOLDS vote rows, $HOUSEHOLDS ballots ($votes, $n_ballots)" \
  "$([ "$votes" -eq "$HOUSEHOLDS" ] && [ "$n_ballots" -eq "$HOUSEHOLDS" ] &&
    [ "$(uniq -d "$work/voted" | wc -l)" -eq 0 ] && echo 0 || echo 1)"
check "every acknowledged receipt, before and after the crash, is stored with its choice" \
  "$(is "$missing" 0)"
check "the ballots acknowledged to nobody are the $unacked1 committed in flight" \
  "$(is "$((n_ballots - acked))" "$unacked1")"
shown=$(curl -sf "$BASE/decisions/$id?format=json" | grep -o '"households_voted": *[0-9]*' |
  grep -o '[0-9]*$' || true)
check "the result page shows $HOUSEHOLDS households voted (${shown:-nothing})" \
  "$(is "${shown:-}" "$HOUSEHOLDS")"

if [ "$KIND" = sqlite ]; then
  integrity=$(sql "PRAGMA integrity_check")
  check "sqlite integrity_check after the crash ($integrity)" "$(is "$integrity" ok)"
fi
stop_pid "$server_pid"
server_pid=""

# With DANCHU_STRICT_TEMPLATES a view-model that lacks a key a template names is an error line
# "render TEMPLATE: ..." (src/http/server.c): the ballot and vote pages must render cleanly.
logs=("$work/server1.log" "$work/server2.log")
template_errors=$(cat "${logs[@]}" | grep -cE ' error .*(render|templat)' || true)
if [ "$template_errors" -gt 0 ]; then
  grep -hE ' error .*(render|templat)' "${logs[@]}" | head -n 5 >&2
fi
check "no template error in the server's log ($template_errors)" "$(is "$template_errors" 0)"

audit=0
"$BIN" audit verify --db "$DB_URL" >"$work/audit.out" 2>&1 || audit=$?
check "the audit log still verifies ($(tr -d '\n' <"$work/audit.out"))" "$audit"

echo "decision_rush $KIND: sustained $rate before the kill"
finish
