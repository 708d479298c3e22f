#!/usr/bin/env bash
# check-banned.sh - rejects banned C functions (STYLE.md), as curl does.
set -u
cd "$(dirname "$0")/.."
banned='\b(sprintf|strcpy|strcat|strncpy|strtok|atoi|gets|localtime)[[:space:]]*\('
hits=$(grep -RnE "$banned" src tests tools --include='*.c' --include='*.h' | grep -vE '^\S+:[0-9]+:\s*(\*|//)' || true)
if [ -n "$hits" ]; then
  echo "banned functions used (see STYLE.md):"
  echo "$hits"
  exit 1
fi
echo "banned functions: none"
