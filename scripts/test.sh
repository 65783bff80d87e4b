#!/usr/bin/env bash
# Runs every test: unit and property tests, integration tests over real HTTP against SQLite (and
# PostgreSQL when GATEHOUSE_TEST_POSTGRES_URL is set), and the browser tests in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/tools.sh --test
scripts/build.sh debug
if [ -n "${GATEHOUSE_TEST_POSTGRES_URL:-}" ]; then
  echo "integration tests run on SQLite and on PostgreSQL ($GATEHOUSE_TEST_POSTGRES_URL)"
else
  echo "integration tests run on SQLite only: each postgres case prints that it was skipped (set GATEHOUSE_TEST_POSTGRES_URL to add PostgreSQL)"
fi
cargo test -p gatehouse --features ssr
cargo test -p app --features ssr
cargo test -p server
cargo test -p bench
(cd end2end && npm test)
