#!/usr/bin/env bash
# `scripts/bench-storage.sh <trove>` (issue 26): a space of 100,000 assets
# on SQLite, served by a release build, read by an API token made with
# `trove token create`; then
#   1. GET /api/space_usage at 1 and 32 connections (wrk, p50/p99);
#   2. beside it, in sqlite3 on the same database: the counters' read the
#      endpoint makes (space_storage and the space's row), and the raw
#      `SELECT kind, COUNT(*), SUM(size_bytes) … GROUP BY kind` over the
#      assets that the counters replace (best and median of 20).
# Needs wrk (setup.sh bench).
set -euo pipefail
bin="$1"
dir=$(mktemp -d -t trove-storage-XXXXXX)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
pid=
duration=${BENCH_SECONDS:-8}
assets=${BENCH_ASSETS:-100000}
start=$(date +%s.%N)
"$bin" seed --space Bench --assets "$assets" --data-dir "$dir" >/dev/null
echo "== seeded $assets assets in $(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')") s (the storage triggers on)"
echo "bench-password" | "$bin" user add --email bench@example.com --space Bench --role owner --data-dir "$dir" >/dev/null
token=$("$bin" token create --space Bench --email bench@example.com --role viewer --name Bench --data-dir "$dir" 2>/dev/null)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
RUST_LOG=warn "$bin" serve --data-dir "$dir" --addr "127.0.0.1:$port" >"$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
auth="Authorization: Bearer $token"
url="$base/api/space_usage?space=bench"
echo "  $(curl -fsS -H "$auth" "$url")"
pct() { awk '/Latency Distribution/ {on=1; next} on && /%/ {printf "%s %s  ", $1, $2} /requests in/ {on=0} /Requests\/sec/ {printf "| %s req/s", $2}'; echo; }
wrk -t1 -c1 -d2s -H "$auth" "$url" >/dev/null
echo "== GET /api/space_usage, 1 connection:   $(wrk -t1 -c1 -d"${duration}s" --latency -H "$auth" "$url" | pct)"
echo "== GET /api/space_usage, 32 connections: $(wrk -t2 -c32 -d"${duration}s" --latency -H "$auth" "$url" | pct)"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
python3 - "$dir/trove.db" <<'PY'
import sqlite3, statistics, sys, time
db = sqlite3.connect(sys.argv[1])
def timed(sql):
    ms = []
    for _ in range(20):
        t = time.perf_counter()
        db.execute(sql, (1,)).fetchall()
        ms.append((time.perf_counter() - t) * 1000)
    return f"best {min(ms):.3f} ms, median {statistics.median(ms):.3f} ms"
counters = ("SELECT s.quota_bytes, st.kind, st.live_assets, st.live_bytes, st.trash_assets, st.trash_bytes "
            "FROM spaces s LEFT JOIN space_storage st ON st.space_id = s.id WHERE s.id = ?")
raw = ("SELECT kind, COUNT(*) FILTER (WHERE deleted_at IS NULL), SUM(size_bytes) FILTER (WHERE deleted_at IS NULL), "
       "COUNT(*) FILTER (WHERE deleted_at IS NOT NULL), SUM(size_bytes) FILTER (WHERE deleted_at IS NOT NULL) "
       "FROM assets WHERE space_id = ? GROUP BY kind")
print(f"== the counters' read (what the endpoint runs), sqlite3: {timed(counters)}")
print(f"== raw SELECT kind, COUNT(*), SUM(size_bytes) … GROUP BY kind over the assets, sqlite3: {timed(raw)}")
PY
