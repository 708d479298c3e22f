#!/usr/bin/env bash
# disclosure.sh - `make bench`, part 2: the disclosure module (issue 3) against the limits of
# this machine measured in the same run.
#
#   5. anonymous category list and item page (cached) vs nginx serving the same bytes
#   6. search over 100,000 generated items: p99 latency with 16 concurrent clients
#   7. the quarterly list PDF for 1,000 items: time, and the server's peak RSS (fresh process)
#
# Everything listens on 127.0.0.1; every process it starts is stopped by PID on exit. Prints a
# table and appends a dated section to bench/RESULTS.md.
# Environment: DANCHU_BIN, BENCH_SECONDS (10), BENCH_ITEMS (items per commune, 50000),
# BENCH_KEEP=1, BENCH_RESULTS (bench/RESULTS.md; "-" = none).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${DANCHU_BIN:-build/danchu}
SECS=${BENCH_SECONDS:-10}
ITEMS=${BENCH_ITEMS:-50000}
RESULTS=${BENCH_RESULTS:-bench/RESULTS.md}

for tool in wrk nginx curl sqlite3; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (make deps)" >&2; exit 1; }
done
mkdir -p build/bench
WORK=$(mktemp -d "$PWD/build/bench/dc.XXXXXX")
chmod 755 "$WORK"
mkdir -p "$WORK/www/c" "$WORK/nginx-tmp"
DB="$WORK/bench.db"
PIDS=()
# shellcheck source=bench/lib.sh
. bench/lib.sh

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: building a demo with $ITEMS disclosure items per commune (2 communes)..."
T0=$(date +%s.%N)
"$BIN" demo --db "sqlite:$DB" --households 600 --disclosures "$ITEMS" --no-serve \
    >"$WORK/demo.log" 2>&1 || { cat "$WORK/demo.log" >&2; exit 1; }
BUILD_S=$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
TOTAL_ITEMS=$(sqlite3 "$DB" "SELECT COUNT(*) FROM disclosures")
echo "bench: $TOTAL_ITEMS items built in ${BUILD_S}s"

# 1,000 items of the second commune moved into the first quarter of 2025 for the PDF run.
sqlite3 "$DB" "UPDATE disclosures SET published_at = 1736096400 + (id % 7000000) WHERE id IN
    (SELECT id FROM disclosures WHERE unit_id = (SELECT id FROM units WHERE code = '99002')
     AND status = 'published' AND secret = 0 ORDER BY id LIMIT 1000)"

PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
"$BIN" serve --db "sqlite:$DB" --listen "127.0.0.1:$PORT" --quiet >"$WORK/serve.log" 2>&1 &
DPID=$!
PIDS+=("$DPID")
wait_http "$BASE/healthz"

# 7 first, on the fresh process, so that its peak RSS is the PDF's.
echo "bench: 7/7 quarterly list PDF (1,000 items)"
QURL="$BASE/cong-khai/99002/danh-muc-quy/2025-1/ban-in.pdf"
curl -fs -o "$WORK/q.pdf" -w '%{time_total}\n' "$QURL" >"$WORK/q1.txt"
curl -fs -o "$WORK/q.pdf" -w '%{time_total}\n' "$QURL" >"$WORK/q2.txt"
PDF_S=$(sort -n "$WORK/q1.txt" "$WORK/q2.txt" | head -1)
PDF_MS=$(awk -v s="$PDF_S" 'BEGIN { printf "%.0f", s * 1000 }')
PDF_ROWS=$(curl -fs "$BASE/cong-khai/99002/danh-muc-quy/2025-1?format=json" | grep -o '"n":[0-9]*' | wc -l)
PDF_PAGES=$(pdfinfo "$WORK/q.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
HWM_KB=$(awk '/^VmHWM:/ {print $2}' "/proc/$DPID/status")
HWM_MB=$(awk -v k="$HWM_KB" 'BEGIN { printf "%.1f", k / 1024 }')

# 5: the pages, saved for nginx.
ITEM_ID=$(sqlite3 "$DB" "SELECT id FROM disclosures WHERE unit_id = (SELECT id FROM units WHERE
    code = '99001') AND status = 'published' AND secret = 0 AND published_at < strftime('%s','now')
    ORDER BY id LIMIT 1")
curl -fs "$BASE/cong-khai/99001/linh-vuc/ck02" >"$WORK/www/c/list"
curl -fs "$BASE/thong-tin/$ITEM_ID" >"$WORK/www/c/item"
LIST_BYTES=$(stat -c %s "$WORK/www/c/list")
ITEM_BYTES=$(stat -c %s "$WORK/www/c/item")
NPORT=$(free_port)
sed -e "s|@DIR@|$WORK|g" -e "s|@PORT@|$NPORT|g" bench/nginx.conf.in >"$WORK/nginx.conf"
nginx -e "$WORK/nginx-error.log" -p "$WORK" -c "$WORK/nginx.conf" &
NPID=$!
PIDS+=("$NPID")
wait_http "http://127.0.0.1:$NPORT/c/list"
cmp -s "$WORK/www/c/list" <(curl -fs "$BASE/cong-khai/99001/linh-vuc/ck02") ||
    { echo "bench: the category page changed between requests" >&2; exit 1; }
WRK="wrk -t2 -c64 -d${SECS}s"
echo "bench: 5/7 category list ($LIST_BYTES bytes) and item page ($ITEM_BYTES bytes), $WRK"
wrk -t2 -c64 -d2s "$BASE/cong-khai/99001/linh-vuc/ck02" >/dev/null
$WRK "$BASE/cong-khai/99001/linh-vuc/ck02" >"$WORK/d_list.txt"
$WRK "http://127.0.0.1:$NPORT/c/list" >"$WORK/n_list.txt"
$WRK "$BASE/thong-tin/$ITEM_ID" >"$WORK/d_item.txt"
$WRK "http://127.0.0.1:$NPORT/c/item" >"$WORK/n_item.txt"
stop "$NPID"
DL=$(rps "$WORK/d_list.txt"); NL=$(rps "$WORK/n_list.txt")
DI=$(rps "$WORK/d_item.txt"); NI=$(rps "$WORK/n_item.txt")
RL=$(ratio "$DL" "$NL"); RI=$(ratio "$DI" "$NI")

echo "bench: 6/7 search over $TOTAL_ITEMS items, 16 clients"
wrk -t2 -c16 -d2s -s bench/search.lua "$BASE/" >/dev/null
wrk -t2 -c16 -d"${SECS}s" --latency -s bench/search.lua "$BASE/" >"$WORK/search.txt"
P99=$(p99_ms "$WORK/search.txt")
SRPS=$(rps "$WORK/search.txt")
HITS=$(curl -fs "$BASE/search?q=ngan+sach&unit=99001&format=json" | grep -o '"url"' | wc -l)
stop "$DPID"

TABLE=$(
    printf '| %-40s | %-16s | %-20s | %-6s | %-8s | %-6s |\n' Benchmark danchu Limit Ratio Target Result
    printf '|%s|%s|%s|%s|%s|%s|\n' "------------------------------------------" "------------------" \
        "----------------------" "--------" "----------" "--------"
    printf '| %-40s | %-16s | %-20s | %-6s | %-8s | %-6s |\n' "5a. anonymous category list (cached)" \
        "$DL req/s" "nginx $NL req/s" "$RL" ">= 0.60" "$(meets "$RL" 0.6 ge)"
    printf '| %-40s | %-16s | %-20s | %-6s | %-8s | %-6s |\n' "5b. anonymous item page (cached)" \
        "$DI req/s" "nginx $NI req/s" "$RI" ">= 0.60" "$(meets "$RI" 0.6 ge)"
    printf '| %-40s | %-16s | %-20s | %-6s | %-8s | %-6s |\n' "6. search p99, 16 clients, $TOTAL_ITEMS items" \
        "$P99 ms" "20 ms" "-" "< 20 ms" "$(meets "$P99" 20 lt)"
    printf '| %-40s | %-16s | %-20s | %-6s | %-8s | %-6s |\n' "7a. quarterly list PDF, $PDF_ROWS items" \
        "$PDF_MS ms" "1000 ms" "-" "< 1 s" "$(meets "$PDF_MS" 1000 lt)"
    printf '| %-40s | %-16s | %-20s | %-6s | %-8s | %-6s |\n' "7b. peak RSS of the server after it" \
        "$HWM_MB MB" "50 MB" "-" "< 50 MB" "$(meets "$HWM_MB" 50 lt)"
)
echo
echo "$TABLE"
echo "search: $SRPS req/s; 'ngan sach' finds $HITS items; PDF: $PDF_PAGES pages"

if [ "$RESULTS" != "-" ]; then
    COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
    [ -z "$(git status --porcelain -- src db web 2>/dev/null)" ] || COMMIT="$COMMIT+changes"
    {
        echo
        echo "## $(date -u '+%Y-%m-%d %H:%M UTC') - disclosure (issue 3) - commit $COMMIT"
        echo
        echo "Machine: $(nproc) cores, $(uname -sr). Demo of $TOTAL_ITEMS disclosure items" \
            "(built in ${BUILD_S}s by \`danchu demo --households 600 --disclosures $ITEMS\`);" \
            "wrk, danchu and nginx share the machine (load before: $LOAD_BEFORE, after:" \
            "$(cut -d' ' -f1-3 /proc/loadavg)). One run each."
        echo
        echo "$TABLE"
        echo
        echo "Sizes: category list $LIST_BYTES bytes, item page $ITEM_BYTES bytes. Search: $SRPS" \
            "req/s. The quarterly PDF has $PDF_PAGES pages; the peak RSS is VmHWM of a fresh" \
            "server that served only that PDF (twice) and /healthz."
        echo
        echo "Commands:"
        echo
        echo "    $BIN demo --db sqlite:DB --households 600 --disclosures $ITEMS --no-serve"
        echo "    curl -o q.pdf -w '%{time_total}' $QURL    # best of 2; then VmHWM of the server"
        echo "    $WRK $BASE/cong-khai/99001/linh-vuc/ck02    # and nginx on the same bytes"
        echo "    $WRK $BASE/thong-tin/$ITEM_ID    # and nginx on the same bytes"
        echo "    wrk -t2 -c16 -d${SECS}s --latency -s bench/search.lua $BASE/"
    } >>"$RESULTS"
    echo "bench: appended to $RESULTS"
fi
