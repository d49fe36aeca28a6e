#!/usr/bin/env bash
# `make test-scale`: Trove past one machine. Starts a throwaway PostgreSQL
# (Debian's packages, scripts/postgres.sh) and an S3-compatible server
# (moto's server mode, from PyPI, in a venv under ~/.cache/trove), both on
# loopback with their data in a temp dir, then runs:
#   1. the data tests (app) on PostgreSQL, and the S3 round trip;
#   2. the router tests (server/tests/api) on PostgreSQL;
#   3. the two-server tests (server/tests/faults/servers.rs): two `trove
#      serve` processes on one PostgreSQL database and one bucket;
#   4. the browser run of two-servers.spec: delete on server A, restore
#      from Trash on server B, both on PostgreSQL and the bucket.
# Everything it starts is stopped on exit, and the temp dir removed.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/trove/target}"
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
MOTO_VERSION=5.2.5
venv="$HOME/.cache/trove/moto-$MOTO_VERSION"

log() { printf '\033[1m[test-scale]\033[0m %s\n' "$*"; }

# Under /tmp: PostgreSQL runs as the postgres user, who must reach it.
work=$(mktemp -d /tmp/trove-scale-XXXXXX)
chmod 755 "$work"
moto_pid=""
cleanup() {
  if [ -n "$moto_pid" ] && kill -0 "$moto_pid" 2>/dev/null; then
    kill "$moto_pid" 2>/dev/null || true
    wait "$moto_pid" 2>/dev/null || true
  fi
  scripts/postgres.sh stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT
trap "exit 130" INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- PostgreSQL ---------------------------------------------------------------
scripts/postgres.sh install
mkdir -p "$work/pg"
database_line=$(scripts/postgres.sh start "$work/pg")
database_url=${database_line#DATABASE_URL=}
log "PostgreSQL: $database_url"
# The schema's own checks (counters, collation, json_each, the trigram plan,
# folders_removed), on a database of their own; they roll themselves back.
PGPASSWORD=trove psql -q -v ON_ERROR_STOP=1 "$database_url" -c "CREATE DATABASE trove_check" >/dev/null
for migration in migrations/postgres/0*.sql; do
  PGPASSWORD=trove psql -q -v ON_ERROR_STOP=1 -1 -f "$migration" "${database_url%/*}/trove_check" >/dev/null
done
PGPASSWORD=trove psql -q -v ON_ERROR_STOP=1 -f migrations/postgres/check.sql "${database_url%/*}/trove_check" >/dev/null
log "migrations/postgres/check.sql passed"

# --- S3-compatible storage (moto) ---------------------------------------------
if [ ! -x "$venv/bin/moto_server" ]; then
  log "pip: installing moto[server]==$MOTO_VERSION into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "moto[server]==$MOTO_VERSION"
fi
moto_port=$(free_port)
"$venv/bin/moto_server" -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$moto_port/" >/dev/null 2>&1 && break
  kill -0 "$moto_pid" 2>/dev/null || { cat "$work/moto.log" >&2; exit 1; }
  sleep 0.2
done
curl -fsS -X PUT "http://127.0.0.1:$moto_port/trove-scale" >/dev/null
log "S3 (moto): http://127.0.0.1:$moto_port, bucket trove-scale"

export AWS_ACCESS_KEY_ID=trove AWS_SECRET_ACCESS_KEY=trove AWS_REGION=us-east-1
export AWS_ENDPOINT_URL="http://127.0.0.1:$moto_port" AWS_ALLOW_HTTP=true
export TROVE_TEST_S3_URL="s3://trove-scale"
export TROVE_TEST_DATABASE_URL="$database_url"

# --- 1, 2: data and router tests on PostgreSQL, the S3 round trip ------------
log "data tests on PostgreSQL, and the S3 round trip"
cargo test -p app --features ssr --lib -- --include-ignored
log "router tests on PostgreSQL"
cargo test -p server --features app/ssr --test api

# --- 3: two servers on one PostgreSQL database and one bucket -----------------
log "two trove serve processes on PostgreSQL and S3"
TROVE_STORAGE="s3://trove-scale/servers-$(date +%s)" \
  cargo test -p server --features app/ssr --test faults servers::

# --- 4: the browser, server A then server B -----------------------------------
log "browser: bulk delete on server A, Trash on server B"
cargo leptos build --release --split
# A database of its own for the demo servers.
PGPASSWORD=trove psql -q "$database_url" -c "CREATE DATABASE trove_e2e" >/dev/null
DATABASE_URL="${database_url%/*}/trove_e2e" TROVE_STORAGE="s3://trove-scale/e2e-$(date +%s)" \
  TROVE_E2E_SCALE=1 scripts/e2e.sh "$CARGO_TARGET_DIR/release/trove" --project=desktop two-servers

log "all scale tests passed"
