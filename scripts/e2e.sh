#!/usr/bin/env bash
# Runs the Playwright suite against a freshly started server: a free port, a
# temporary data dir (so the demo data is seeded anew), Debian's Chromium.
# Usage: scripts/e2e.sh <path to the trove binary> [playwright args...]
set -euo pipefail

cd "$(dirname "$0")/.."
bin="$1"; shift

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
data_dir=$(mktemp -d -t trove-e2e-XXXXXX)
log="$data_dir/server.log"

cleanup() {
  if [ -n "${pid:-}" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$data_dir"
}
trap cleanup EXIT

TROVE_ADDR="127.0.0.1:$port" TROVE_DATA_DIR="$data_dir" RUST_LOG="${RUST_LOG:-warn}" \
  "$bin" serve >"$log" 2>&1 &
pid=$!

for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "the server exited before it was ready:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$log" >&2; exit 1; }

status=0
(cd end2end && TROVE_URL="http://127.0.0.1:$port" npx playwright test "$@") || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- server log ---" >&2
  tail -n 100 "$log" >&2
fi
exit "$status"
