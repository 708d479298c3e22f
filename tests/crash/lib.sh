# lib.sh - what the crash tests (kill9.sh, burst.sh, decision_rush.sh) share: stopping a
# process by PID, recording checks, cleaning up on exit. A script sets work, server_pid,
# client_pid, pg_db, passed, failed and t0 before sourcing this file.
# shellcheck shell=bash

stop_pid() { # PID: SIGTERM, then SIGKILL after 10 s
  local pid=$1
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
  stop_pid "$client_pid"
  stop_pid "$server_pid"
  if [ -n "$pg_db" ]; then
    psql -q -X "$DANCHU_TEST_PG_URL" -c "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

check() { # NAME CONDITION-STATUS: records one check
  if [ "$2" -eq 0 ]; then
    passed=$((passed + 1))
    echo "ok   $1"
  else
    failed=$((failed + 1))
    echo "FAIL $1"
  fi
}

took() { awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
