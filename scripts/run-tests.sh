#!/usr/bin/env bash
# run-tests.sh SUITE BIN... - runs test binaries, prints each one's result and a
# closing line "SUITE: N passed, N failed". Exits non-zero when any failed.
set -u
suite=$1; shift
pass=0; fail=0; failed=()
# Sanitizer builds: fontconfig's one-time configuration is not a leak of ours (see the file).
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export G_SLICE=always-malloc
for t in "$@"; do
  start=$EPOCHREALTIME
  if "$t" >"build/$(basename "$t").$suite.log" 2>&1; then
    pass=$((pass + 1)); status=ok
  else
    fail=$((fail + 1)); status=FAIL; failed+=("$t")
  fi
  printf '%-6s %-40s %ss\n' "$status" "$(basename "$t")" "$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.2f", b-a}')"
  grep -h 'SKIPPED' "build/$(basename "$t").$suite.log" || true
done
for t in "${failed[@]+"${failed[@]}"}"; do
  echo "---- $t ($suite) ----"
  tail -n 60 "build/$(basename "$t").$suite.log"
done
echo "$suite: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
