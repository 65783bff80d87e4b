#!/usr/bin/env bash
# Issue 16's figures: the hot slot, spread bookings, and single and duplicate scans, on PostgreSQL
# with two instances and one, and on SQLite, each printed with the machine's load at its start.
#
#   cargo build --release -p server -p bench
#   bench/pg-scale.sh                       # the server built in $CARGO_TARGET_DIR (or target/)
#   bench/pg-scale.sh path/to/old/gatehouse # another server binary (a "before" build)
#   SAMPLE=1 bench/pg-scale.sh              # also sample pg_locks / pg_stat_activity during each run
#
# Environment: PG (admin URL, default postgres://postgres@127.0.0.1:5432/postgres), SECS (seconds
# per scenario, default 10), ONLY (a regular expression over the run names, e.g. ONLY='pg2-').
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
bench=${BENCH:-$target/release/gatehouse-bench}
server=${1:-$target/release/gatehouse}
pg=${PG:-postgres://postgres@127.0.0.1:5432/postgres}
secs=${SECS:-10}
only=${ONLY:-.}
# The servers inherit it: their pages' assets (the API does not need them).
export GATEHOUSE_SITE_ROOT=${GATEHOUSE_SITE_ROOT:-$target/site}

# Waits and lock requests not granted, counted every 200 ms while a run lasts.
sample() {
  while sleep 0.2; do
    psql "$pg" -Atc "SELECT now()::time(0), coalesce(wait_event_type, 'cpu') || ':' || coalesce(wait_event, '-'),
                            count(*) FROM pg_stat_activity WHERE datname LIKE 'gatehouse_bench_%' AND state = 'active'
                     GROUP BY 2 ORDER BY 3 DESC" 2>/dev/null || true
    psql "$pg" -Atc "SELECT 'not granted', locktype, mode, count(*) FROM pg_locks WHERE NOT granted
                     GROUP BY 2, 3" 2>/dev/null || true
  done
}

run() {
  local name=$1
  shift
  [[ $name =~ $only ]] || return 0
  echo "== $name: $* (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  local sampler=""
  if [ -n "${SAMPLE:-}" ]; then
    sample > "/tmp/pg-scale-$name.samples" &
    sampler=$!
  fi
  "$bench" --server "$server" --seconds "$secs" "$@" | sed -n -e '/^  last seat/p' -e '/tickets scanned twice/p' \
    -e '/^checks/,$p' | grep -v '^server RSS'
  if [ -n "$sampler" ]; then kill "$sampler"; fi
}

for backend in pg2 pg1 sqlite; do
  case $backend in
    pg2) db=(--postgres "$pg" --instances 2) ;;
    pg1) db=(--postgres "$pg" --instances 1) ;;
    sqlite) db=() ;;
  esac
  run "$backend-hot" "${db[@]}" --scenario hot --clients 400 --activated 50000
  run "$backend-spread" "${db[@]}" --scenario spread --clients 400 --activated 200000
  run "$backend-scan" "${db[@]}" --scenario scan --rate 0 --clients 100 --tickets 100000
  run "$backend-double-scan" "${db[@]}" --scenario double-scan --rate 0 --clients 100 --tickets 100000
done
