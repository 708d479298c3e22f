#!/usr/bin/env bash
# run.sh - `make bench`: danchu's speed measured against the physical limits of
# this machine, in the same run, with the same client and the same settings.
#
#   1. anonymous cached page (GET /don-vi)   vs nginx serving the same bytes
#   2. signed-in uncached list of 50 households vs the same nginx figure
#   3. durable household adds over HTTP (64 clients) vs raw SQLite, one row a commit
#   4. idle RSS of `danchu serve`, and exec-to-first-answer time (median of 10)
#
# Everything listens on 127.0.0.1; every process it starts is stopped by PID on
# exit. Prints a table and appends a dated section to bench/RESULTS.md.
# Environment: DANCHU_BIN (default build/danchu), BENCH_SECONDS (default 10),
# BENCH_CONNS (default 64), BENCH_ROUNDS (read runs per server, best kept; default 2),
# BENCH_KEEP=1 (keep the work folder), BENCH_RESULTS (default bench/RESULTS.md; "-" = none).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${DANCHU_BIN:-build/danchu}
SECS=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNS:-64}
THREADS=2
RESULTS=${BENCH_RESULTS:-bench/RESULTS.md}
RAW_SECS=3
ROUNDS=${BENCH_ROUNDS:-2}
HOUSEHOLDS=3000
UNIT=9900101
LOGIN=truongthon
PASSWORD=danchu2026
CC=${CC:-cc}

for tool in wrk nginx curl sqlite3 pkg-config "$CC"; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (make deps)" >&2; exit 1; }
done
[ -x "$BIN" ] || { echo "bench: $BIN is missing (make)" >&2; exit 1; }

# The work folder sits on the same filesystem as the build, so danchu's database and the raw
# SQLite file share a disk. nginx workers may run as another user: the folder is world-readable.
mkdir -p build/bench
WORK=$(mktemp -d "$PWD/build/bench/run.XXXXXX")
chmod 755 "$WORK"
mkdir -p "$WORK/www" "$WORK/nginx-tmp"
DB="$WORK/bench.db"
PIDS=()

cleanup() {
    local pid
    for pid in "${PIDS[@]:-}"; do
        if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; fi
    done
    for pid in "${PIDS[@]:-}"; do
        if [ -n "$pid" ]; then wait "$pid" 2>/dev/null || true; fi
    done
    if [ "${BENCH_KEEP:-0}" != 1 ]; then
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# stop PID: SIGTERM one process we started, wait for it, forget it.
stop() {
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    for i in "${!PIDS[@]}"; do
        [ "${PIDS[$i]}" = "$pid" ] && unset 'PIDS[i]'
    done
}

# free_port: a loopback TCP port nobody listens on.
free_port() {
    local p
    for _ in $(seq 200); do
        p=$((20000 + RANDOM % 12000)) # below the ephemeral ports (32768 on)
        if [ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ]; then
            echo "$p"
            return 0
        fi
    done
    echo "bench: no free port" >&2
    return 1
}

# wait_http URL: polls until the URL answers (bounded: 10 s).
wait_http() {
    for _ in $(seq 200); do
        curl -fs -o /dev/null --max-time 1 "$1" && return 0
        sleep 0.05
    done
    echo "bench: $1 did not answer" >&2
    return 1
}

# wrk_rps FILE: requests/s from a wrk report.
wrk_rps() {
    awk '/^Requests\/sec:/ {print $2}' "$1"
}

# wrk_bytes_per_req FILE: bytes read per response (checks that wrk got the page we meant).
wrk_bytes_per_req() {
    awk '/requests in/ {
        n = $1; v = $5; sub(/,$/, "", n)
        if (v ~ /GB$/) m = 1073741824; else if (v ~ /MB$/) m = 1048576;
        else if (v ~ /KB$/) m = 1024; else m = 1
        sub(/[KMG]?B$/, "", v); printf "%.0f", v * m / n }' "$1"
}

# wrk_errors FILE: socket errors and non-2xx/3xx answers, or nothing.
wrk_errors() {
    grep -E '^ *(Socket errors|Non-2xx)' "$1" || true
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "nan" }'; }
meets() { awk -v r="$1" -v t="$2" -v dir="$3" 'BEGIN {
    ok = (dir == "ge") ? (r >= t) : (r < t); print ok ? "met" : "MISSED" }'; }

CFLAGS_BENCH="-std=c17 -O2 -Wall -Wextra -Werror -Wvla -Wshadow -D_GNU_SOURCE"
# shellcheck disable=SC2046,SC2086
$CC $CFLAGS_BENCH -o build/bench/sqlite_raw bench/sqlite_raw.c \
    $(pkg-config --cflags --libs sqlite3)
# shellcheck disable=SC2086
$CC $CFLAGS_BENCH -o build/bench/startup bench/startup.c

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: demo database with $HOUSEHOLDS households in $WORK"
"$BIN" demo --db "sqlite:$DB" --households "$HOUSEHOLDS" --no-serve >"$WORK/demo.log" 2>&1 || {
    cat "$WORK/demo.log" >&2
    exit 1
}

# ---- danchu ----------------------------------------------------------------------------------
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
SERVE_CMD="$BIN serve --db sqlite:$DB --listen 127.0.0.1:$PORT --quiet"
# shellcheck disable=SC2086
$SERVE_CMD >"$WORK/serve.log" 2>&1 &
DANCHU_PID=$!
PIDS+=("$DANCHU_PID")
wait_http "$BASE/healthz"

# Sign in as the village head: anonymous token, then the session, then its CSRF token.
JAR="$WORK/cookies.txt"
csrf_of() { grep -o 'name="_csrf" value="[0-9a-f]*"' | head -1 | sed 's/.*value="//; s/"$//'; }
ANON_CSRF=$(curl -fs -c "$JAR" -b "$JAR" "$BASE/dang-nhap?tiep=/" | csrf_of)
curl -fs -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "ten_dang_nhap=$LOGIN" \
    --data-urlencode "mat_khau=$PASSWORD" --data-urlencode "tiep=/" \
    --data-urlencode "_csrf=$ANON_CSRF" "$BASE/dang-nhap"
SESSION=$(awk '$6 == "dc_session" {print $7}' "$JAR")
[ -n "$SESSION" ] || { echo "bench: sign-in as $LOGIN failed" >&2; exit 1; }
CSRF=$(curl -fs -H "Cookie: dc_session=$SESSION" "$BASE/don-vi/$UNIT/ho/them" | csrf_of)
[ -n "$CSRF" ] || { echo "bench: no CSRF token in the add-household form" >&2; exit 1; }

# A few requests, then the idle footprint.
for path in / /don-vi /don-vi/99001 /healthz; do
    curl -fs -o /dev/null "$BASE$path"
done
curl -fs -o /dev/null -H "Cookie: dc_session=$SESSION" "$BASE/don-vi/$UNIT/ho"
sleep 0.3
RSS_KB=$(awk '/^VmRSS:/ {print $2}' "/proc/$DANCHU_PID/status")

# ---- nginx, serving the bytes danchu served --------------------------------------------------
NGINX_PORT=$(free_port)
curl -fs "$BASE/don-vi" >"$WORK/www/don-vi"
sed -e "s|@DIR@|$WORK|g" -e "s|@PORT@|$NGINX_PORT|g" bench/nginx.conf.in >"$WORK/nginx.conf"
nginx -e "$WORK/nginx-error.log" -p "$WORK" -c "$WORK/nginx.conf" &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
wait_http "http://127.0.0.1:$NGINX_PORT/don-vi"
cmp -s <(curl -fs "http://127.0.0.1:$NGINX_PORT/don-vi") <(curl -fs "$BASE/don-vi") || {
    echo "bench: nginx and danchu serve different bytes for /don-vi" >&2
    exit 1
}
PAGE_BYTES=$(stat -c %s "$WORK/www/don-vi")

# The signed-in list must be the real page: 200, 50 households.
LIST_URL="$BASE/don-vi/$UNIT/ho"
LIST_STATUS=$(curl -s -o "$WORK/list.html" -w '%{http_code}' -H "Cookie: dc_session=$SESSION" \
    "$LIST_URL")
LIST_ROWS=$(curl -fs -H "Cookie: dc_session=$SESSION" "$LIST_URL?format=json" |
    grep -o "\"code\":\"$UNIT-[0-9]*\"" | wc -l)
if [ "$LIST_STATUS" != 200 ] || [ "$LIST_ROWS" != 50 ]; then
    echo "bench: $LIST_URL answered $LIST_STATUS with $LIST_ROWS households (want 200, 50)" >&2
    exit 1
fi
LIST_BYTES=$(stat -c %s "$WORK/list.html")

WRK="wrk -t$THREADS -c$CONNS -d${SECS}s"
# measure NAME [wrk args...]: a 2 s warm-up, then the measured run into $WORK/NAME.txt.
measure() {
    local name=$1
    shift
    wrk -t"$THREADS" -c"$CONNS" -d2s "$@" >/dev/null
    $WRK "$@" >"$WORK/$name.txt"
    local errs
    errs=$(wrk_errors "$WORK/$name.txt")
    [ -z "$errs" ] || echo "bench: $name: $errs" >&2
}

# best NAME...: the run with the most requests/s among $WORK/NAME.txt, as "RPS FILE".
best() {
    local f best_rps=0 best_file=""
    for f in "$@"; do
        local rps
        rps=$(wrk_rps "$WORK/$f.txt")
        if awk -v a="$rps" -v b="$best_rps" 'BEGIN { exit !(a > b) }'; then
            best_rps=$rps
            best_file=$WORK/$f.txt
        fi
    done
    echo "$best_rps $best_file"
}

echo "bench: 1/4 anonymous cached page ($PAGE_BYTES bytes), $WRK"
CMD1_D="$WRK $BASE/don-vi"
CMD1_N="$WRK http://127.0.0.1:$NGINX_PORT/don-vi"
# Rounds alternate danchu and nginx so that a neighbour's load hits both alike; best of each.
for round in $(seq "$ROUNDS"); do
    measure "danchu_cached_$round" "$BASE/don-vi"
    measure "nginx_static_$round" "http://127.0.0.1:$NGINX_PORT/don-vi"
done
stop "$NGINX_PID"
# shellcheck disable=SC2046 # one run name a word
read -r D1 F1 < <(best $(printf 'danchu_cached_%s ' $(seq "$ROUNDS")))
# shellcheck disable=SC2046
read -r N1 _ < <(best $(printf 'nginx_static_%s ' $(seq "$ROUNDS")))
B1=$(wrk_bytes_per_req "$F1")

echo "bench: 2/4 signed-in list of 50 households ($LIST_BYTES bytes)"
CMD2="$WRK -H 'Cookie: dc_session=<session of $LOGIN>' $LIST_URL"
for round in $(seq "$ROUNDS"); do
    measure "danchu_list_$round" -H "Cookie: dc_session=$SESSION" "$LIST_URL"
done
# shellcheck disable=SC2046
read -r D2 F2 < <(best $(printf 'danchu_list_%s ' $(seq "$ROUNDS")))
B2=$(wrk_bytes_per_req "$F2")
# Bytes per response within 10% of the page: wrk measured the page, not a redirect.
if ! awk -v b="$B2" -v p="$LIST_BYTES" 'BEGIN { exit !(b > p * 0.9 && b < p * 1.1 + 1024) }'; then
    echo "bench: the signed-in run read $B2 bytes a response, the page is $LIST_BYTES" >&2
    exit 1
fi

echo "bench: 3/4 durable writes: raw SQLite ${RAW_SECS}s, then HTTP with $CONNS clients"
CMD3_RAW="build/bench/sqlite_raw $WORK/raw.db $RAW_SECS"
build/bench/sqlite_raw "$WORK/raw.db" "$RAW_SECS" >"$WORK/raw.txt"
RAW=$(awk '{print $6}' "$WORK/raw.txt")
PREFIX="B$$"
CMD3="BENCH_UNIT=$UNIT BENCH_SESSION=<session> BENCH_CSRF=<token> BENCH_PREFIX=$PREFIX \
$WRK -s bench/write.lua $LIST_URL"
BENCH_UNIT=$UNIT BENCH_SESSION=$SESSION BENCH_CSRF=$CSRF BENCH_PREFIX=$PREFIX \
    $WRK -s bench/write.lua "$LIST_URL" >"$WORK/writes.txt"
W_OK=$(awk '/^writes_ok/ {print $2}' "$WORK/writes.txt")
W_OTHER=$(awk '/^writes_ok/ {print $4}' "$WORK/writes.txt")
W3=$(awk '/^writes_ok/ {print $8}' "$WORK/writes.txt")
[ -n "$W3" ] || { cat "$WORK/writes.txt" >&2; echo "bench: the write run printed nothing" >&2; exit 1; }
W_ROWS=$(sqlite3 "$DB" "SELECT COUNT(*) FROM households WHERE code LIKE '$PREFIX-%'")
if [ "$W_ROWS" -lt "$W_OK" ]; then
    echo "bench: $W_OK writes acknowledged but only $W_ROWS rows in the database" >&2
    exit 1
fi
RSS_AFTER_KB=$(awk '/^VmRSS:/ {print $2}' "/proc/$DANCHU_PID/status")
stop "$DANCHU_PID"

echo "bench: 4/4 exec to first answer, 10 rounds"
SPORT=$(free_port)
CMD4="build/bench/startup 10 $SPORT $BIN serve --db sqlite:$DB --listen 127.0.0.1:$SPORT --quiet"
build/bench/startup 10 "$SPORT" "$BIN" serve --db "sqlite:$DB" --listen "127.0.0.1:$SPORT" \
    --quiet >"$WORK/startup.txt"
START_MS=$(awk '/^median_ms/ {print $2}' "$WORK/startup.txt")

# ---- report ------------------------------------------------------------------------------------
R1=$(ratio "$D1" "$N1")
R2=$(ratio "$D2" "$N1")
R3=$(ratio "$W3" "$RAW")
RSS_MB=$(awk -v k="$RSS_KB" 'BEGIN { printf "%.1f", k / 1024 }')
RSS_AFTER_MB=$(awk -v k="$RSS_AFTER_KB" 'BEGIN { printf "%.1f", k / 1024 }')
S1=$(meets "$R1" 0.60 ge)
S2=$(meets "$R2" 0.25 ge)
S3=$(meets "$R3" 3 ge)
S4=$(meets "$RSS_MB" 20 lt)
S5=$(meets "$START_MS" 100 lt)

TABLE=$(
    printf '| %-34s | %-16s | %-22s | %-6s | %-7s | %-6s |\n' \
        Benchmark danchu Limit Ratio Target Result
    printf '|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..36})" "$(printf -- '-%.0s' {1..18})" \
        "$(printf -- '-%.0s' {1..24})" "$(printf -- '-%.0s' {1..8})" \
        "$(printf -- '-%.0s' {1..9})" "$(printf -- '-%.0s' {1..8})"
    printf '| %-34s | %-16s | %-22s | %-6s | %-7s | %-6s |\n' \
        "1. anonymous cached GET /don-vi" "$D1 req/s" "nginx $N1 req/s" "$R1" ">= 0.60" "$S1"
    printf '| %-34s | %-16s | %-22s | %-6s | %-7s | %-6s |\n' \
        "2. signed-in list, 50 households" "$D2 req/s" "nginx $N1 req/s" "$R2" ">= 0.25" "$S2"
    printf '| %-34s | %-16s | %-22s | %-6s | %-7s | %-6s |\n' \
        "3. durable adds over HTTP, $CONNS clients" "$W3 writes/s" "raw SQLite $RAW rows/s" \
        "$R3" ">= 3" "$S3"
    printf '| %-34s | %-16s | %-22s | %-6s | %-7s | %-6s |\n' \
        "4a. idle RSS of danchu serve" "$RSS_MB MB" "20 MB" "-" "< 20 MB" "$S4"
    printf '| %-34s | %-16s | %-22s | %-6s | %-7s | %-6s |\n' \
        "4b. exec to first answer (median)" "$START_MS ms" "100 ms" "-" "< 100" "$S5"
)

echo
echo "$TABLE"
echo
echo "page sizes: /don-vi $PAGE_BYTES bytes (wrk read $B1 a response with headers)," \
    "list $LIST_BYTES bytes (wrk read $B2)"
echo "load average before: $LOAD_BEFORE, now: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "writes: $W_OK acknowledged (303), $W_OTHER other answers, $W_ROWS rows in the database;" \
    "RSS after the runs $RSS_AFTER_MB MB"

if [ "$RESULTS" != "-" ]; then
    COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
    [ -z "$(git status --porcelain -- src db web 2>/dev/null)" ] || COMMIT="$COMMIT+changes"
    CPU=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
    # shellcheck disable=SC2016 # the backquotes are Markdown
    [ -f "$RESULTS" ] || printf '# Benchmark results\n\nAppended by `make bench` (bench/run.sh); newest last.\n' >"$RESULTS"
    {
        echo
        echo "## $(date -u '+%Y-%m-%d %H:%M UTC') - commit $COMMIT"
        echo
        echo "Machine: $(nproc) cores ($CPU), $(uname -sr); $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2);" \
            "$(nginx -v 2>&1 | sed 's/.*: //'); SQLite $(sqlite3 --version | cut -d' ' -f1)."
        echo "Demo database of $HOUSEHOLDS households; wrk, danchu and nginx share the machine" \
            "(load average before the run: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg))." \
            "Read figures are the best of $ROUNDS runs, danchu and nginx alternating."
        echo
        echo "$TABLE"
        echo
        echo "Page sizes: /don-vi $PAGE_BYTES bytes, the list $LIST_BYTES bytes." \
            "Writes: $W_OK answered 303, $W_OTHER other, $W_ROWS rows found in the database." \
            "RSS after the load: $RSS_AFTER_MB MB."
        echo
        echo "Commands:"
        echo
        echo "    $SERVE_CMD"
        echo "    $CMD1_D"
        echo "    $CMD1_N    # nginx -c bench/nginx.conf.in (2 workers, keepalive, open_file_cache, no access log)"
        echo "    $CMD2"
        echo "    $CMD3_RAW"
        echo "    $CMD3"
        echo "    awk '/^VmRSS/' /proc/PID/status    # after 5 requests"
        echo "    $CMD4"
    } >>"$RESULTS"
    echo "bench: appended to $RESULTS"
fi
