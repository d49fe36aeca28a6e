#!/usr/bin/env bash
# Runs the Playwright suite against freshly started servers, each on a free
# port, with Debian's Chromium:
#   TROVE_URL         the main server (its own temporary data dir, demo data)
#   TROVE_SECOND_URL  a second server on the main one's data dir, as two
#                     servers behind a load balancer (two-servers.spec)
#   TROVE_CLOCK_URL   a second server on another temporary data dir, and
#   TROVE_CLOCK_13D_URL / TROVE_CLOCK_15D_URL
#                     two more on that same data dir with TROVE_CLOCK_OFFSET
#                     13d and 15d, for the 14-day rule (assets deleted "now"
#                     on the first are seen 13 and 15 days later).
# No purge runs while the tests do (only the one at start-up, before any
# test): three servers share one data dir, and the 14-day rule hides
# expired assets from Trash whether or not they were purged.
# With TROVE_E2E_SCALE=1 (`make test-scale`) only the main and second
# servers start, on the DATABASE_URL and TROVE_STORAGE of the environment.
# Every server gets a 5 MB upload limit, so that the "too large" path is
# exercised with a small file.
# Usage: scripts/e2e.sh <path to the trove binary> [playwright args...]
set -euo pipefail

cd "$(dirname "$0")/.."
bin="$1"; shift

work=$(mktemp -d -t trove-e2e-XXXXXX)
pids=()

cleanup() {
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

# start <name> <data dir> <clock offset or "">: starts a server, waits for
# /healthz and sets $url to its address. Not run in a $(subshell): the pid
# must reach the cleanup trap, or the server outlives the run.
start() {
  local name="$1" data_dir="$2" offset="$3" log pid addr_file
  log="$work/$name.log"
  addr_file="$work/$name.addr"
  mkdir -p "$data_dir"
  # Port 0: the server binds a free port itself and writes its address.
  TROVE_ADDR="127.0.0.1:0" TROVE_ADDR_FILE="$addr_file" TROVE_DATA_DIR="$data_dir" \
    TROVE_CLOCK_OFFSET="$offset" TROVE_MAX_UPLOAD_SIZE=5MB TROVE_PURGE_INTERVAL=24h \
    RUST_LOG="${RUST_LOG:-warn}" "$bin" serve --demo >"$log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 1 120); do
    if [ -s "$addr_file" ] && curl -fsS "$(cat "$addr_file")/healthz" >/dev/null 2>&1; then
      url=$(cat "$addr_file")
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.5
  done
  echo "the $name server did not become ready:" >&2
  cat "$log" >&2
  return 1
}

# Started one after another: the first on a data dir seeds the demo data,
# the others find it there.
start main "$work/main" ""; main_url=$url
start second "$work/main" ""; second_url=$url
clock_url="" clock_13d_url="" clock_15d_url=""
if [ "${TROVE_E2E_SCALE:-}" != 1 ]; then
  start clock "$work/clock" ""; clock_url=$url
  start clock-13d "$work/clock" "13d"; clock_13d_url=$url
  start clock-15d "$work/clock" "15d"; clock_15d_url=$url
fi

status=0
(cd end2end && TROVE_URL="$main_url" TROVE_SECOND_URL="$second_url" TROVE_CLOCK_URL="$clock_url" \
  TROVE_CLOCK_13D_URL="$clock_13d_url" TROVE_CLOCK_15D_URL="$clock_15d_url" \
  npx playwright test "$@") || status=$?
if [ "$status" -ne 0 ]; then
  for log in "$work"/*.log; do
    echo "--- $(basename "$log") ---" >&2
    # A panic's message, which the tail below can miss under its backtrace.
    grep -n -m 3 "panicked at" -A 2 "$log" >&2 || true
    tail -n 60 "$log" >&2
  done
fi
exit "$status"
