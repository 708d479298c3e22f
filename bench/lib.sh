# lib.sh - what the benchmark scripts share (bench/disclosure.sh, feedback.sh, consultation.sh,
# decision.sh source it after setting WORK, their scratch directory, and PIDS=(), the processes
# to stop on exit). Every process they start is stopped by PID; nothing is left listening.
# shellcheck shell=bash

# Stops what is still running, then removes WORK unless BENCH_KEEP=1.
cleanup() {
    local pid
    for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && wait "$pid" 2>/dev/null || true; done
    [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# stop PID: stops one process (it finishes what is in flight) and forgets it.
stop() {
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    for i in "${!PIDS[@]}"; do [ "${PIDS[$i]}" = "$pid" ] && unset 'PIDS[i]'; done
}
# A TCP port nothing listens on.
free_port() {
    local p
    for _ in $(seq 200); do
        p=$((20000 + RANDOM % 12000)) # below the ephemeral ports (32768 on)
        [ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ] && { echo "$p"; return 0; }
    done
    return 1
}
# wait_http URL: until it answers (10 s at most).
wait_http() {
    for _ in $(seq 200); do
        curl -fs -o /dev/null --max-time 1 "$1" && return 0
        sleep 0.05
    done
    echo "bench: $1 did not answer" >&2
    return 1
}
fail() { echo "bench: $*" >&2; exit 1; }
# Requests per second of a wrk report.
rps() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "nan" }'; }
# meets VALUE TARGET [ge]: "met" when VALUE < TARGET (or >= TARGET with ge), else "MISSED".
meets() { awk -v r="$1" -v t="$2" -v dir="${3:-}" 'BEGIN {
    ok = (dir == "ge") ? (r >= t) : (r < t); print ok ? "met" : "MISSED" }'; }
# pct_ms FILE PERCENTILE: a percentile ("50%", "99%") of a wrk --latency report, in ms.
pct_ms() { awk -v p="$2" '$1 == p { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
    else if (v ~ /ms$/) sub(/ms$/, "", v); else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
    printf "%.2f", v }' "$1"; }
p99_ms() { pct_ms "$1" "99%"; }
# Peak resident memory of a process, in MB.
hwm_mb() { awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
# A Prometheus counter of a /metrics text.
metric() { awk -v k="$1" '$1 == k {print $2}' "$2"; }
secs_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
