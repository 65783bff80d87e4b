#!/usr/bin/env bash
# Installs what is missing, builds in release mode, and serves Gatehouse with demo data on SQLite
# (data/gatehouse.db, created and migrated on first start) at http://127.0.0.1:3000.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/tools.sh
scripts/build.sh release
exec "${CARGO_TARGET_DIR:-target}/release/gatehouse" serve --demo
