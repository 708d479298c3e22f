#!/usr/bin/env bash
# check-format.sh - fails when a C file differs from what clang-format makes of it.
set -u
cd "$(dirname "$0")/.."
bad=0
for f in $(find src tests tools -name '*.c' -o -name '*.h' | grep -v node_modules | sort); do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "not clang-formatted: $f"
    bad=1
  fi
done
[ "$bad" -eq 0 ] && echo "clang-format: clean"
exit $bad
