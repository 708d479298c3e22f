#!/usr/bin/env bash
# install-deps.sh - installs what danchu needs on Debian 12 and is missing:
# Debian packages via apt, browser-test packages via npm ci. Idempotent and
# fast when nothing is missing (one dpkg-query, one file comparison).
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(
  build-essential pkg-config git ca-certificates
  libmicrohttpd-dev libsqlite3-dev sqlite3 libpq-dev postgresql postgresql-contrib
  libjansson-dev libsodium-dev libutf8proc-dev libcmark-gfm-dev libcmark-gfm-extensions-dev
  libinih-dev libcurl4-openssl-dev libcairo2-dev libpango1.0-dev libxlsxwriter-dev libzip-dev
  libexpat1-dev libqrencode-dev libexif-dev libmagic-dev libcmocka-dev fonts-liberation2 tzdata
  chromium poppler-utils zbar-tools python3-aiosmtpd libreoffice-writer-nogui wrk nginx-light clang
  libclang-rt-14-dev
  clang-format curl
)

missing=()
installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${PKGS[@]}" 2>/dev/null || true)
for p in "${PKGS[@]}"; do
  grep -qx "$p installed" <<<"$installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Browser tests: playwright-core and axe-core, pinned in package-lock.json. Never download
# browsers: Debian's /usr/bin/chromium is used.
if [ -f package-lock.json ]; then
  stamp=node_modules/.danchu-lock
  if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    echo "install-deps: npm ci"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
  fi
fi
