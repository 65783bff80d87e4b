#!/usr/bin/env bash
# Installs the build tools a fresh machine lacks. Each step is skipped when already satisfied,
# so a second run costs nothing. Nothing is downloaded outside the package registries.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The CLI must equal the wasm-bindgen library version in Cargo.lock exactly.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (a few minutes, once)"
  # Not --locked: its lock file pins a crate version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$want"
fi

apt_install() {
  local runner=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "note: cannot install $* (not root, no sudo)"; return 1; }
    runner=(sudo)
  fi
  [ -n "${GATEHOUSE_APT_UPDATED:-}" ] || { "${runner[@]}" apt-get update -qq; export GATEHOUSE_APT_UPDATED=1; }
  DEBIAN_FRONTEND=noninteractive "${runner[@]}" apt-get install -y -qq "$@" >/dev/null
}

if [ ! -x scripts/client-tools/node_modules/binaryen/bin/wasm-opt ] || [ ! -d scripts/client-tools/node_modules/terser ]; then
  say "installing the client build tools (npm binaryen and terser)"
  (cd scripts/client-tools && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ "${1:-}" = "--test" ]; then
  if ! command -v chromium >/dev/null; then
    say "installing Chromium for the browser tests"
    apt_install chromium chromium-driver
  fi
  # Again whenever the lock file has changed since the last install (npm ci writes its own copy).
  if [ ! end2end/node_modules/.package-lock.json -nt end2end/package-lock.json ]; then
    say "installing the browser-test and benchmark packages"
    (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
  fi
  # The SMTP transport's tests talk to aiosmtpd (server/tests/support/smtp_sink.py).
  if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
    say "installing aiosmtpd for the SMTP tests"
    python3 -m pip --version >/dev/null 2>&1 || apt_install python3 python3-pip
    # Into the user's site-packages; Debian's own Python refuses even that (PEP 668) unless told
    # --break-system-packages, which still leaves the system's packages alone.
    python3 -m pip install --user --quiet aiosmtpd==1.4.6 2>/dev/null \
      || python3 -m pip install --user --quiet --break-system-packages aiosmtpd==1.4.6
  fi
fi
