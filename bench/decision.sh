#!/usr/bin/env bash
# decision.sh - `make bench`, part 5: residents' decisions (issue 6) against the limits of this
# machine measured in the same run.
#
#  12. online ballots of a secret vote (POST /phieu/CODE with each household's one-time card
#      code, once each) from 256 concurrent clients, durable before the answer, vs raw SQLite
#      committing one row per transaction (WAL, synchronous=FULL, one connection, same
#      filesystem)
#  13. counting 1,000,000 online ballots of 300 villages: the 300 POSTs of the count
#      (/quan-ly/bieu-quyet/ID/ket-qua) by the ward's officer, one after another: total time
#      and the slowest
#
# Set up with SQL against the demo's SQLite file, as a large commune's would be: for 12 one
# village of BENCH_HOUSEHOLDS households with an open secret M6 vote (online only, opt-in of
# every household, window open), its frozen roll and its ballot cards, whose codes are derived
# from the matter's card key by bench/decision_codes.c exactly as the server derives them; for
# 13 300 villages of 3,334 households under ward 99001, each with a secret online vote whose
# window has closed, 1,000,000 ballots in all (3,333 or 3,334 each, random choices and
# receipts) and a matching decision_votes row per ballot.
# Everything listens on 127.0.0.1; every process it starts is stopped by PID on exit. Prints a
# table and appends a dated section to bench/RESULTS.md.
# Environment: DANCHU_BIN, BENCH_SECONDS (10), BENCH_HOUSEHOLDS (60,000 per second of the run:
# more than a run can use), BENCH_CONNS (256), BENCH_THREADS (wrk threads, 2), BENCH_KEEP=1,
# BENCH_RESULTS (bench/RESULTS.md; "-" = none).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${DANCHU_BIN:-build/danchu}
SECS=${BENCH_SECONDS:-10}
HOUSEHOLDS=${BENCH_HOUSEHOLDS:-$((60000 * SECS))}
CONNS=${BENCH_CONNS:-256}
WTHREADS=${BENCH_THREADS:-2}
RESULTS=${BENCH_RESULTS:-bench/RESULTS.md}
RAW_SECS=3
VILLAGES=300
PER_VILLAGE=3334
BALLOTS=1000000
CC=${CC:-cc}

for tool in wrk curl sqlite3 pkg-config shuf "$CC"; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (make deps)" >&2; exit 1; }
done
[ -x "$BIN" ] || { echo "bench: $BIN is missing (make)" >&2; exit 1; }
mkdir -p build/bench
WORK=$(mktemp -d "$PWD/build/bench/dm.XXXXXX")
DB="$WORK/bench.db"
PIDS=()
# shellcheck source=bench/lib.sh
. bench/lib.sh
serve() { # starts the server on a free port: sets DPID and BASE
    local port
    port=$(free_port)
    BASE="http://127.0.0.1:$port"
    "$BIN" serve --db "sqlite:$DB" --listen "127.0.0.1:$port" --quiet >>"$WORK/serve.log" 2>&1 &
    DPID=$!
    PIDS+=("$DPID")
    wait_http "$BASE/healthz"
}
thread_ticks() { # PID: "tid comm ticks" of each of its threads (user + system time)
    local t
    for t in /proc/"$1"/task/*; do
        echo "${t##*/} $(tr -d ' ' <"$t/comm") $(awk '{ print $14 + $15 }' "$t/stat")"
    done | sort
}
idle_ticks() { awk '$1 == "cpu" { print $5 + $6 }' /proc/stat; }

CFLAGS_BENCH="-std=c17 -O2 -Wall -Wextra -Werror -Wvla -Wshadow -D_GNU_SOURCE"
# shellcheck disable=SC2046,SC2086
$CC $CFLAGS_BENCH -o build/bench/sqlite_raw bench/sqlite_raw.c $(pkg-config --cflags --libs sqlite3)
# shellcheck disable=SC2046,SC2086
$CC $CFLAGS_BENCH -o build/bench/decision_codes bench/decision_codes.c \
    $(pkg-config --cflags --libs libsodium)

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
NOW=$(date +%s)
KEY=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
echo "bench: demo, then a village of $HOUSEHOLDS households with an open secret online vote"
T0=$(date +%s.%N)
"$BIN" demo --db "sqlite:$DB" --households 600 --disclosures 0 --cases 0 --no-serve \
    >"$WORK/demo.log" 2>&1 || { cat "$WORK/demo.log" >&2; exit 1; }
# One transaction: the roll-summary triggers of 0008 count the village's households row by row.
sqlite3 "$DB" <<EOF
BEGIN;
INSERT INTO units (code, kind, name, name_fold, parent_id, created_at)
SELECT '9900190', 'village', 'Thôn Bầu Cử', 'thon bau cu', id, $NOW FROM units
WHERE code = '99001';
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $HOUSEHOLDS)
INSERT INTO households (commune_id, village_id, code, address, created_at, updated_at)
SELECT c.id, v.id, printf('BC%07d', i), 'Số ' || i || ', thôn Bầu Cử', $NOW, $NOW
FROM n, units c, units v WHERE c.code = '99001' AND v.code = '9900190';
INSERT INTO decisions (unit_id, matter, title, question, proposer, forms, secret, status,
    tabled_on, notice_on, online_optin_agree, online_opens_at, online_closes_at, card_key,
    roll_frozen_at, households_total, created_at, updated_at)
SELECT id, 6, 'Giờ mở cửa nhà văn hóa thôn Bầu Cử',
    'Bà con có tán thành mở cửa nhà văn hóa từ 6 giờ đến 22 giờ không?', 'head', 4, 1, 'voting',
    date('now', '-20 day'), date('now', '-18 day'), $HOUSEHOLDS, $NOW - 3600, $NOW + 86400,
    '$KEY', $NOW - 86400, $HOUSEHOLDS, $NOW, $NOW FROM units WHERE code = '9900190';
INSERT INTO decision_roll (decision_id, household_id)
SELECT d.id, h.id FROM decisions d JOIN households h ON h.village_id = d.unit_id
WHERE d.card_key = '$KEY' ORDER BY h.id;
COMMIT;
EOF
ID=$(sqlite3 "$DB" "SELECT id FROM decisions WHERE card_key = '$KEY'")
sqlite3 "$DB" "SELECT household_id FROM decision_roll WHERE decision_id = $ID
    ORDER BY household_id" >"$WORK/ids"
N_CARDS=$(build/bench/decision_codes "$KEY" "$ID" "$WORK/ids" "$WORK/cards.csv" "$WORK/codes.ordered")
sqlite3 "$DB" ".import --csv $WORK/cards.csv decision_cards"
# Households vote in no particular order, as they would.
shuf -o "$WORK/codes" "$WORK/codes.ordered"
STORED_CARDS=$(sqlite3 "$DB" "SELECT COUNT(*) FROM decision_cards WHERE decision_id = $ID")
[ "$STORED_CARDS" = "$HOUSEHOLDS" ] && [ "$N_CARDS" = "$HOUSEHOLDS" ] ||
    fail "$N_CARDS codes derived, $STORED_CARDS cards stored for $HOUSEHOLDS households"
BUILD_S=$(secs_since "$T0")
echo "bench: decision $ID, $HOUSEHOLDS cards, built in ${BUILD_S}s"

echo "bench: 12/13 online ballots: raw SQLite ${RAW_SECS}s, then HTTP with $CONNS clients"
build/bench/sqlite_raw "$WORK/raw.db" "$RAW_SECS" >"$WORK/raw.txt"
RAW=$(awk '{print $6}' "$WORK/raw.txt")
serve
# The ballot page of one code gives the visitor cookie and its CSRF token; it also proves the
# codes derived here are the server's (an unknown code is 404).
FIRST=$(head -1 "$WORK/codes")
curl -fs -c "$WORK/anon" -b "$WORK/anon" -o "$WORK/ballot.html" "$BASE/phieu/$FIRST" ||
    fail "the ballot page of a derived code did not answer 200"
grep -q 'name="lua_chon"' "$WORK/ballot.html" || fail "the ballot page offers no choice (closed?)"
ACSRF=$(sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' "$WORK/ballot.html" | head -1)
ANON=$(awk '$6 == "dc_anon" {print $7}' "$WORK/anon")
[ -n "$ACSRF" ] && [ -n "$ANON" ] || fail "no visitor cookie or CSRF token"
WRK="wrk -t$WTHREADS -c$CONNS -d${SECS}s"
# Where the CPU goes: the server's threads (the writer is the busiest thread not named
# MHD-worker), wrk, and what the machine has left.
thread_ticks "$DPID" >"$WORK/ticks.before"
IDLE_BEFORE=$(idle_ticks)
TIMEFORMAT="%U %S"
{ time BENCH_CODES=$WORK/codes BENCH_ANON=$ANON BENCH_CSRF=$ACSRF BENCH_THREADS=$WTHREADS \
    BENCH_RECEIPTS=$WORK/receipts $WRK -s bench/vote.lua "$BASE/" >"$WORK/vote.txt"; } \
    2>"$WORK/wrk.time"
IDLE_AFTER=$(idle_ticks)
thread_ticks "$DPID" >"$WORK/ticks.after"
curl -fs -o "$WORK/metrics.txt" "$BASE/metrics"
HZ=$(getconf CLK_TCK)
read -r CPU_WRITER CPU_WORKERS CPU_SERVER <<<"$(join "$WORK/ticks.before" "$WORK/ticks.after" |
    awk -v hz="$HZ" -v s="$SECS" '{ d = $5 - $3; t += d; if ($2 == "MHD-worker") w += d
    else if (d > m) m = d } END { printf "%.0f %.0f %.0f", m / hz / s * 100, w / hz / s * 100,
    t / hz / s * 100 }')"
CPU_WRK=$(awk -v s="$SECS" '{ printf "%.0f", ($1 + $2) / s * 100 }' "$WORK/wrk.time")
CPU_IDLE=$(awk -v a="$IDLE_BEFORE" -v b="$IDLE_AFTER" -v hz="$HZ" -v s="$SECS" -v n="$(nproc)" \
    'BEGIN { printf "%.0f", (b - a) / hz / s / n * 100 }')
# Whatever else ran (interrupts, other processes): all the machine's busy time less ours.
CPU_ELSE=$(awk -v n="$(nproc)" -v i="$CPU_IDLE" -v a="$CPU_SERVER" -v b="$CPU_WRK" \
    'BEGIN { e = n * (100 - i) - a - b; printf "%.0f", e < 0 ? 0 : e }')
V_LINE=$(grep '^votes_ok' "$WORK/vote.txt" || true)
[ -n "$V_LINE" ] || { cat "$WORK/vote.txt" >&2; fail "the vote run printed nothing"; }
read -r _ V_OK _ V_REPEAT _ V_OTHER _ _ _ V_UNANSWERED _ V_SPARE _ V_SECS _ V_RATE <<<"$V_LINE"
stop "$DPID" # answers every vote in flight before it exits
BATCHES=$(metric danchu_write_batches_total "$WORK/metrics.txt")
JOBS=$(metric danchu_write_jobs_total "$WORK/metrics.txt")
PER_BATCH=$(ratio "$JOBS" "$BATCHES")
N_VOTES=$(sqlite3 "$DB" "SELECT COUNT(*) FROM decision_votes WHERE decision_id = $ID")
N_BALLOTS=$(sqlite3 "$DB" "SELECT COUNT(*) FROM decision_ballots WHERE decision_id = $ID")
sort -o "$WORK/receipts" "$WORK/receipts"
sqlite3 "$DB" "SELECT receipt FROM decision_ballots WHERE decision_id = $ID" |
    sort >"$WORK/stored"
LOST=$(comm -23 "$WORK/receipts" "$WORK/stored" | wc -l)
ACK_TWICE=$(uniq -d "$WORK/receipts" | wc -l)
echo "bench: $V_OK votes acknowledged ($V_UNANSWERED cut by wrk's end, $V_REPEAT repeats," \
    "$V_OTHER others), $N_VOTES households voted, $N_BALLOTS ballots, $LOST acknowledged" \
    "receipts missing; $JOBS writes in $BATCHES commits"
[ "$V_SPARE" = 0 ] || fail "the codes ran out ($V_SPARE spare requests): raise BENCH_HOUSEHOLDS"
[ "$V_REPEAT" = 0 ] && [ "$V_OTHER" = 0 ] || fail "votes refused: $(cat "$WORK/vote.txt")"
[ "$N_VOTES" = "$N_BALLOTS" ] || fail "$N_VOTES households voted but $N_BALLOTS ballots stored"
[ "$LOST" = 0 ] && [ "$ACK_TWICE" = 0 ] || fail "$LOST acknowledged ballots lost, $ACK_TWICE twice"
# Every ballot stored was acknowledged, or in flight when wrk stopped (it stops mid-request).
[ "$N_BALLOTS" -ge "$V_OK" ] && [ "$N_BALLOTS" -le $((V_OK + V_UNANSWERED)) ] ||
    fail "$N_BALLOTS ballots for $V_OK acknowledged and $V_UNANSWERED unanswered votes"
R12=$(ratio "$V_RATE" "$RAW")

echo "bench: 13/13 $VILLAGES villages, $BALLOTS online ballots, counting"
sqlite3 "$DB" <<EOF
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $VILLAGES)
INSERT INTO units (code, kind, name, name_fold, parent_id, created_at)
SELECT printf('99001%03d', i), 'village', 'Thôn Kiểm Phiếu ' || i, 'thon kiem phieu ' || i,
    c.id, $NOW FROM n, units c WHERE c.code = '99001';
CREATE TEMP TABLE tv AS SELECT id, CAST(substr(code, 6) AS INTEGER) AS k FROM units
WHERE code GLOB '99001[0-9][0-9][0-9]' AND length(code) = 8;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $PER_VILLAGE)
INSERT INTO households (commune_id, village_id, code, address, created_at, updated_at)
SELECT c.id, tv.id, printf('KP%03d-%04d', tv.k, i), 'Số ' || i || ', thôn Kiểm Phiếu ' || tv.k,
    $NOW, $NOW FROM tv, n, units c WHERE c.code = '99001' ORDER BY tv.k, i;
INSERT INTO decisions (unit_id, matter, title, question, proposer, forms, secret, status,
    tabled_on, notice_on, online_optin_agree, online_opens_at, online_closes_at, card_key,
    roll_frozen_at, households_total, created_at, updated_at)
SELECT id, 6, 'Lịch dọn vệ sinh đường làng ' || k, 'Bà con có tán thành lịch dọn vệ sinh không?',
    'head', 4, 1, 'voting', date('now', '-20 day'), date('now', '-18 day'), $PER_VILLAGE,
    $NOW - 4 * 86400, $NOW - 3600, '$KEY', $NOW - 5 * 86400, $PER_VILLAGE, $NOW, $NOW
FROM tv ORDER BY k;
CREATE TEMP TABLE td AS SELECT d.id, tv.k, d.unit_id FROM decisions d JOIN tv ON tv.id = d.unit_id;
INSERT INTO decision_roll (decision_id, household_id)
SELECT td.id, h.id FROM td JOIN households h ON h.village_id = td.unit_id ORDER BY td.id, h.id;
-- 3,333 or 3,334 of each village's 3,334 households voted: 1,000,000 in all.
CREATE TEMP TABLE tvote AS SELECT r.decision_id, r.household_id FROM decision_roll r
JOIN td ON td.id = r.decision_id
WHERE r.household_id < (SELECT MAX(household_id) FROM decision_roll x
    WHERE x.decision_id = r.decision_id) OR td.k % 3 = 0;
INSERT INTO decision_votes (decision_id, household_id, channel, choice, at)
SELECT decision_id, household_id, 'online', NULL, $NOW - 7200 FROM tvote
ORDER BY decision_id, household_id;
INSERT INTO decision_ballots (decision_id, receipt, choice)
SELECT decision_id, upper(hex(randomblob(6))), 1 + abs(random()) % 3 FROM tvote;
COMMIT;
EOF
read -r N_DEC N_CAST <<<"$(sqlite3 -separator ' ' "$DB" "SELECT COUNT(DISTINCT d.id), COUNT(*)
    FROM decisions d JOIN decision_ballots b ON b.decision_id = d.id
    WHERE d.online_closes_at = $NOW - 3600")"
[ "$N_DEC" = "$VILLAGES" ] && [ "$N_CAST" = "$BALLOTS" ] ||
    fail "$N_DEC decisions with $N_CAST ballots set up, not $VILLAGES with $BALLOTS"
sqlite3 "$DB" "SELECT id FROM decisions WHERE online_closes_at = $NOW - 3600 ORDER BY id" \
    >"$WORK/count.ids"
serve
JAR="$WORK/jar"
curl -fs -c "$JAR" -b "$JAR" -o "$WORK/signin.html" "$BASE/dang-nhap"
CSRF=$(sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' "$WORK/signin.html" | head -1)
curl -fs -c "$JAR" -b "$JAR" -o /dev/null --data-urlencode "_csrf=$CSRF" \
    --data-urlencode "ten_dang_nhap=canbo" --data-urlencode "mat_khau=danchu2026" "$BASE/dang-nhap"
SESSION=$(awk '$6 == "dc_session" {print $7}' "$JAR")
[ -n "$SESSION" ] || fail "sign-in failed"
curl -fs -H "Cookie: dc_session=$SESSION" -o "$WORK/manage.html" \
    "$BASE/quan-ly/bieu-quyet/$(head -1 "$WORK/count.ids")" || fail "canbo cannot manage the matter"
SCSRF=$(sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' "$WORK/manage.html" | head -1)
[ -n "$SCSRF" ] || fail "no CSRF token on the matter's page"
# One curl, one kept-alive connection, the 300 counts one after another: each is its own
# commit, the slowest way to count them (sent at once, the writer would commit them together).
{
    printf 'silent\nheader = "Cookie: dc_session=%s"\ndata = "_csrf=%s"\n' "$SESSION" "$SCSRF"
    printf 'write-out = "%%{http_code} %%{time_total} %%{redirect_url}\\n"\n'
    while read -r id; do
        printf 'url = "%s/quan-ly/bieu-quyet/%s/ket-qua"\noutput = "/dev/null"\n' "$BASE" "$id"
    done <"$WORK/count.ids"
} >"$WORK/count.cfg"
T0=$(date +%s.%N)
curl -K "$WORK/count.cfg" >"$WORK/count.txt"
TALLY_S=$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
stop "$DPID"
TALLY_MAX=$(awk '{ if ($2 > m) m = $2 } END { printf "%.1f", m * 1000 }' "$WORK/count.txt")
TALLY_MEAN=$(awk '{ s += $2 } END { printf "%.1f", s / NR * 1000 }' "$WORK/count.txt")
OK303=$(grep -c '^303 .*/decisions/' "$WORK/count.txt" || true)
[ "$OK303" = "$VILLAGES" ] || { head -3 "$WORK/count.txt" >&2;
    fail "$OK303 of $VILLAGES counts answered 303 to the result"; }
# The counts as stored against the ballots counted directly.
read -r COUNTED SUM_CHOICES SUM_VOTED WRONG <<<"$(sqlite3 -separator ' ' "$DB" "
    WITH b AS (SELECT decision_id, SUM(choice = 1) AS a, SUM(choice = 2) AS r,
        SUM(choice = 3) AS o, COUNT(*) AS n FROM decision_ballots GROUP BY decision_id)
    SELECT COUNT(*), SUM(d.approve + d.reject + d.other), SUM(d.households_voted),
        SUM(d.approve <> b.a OR d.reject <> b.r OR d.other <> b.o OR d.households_voted <> b.n)
    FROM decisions d JOIN b ON b.decision_id = d.id
    WHERE d.online_closes_at = $NOW - 3600 AND d.status = 'counted'")"
[ "$COUNTED" = "$VILLAGES" ] && [ "$SUM_CHOICES" = "$BALLOTS" ] && [ "$SUM_VOTED" = "$BALLOTS" ] &&
    [ "$WRONG" = 0 ] ||
    fail "$COUNTED matters counted, $SUM_CHOICES choices, $SUM_VOTED households, $WRONG wrong"

TABLE=$(
    printf '| %-46s | %-18s | %-24s | %-6s | %-9s | %-6s |\n' Benchmark danchu Limit Ratio Target Result
    printf '|%s|%s|%s|%s|%s|%s|\n' "------------------------------------------------" \
        "--------------------" "--------------------------" "--------" "-----------" "--------"
    printf '| %-46s | %-18s | %-24s | %-6s | %-9s | %-6s |\n' \
        "12. online secret ballots, $CONNS clients" "$V_RATE ballots/s" \
        "raw SQLite $RAW rows/s" "$R12" ">= 5" "$(meets "$R12" 5 ge)"
    printf '| %-46s | %-18s | %-24s | %-6s | %-9s | %-6s |\n' \
        "13. counting $BALLOTS ballots of $VILLAGES villages" "$TALLY_S s" \
        "slowest count $TALLY_MAX ms" "-" "< 1 s" "$(meets "$TALLY_S" 1 lt)"
)
echo
echo "$TABLE"
echo "ballots: $V_OK acknowledged in ${V_SECS}s, $N_BALLOTS stored ($V_UNANSWERED cut by wrk's end)," \
    "$PER_BATCH writes per commit; CPU in % of one core: writer $CPU_WRITER, HTTP workers" \
    "$CPU_WORKERS (server in all $CPU_SERVER), wrk $CPU_WRK, anything else $CPU_ELSE; machine idle" \
    "$CPU_IDLE% of $(nproc) cores"
echo "counts: $VILLAGES one after another in ${TALLY_S}s (mean $TALLY_MEAN ms, slowest $TALLY_MAX ms)"

if [ "$RESULTS" != "-" ]; then
    COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
    [ -z "$(git status --porcelain -- src db web 2>/dev/null)" ] || COMMIT="$COMMIT+changes"
    {
        echo
        echo "## $(date -u '+%Y-%m-%d %H:%M UTC') - residents' decisions (issue 6) - commit $COMMIT"
        echo
        echo "Machine: $(nproc) cores, $(uname -sr). Demo (600 households) plus, inserted with SQL," \
            "a village of $HOUSEHOLDS households with an open secret online vote and its cards" \
            "(built in ${BUILD_S}s), then $VILLAGES villages of $PER_VILLAGE households with" \
            "$BALLOTS online ballots; wrk, curl and danchu share the machine (load before:" \
            "$LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)). One run each."
        echo
        echo "$TABLE"
        echo
        echo "Ballots: $V_OK acknowledged in ${V_SECS}s, each code once, in random order; each is" \
            "a decision_votes row (the household) and a decision_ballots row (receipt and choice)" \
            "in one transaction, durable before the 200 with its receipt. $N_BALLOTS stored, every" \
            "acknowledged receipt among them ($V_UNANSWERED requests were cut by wrk's end);" \
            "$JOBS writes in $BATCHES commits, $PER_BATCH per commit. CPU during the run, in % of" \
            "one core: the writer thread $CPU_WRITER, the HTTP workers $CPU_WORKERS (the server in" \
            "all $CPU_SERVER), wrk $CPU_WRK, anything else (interrupts, other processes)" \
            "$CPU_ELSE; the machine was idle $CPU_IDLE% of the time."
        echo
        echo "Counts: each POST sums the matter's ballots and households, logs roll changes and" \
            "stores the result in its own commit; the $VILLAGES, one after another on one" \
            "connection, took ${TALLY_S}s (mean $TALLY_MEAN ms, slowest $TALLY_MAX ms), and every" \
            "stored count equals the ballots counted directly."
        echo
        echo "Commands:"
        echo
        echo "    build/bench/sqlite_raw raw.db $RAW_SECS"
        echo "    BENCH_CODES=codes BENCH_ANON=... BENCH_CSRF=... BENCH_THREADS=$WTHREADS $WRK -s bench/vote.lua $BASE/"
        echo "    curl -K count.cfg    # $VILLAGES POSTs of /quan-ly/bieu-quyet/ID/ket-qua, as canbo"
    } >>"$RESULTS"
    echo "bench: appended to $RESULTS"
fi
