#!/usr/bin/env bash
# install.sh - installs exactly what alihdaya needs from Debian 12, then builds it.
# Idempotent: run it again at any time. Run as root (or with sudo).
#   BUILD_DIR=build (default)   ALIHDAYA_SANITIZE=ON to build with ASan+UBSan
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(build-essential cmake pkg-config
      libmicrohttpd-dev libjansson-dev libsqlite3-dev libsodium-dev libinih-dev libcmocka-dev libcsv-dev
      libcurl4-openssl-dev libxlsxwriter-dev libhpdf-dev poppler-utils
      curl jq sqlite3 tzdata python3 python3-nacl python3-cryptography python3-argon2
      chromium wrk)
# The web application's build (esbuild) and tests (Playwright) need Node.js and npm:
# Debian's when the machine has none (a newer node from elsewhere is kept).
command -v node >/dev/null 2>&1 || PKGS+=(nodejs)
command -v npm >/dev/null 2>&1 || PKGS+=(npm)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The web application's packages, exactly as web/package-lock.json pins them; only when
# the lockfile changed since the last install (npm ci empties node_modules first).
if ! cmp -s web/package-lock.json web/node_modules/.alihdaya-lock 2>/dev/null; then
  (cd web && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.alihdaya-lock)
fi

BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DALIHDAYA_SANITIZE="${ALIHDAYA_SANITIZE:-OFF}" >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
echo "built $BUILD_DIR/alihdaya"
