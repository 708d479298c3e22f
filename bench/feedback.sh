#!/usr/bin/env bash
# feedback.sh - `make bench`, part 3: residents' cases (issue 4) against the limits of this
# machine measured in the same run.
#
#   8. submitting a text-only phản ánh through the public form, 64 clients, durable before the
#      answer, vs raw SQLite committing one row per transaction (WAL, synchronous=FULL, one
#      connection, same filesystem)
#   9. the officials' queue of a commune holding 100,000 cases, filtered by status and sorted
#      by due date: p99 latency with 16 concurrent signed-in clients
#
# Everything listens on 127.0.0.1; every process it starts is stopped by PID on exit. Prints a
# table and appends a dated section to bench/RESULTS.md.
# Environment: DANCHU_BIN, BENCH_SECONDS (10), BENCH_CASES (cases per commune, 100000),
# BENCH_CONNS (64), BENCH_KEEP=1, BENCH_RESULTS (bench/RESULTS.md; "-" = none).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${DANCHU_BIN:-build/danchu}
SECS=${BENCH_SECONDS:-10}
CASES=${BENCH_CASES:-100000}
CONNS=${BENCH_CONNS:-64}
RESULTS=${BENCH_RESULTS:-bench/RESULTS.md}
RAW_SECS=3
CC=${CC:-cc}

for tool in wrk curl sqlite3 pkg-config "$CC"; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (make deps)" >&2; exit 1; }
done
[ -x "$BIN" ] || { echo "bench: $BIN is missing (make)" >&2; exit 1; }
mkdir -p build/bench
WORK=$(mktemp -d "$PWD/build/bench/fb.XXXXXX")
DB="$WORK/bench.db"
PIDS=()
# shellcheck source=bench/lib.sh
. bench/lib.sh

CFLAGS_BENCH="-std=c17 -O2 -Wall -Wextra -Werror -Wvla -Wshadow -D_GNU_SOURCE"
# shellcheck disable=SC2046,SC2086
$CC $CFLAGS_BENCH -o build/bench/sqlite_raw bench/sqlite_raw.c $(pkg-config --cflags --libs sqlite3)

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: building a demo with $CASES cases per commune (2 communes)..."
T0=$(date +%s.%N)
"$BIN" demo --db "sqlite:$DB" --households 600 --disclosures 0 --cases "$CASES" --no-serve \
    >"$WORK/demo.log" 2>&1 || { cat "$WORK/demo.log" >&2; exit 1; }
BUILD_S=$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
N_CASES=$(sqlite3 "$DB" "SELECT COUNT(*) FROM cases c JOIN units u ON u.id = c.unit_id
    WHERE u.code = '99001'")
N_STATUS=$(sqlite3 "$DB" "SELECT COUNT(*) FROM cases c JOIN units u ON u.id = c.unit_id
    WHERE u.code = '99001' AND c.status = 'accepted'")
echo "bench: $N_CASES cases in ward 99001 ($N_STATUS accepted), built in ${BUILD_S}s"

# No limit on public submissions from one address (every wrk client comes from 127.0.0.1).
printf '[danchu]\nsubmit_per_hour = 0\n' >"$WORK/danchu.conf"
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
"$BIN" serve --config "$WORK/danchu.conf" --db "sqlite:$DB" --listen "127.0.0.1:$PORT" --quiet \
    >"$WORK/serve.log" 2>&1 &
DPID=$!
PIDS+=("$DPID")
wait_http "$BASE/healthz"

# 9 first, on the large database as built.
echo "bench: 9/9 the queue of $N_CASES cases, status 'accepted', due order, 16 clients"
JAR="$WORK/jar"
curl -fs -c "$JAR" -b "$JAR" -o "$WORK/signin.html" "$BASE/dang-nhap"
CSRF=$(sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' "$WORK/signin.html" | head -1)
curl -fs -c "$JAR" -b "$JAR" -o /dev/null --data-urlencode "_csrf=$CSRF" \
    --data-urlencode "ten_dang_nhap=canbo" --data-urlencode "mat_khau=danchu2026" "$BASE/dang-nhap"
SESSION=$(awk '$6 == "dc_session" {print $7}' "$JAR")
[ -n "$SESSION" ] || { echo "bench: sign-in failed" >&2; exit 1; }
QURL="$BASE/quan-ly/y-kien/99001?loc=all&tt=accepted"
QPAGE=$(curl -fs -H "Cookie: dc_session=$SESSION" "$QURL" | wc -c)
ROWS=$(curl -fs -H "Cookie: dc_session=$SESSION" "$QURL&format=json" | grep -o '"code"' | wc -l)
[ "$ROWS" -gt 0 ] || { echo "bench: the queue page shows no case" >&2; exit 1; }
wrk -t2 -c16 -d2s -H "Cookie: dc_session=$SESSION" "$QURL" >/dev/null
wrk -t2 -c16 -d"${SECS}s" --latency -H "Cookie: dc_session=$SESSION" "$QURL" >"$WORK/queue.txt"
Q_P99=$(p99_ms "$WORK/queue.txt")
Q_RPS=$(rps "$WORK/queue.txt")
if grep -qE '^ *Non-2xx' "$WORK/queue.txt"; then
    cat "$WORK/queue.txt" >&2
    echo "bench: the queue run got errors" >&2
    exit 1
fi

echo "bench: 8/9 text-only submissions: raw SQLite ${RAW_SECS}s, then HTTP with $CONNS clients"
build/bench/sqlite_raw "$WORK/raw.db" "$RAW_SECS" >"$WORK/raw.txt"
RAW=$(awk '{print $6}' "$WORK/raw.txt")
curl -fs -c "$WORK/anon" -b "$WORK/anon" -o "$WORK/form.html" "$BASE/gui-y-kien/99001"
ACSRF=$(sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' "$WORK/form.html" | head -1)
ANON=$(awk '$6 == "dc_anon" {print $7}' "$WORK/anon")
BEFORE=$(sqlite3 "$DB" "SELECT COUNT(*) FROM cases")
WRK="wrk -t2 -c$CONNS -d${SECS}s"
BENCH_UNIT=99001 BENCH_ANON=$ANON BENCH_CSRF=$ACSRF $WRK -s bench/submit.lua "$BASE/" \
    >"$WORK/submit.txt"
S_OK=$(awk '/^writes_ok/ {print $2}' "$WORK/submit.txt")
S_OTHER=$(awk '/^writes_ok/ {print $4}' "$WORK/submit.txt")
S_RATE=$(awk '/^writes_ok/ {print $8}' "$WORK/submit.txt")
[ -n "$S_RATE" ] || { cat "$WORK/submit.txt" >&2; echo "bench: the submit run printed nothing" >&2; exit 1; }
[ "$S_OTHER" = 0 ] || { cat "$WORK/submit.txt" >&2; echo "bench: $S_OTHER submissions refused" >&2; exit 1; }
stop "$DPID"
STORED=$(($(sqlite3 "$DB" "SELECT COUNT(*) FROM cases") - BEFORE))
if [ "$STORED" -lt "$S_OK" ]; then
    echo "bench: $S_OK submissions acknowledged but only $STORED cases stored" >&2
    exit 1
fi
R8=$(ratio "$S_RATE" "$RAW")

TABLE=$(
    printf '| %-44s | %-16s | %-22s | %-6s | %-8s | %-6s |\n' Benchmark danchu Limit Ratio Target Result
    printf '|%s|%s|%s|%s|%s|%s|\n' "----------------------------------------------" \
        "------------------" "------------------------" "--------" "----------" "--------"
    printf '| %-44s | %-16s | %-22s | %-6s | %-8s | %-6s |\n' \
        "8. text-only case submissions, $CONNS clients" "$S_RATE cases/s" "raw SQLite $RAW rows/s" \
        "$R8" ">= 3" "$(meets "$R8" 3 ge)"
    printf '| %-44s | %-16s | %-22s | %-6s | %-8s | %-6s |\n' \
        "9. queue of $N_CASES cases by status, p99, 16 cl." "$Q_P99 ms" "30 ms" "-" "< 30 ms" \
        "$(meets "$Q_P99" 30 lt)"
)
echo
echo "$TABLE"
echo "queue: $Q_RPS req/s, $ROWS rows of $N_STATUS a page ($QPAGE bytes); submissions: $S_OK acknowledged, $STORED stored"

if [ "$RESULTS" != "-" ]; then
    COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
    [ -z "$(git status --porcelain -- src db web 2>/dev/null)" ] || COMMIT="$COMMIT+changes"
    {
        echo
        echo "## $(date -u '+%Y-%m-%d %H:%M UTC') - residents' cases (issue 4) - commit $COMMIT"
        echo
        echo "Machine: $(nproc) cores, $(uname -sr). Demo with $CASES cases per commune (built in" \
            "${BUILD_S}s by \`danchu demo --households 600 --disclosures 0 --cases $CASES\`); wrk and" \
            "danchu share the machine (load before: $LOAD_BEFORE, after:" \
            "$(cut -d' ' -f1-3 /proc/loadavg)). One run each."
        echo
        echo "$TABLE"
        echo
        echo "The queue page lists $ROWS of the $N_STATUS accepted cases of the ward ($QPAGE bytes)," \
            "$Q_RPS req/s. Submissions: $S_OK acknowledged in ${SECS}s, $STORED stored; each is a" \
            "case row, its first history row and an audit row, durable before the 303."
        echo
        echo "Commands:"
        echo
        echo "    $BIN demo --db sqlite:DB --households 600 --disclosures 0 --cases $CASES --no-serve"
        echo "    wrk -t2 -c16 -d${SECS}s --latency -H 'Cookie: dc_session=...' '$QURL'"
        echo "    build/bench/sqlite_raw raw.db $RAW_SECS"
        echo "    BENCH_UNIT=99001 BENCH_ANON=... BENCH_CSRF=... $WRK -s bench/submit.lua $BASE/"
    } >>"$RESULTS"
    echo "bench: appended to $RESULTS"
fi
