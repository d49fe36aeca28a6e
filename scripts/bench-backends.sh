#!/usr/bin/env bash
# SQLite beside PostgreSQL on the same data, and file throughput to an
# S3-compatible store beside the local disk, in one run (BENCHMARKS.md):
#   1. `cargo bench --bench backends` on a fresh SQLite file, then on a
#      fresh PostgreSQL database (a throwaway server, scripts/postgres.sh);
#   2. `cargo bench --bench storage` on the local store, then on a bucket
#      of moto's S3 server (from PyPI, as `make test-scale` uses).
# BENCH_ASSETS (default 100,000) sets the size. Leaves nothing running.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/trove/target}"
MOTO_VERSION=5.2.5
venv="$HOME/.cache/trove/moto-$MOTO_VERSION"

work=$(mktemp -d /tmp/trove-bench-XXXXXX)
chmod 755 "$work"
moto_pid=""
cleanup() {
  if [ -n "$moto_pid" ]; then kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; fi
  scripts/postgres.sh stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT
trap "exit 130" INT TERM

cargo bench -p server --bench backends --no-run
cargo bench -p server --bench storage --no-run

DATABASE_URL="sqlite://$work/bench.db?mode=rwc" cargo bench -q -p server --bench backends
scripts/postgres.sh install
mkdir -p "$work/pg"
line=$(scripts/postgres.sh start "$work/pg")
DATABASE_URL="${line#DATABASE_URL=}" cargo bench -q -p server --bench backends

if [ ! -x "$venv/bin/moto_server" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "moto[server]==$MOTO_VERSION"
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fsS -X PUT "http://127.0.0.1:$port/trove-bench" >/dev/null
BENCH_STORAGE="$work/files" cargo bench -q -p server --bench storage
AWS_ACCESS_KEY_ID=trove AWS_SECRET_ACCESS_KEY=trove AWS_REGION=us-east-1 \
  AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_ALLOW_HTTP=true \
  BENCH_STORAGE="s3://trove-bench/bench" cargo bench -q -p server --bench storage
