#!/usr/bin/env bash
# run-fuzz.sh SECONDS BIN... - runs each libFuzzer target on a copy of its seed corpus.
set -u
secs=$1; shift
pass=0; fail=0
for f in "$@"; do
  name=$(basename "$f")
  corpus=tests/fuzz/corpus/$name
  work=build/fuzz/corpus-$name
  mkdir -p "$work"
  [ -d "$corpus" ] && cp -n "$corpus"/* "$work"/ 2>/dev/null
  if "$f" -max_total_time="$secs" -print_final_stats=0 "$work" >"build/fuzz/$name.log" 2>&1; then
    pass=$((pass + 1)); echo "ok     $name ($(grep -c . "build/fuzz/$name.log") log lines)"
  else
    fail=$((fail + 1)); echo "FAIL   $name"; tail -n 40 "build/fuzz/$name.log"
  fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
