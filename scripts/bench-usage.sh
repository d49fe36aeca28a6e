#!/usr/bin/env bash
# `scripts/bench-usage.sh <trove>` (issue 25): a space of 100,000 assets on
# SQLite, served by a release build; an API token made with `trove token
# create`; then
#   1. GET /api/list_assets first page at 32 connections (wrk -c32, 3 runs)
#      with no asset in use;
#   2. 30 sources × PUT /api/references of 1,000 assets each (30,000 in
#      use), each PUT timed, beside the raw SQL (one transaction inserting
#      the source and its 1,000 rows with sqlite3) on a copy of the data;
#   3. the listing again (3 runs), and with the Usage filter (in use, not
#      in use), at 32 connections (in use also at 1);
#   4. a source's list replaced by another 1,000 (500 kept, 500 new).
# Needs wrk and sqlite3 (setup.sh bench).
set -euo pipefail
bin="$1"
dir=$(mktemp -d -t trove-usage-XXXXXX)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
pid=
duration=${BENCH_SECONDS:-8}
"$bin" seed --space Bench --assets 100000 --data-dir "$dir" >/dev/null
echo "bench-password" | "$bin" user add --email bench@example.com --space Bench --role owner --data-dir "$dir" >/dev/null
token=$("$bin" token create --space Bench --email bench@example.com --role asset-manager --name Bench --data-dir "$dir" 2>/dev/null)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
RUST_LOG=warn "$bin" serve --data-dir "$dir" --addr "127.0.0.1:$port" >"$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
auth="Authorization: Bearer $token"
pct() { awk '/Latency Distribution/ {on=1; next} on && /%/ {printf "%s %s  ", $1, $2} /requests in/ {on=0} /Requests\/sec/ {printf "| %s req/s", $2}'; echo; }
listing() {
  local url="$base/api/list_assets?space=bench$1"
  wrk -t1 -c1 -d2s -H "$auth" "$url" >/dev/null
  for run in 1 2 3; do
    echo "  run $run: $(wrk -t2 -c32 -d"${duration}s" --latency -H "$auth" "$url" | pct)"
  done
}
echo "== list_assets first page, 32 connections, no asset in use"
listing ""

echo "== 30 × PUT /api/references, 1,000 assets each (ids spread over the space)"
python3 - "$dir" <<'PY'
import json, sys
d = sys.argv[1]
for s in range(30):
    ids = list(range(s + 1, 100001, 100))[:1000]  # every 100th id, 30 interleaved sets
    body = {"space": "bench", "source": {"system": "cms", "id": f"page-{s}", "title": f"Page {s}",
            "url": f"https://cms.example/pages/{s}"}, "assets": ids}
    json.dump(body, open(f"{d}/ref-{s}.json", "w"))
    if s == 0:
        # 500 of its own kept, and 500 of page-1's (ids ≡ 2 mod 100) added.
        body["assets"] = ids[500:] + list(range(2, 100001, 100))[:500]
        json.dump(body, open(f"{d}/ref-replace.json", "w"))
PY
times=()
for s in $(seq 0 29); do
  t=$(curl -fsS -o /dev/null -w '%{time_total}' -X PUT "$base/api/references" -H "$auth" \
      -H 'Content-Type: application/json' --data-binary @"$dir/ref-$s.json")
  times+=("$t")
done
python3 - "${times[@]}" <<'PY'
import sys
ms = sorted(float(t) * 1000 for t in sys.argv[1:])
print(f"  PUT of 1,000 assets: p50 {ms[len(ms)//2]:.1f} ms, min {ms[0]:.1f}, max {ms[-1]:.1f} ms ({len(ms)} calls)")
PY
cp "$dir/trove.db" "$dir/raw.db"
raw=$(python3 - "$dir/raw.db" <<'PY'
import json, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
ids = json.dumps(list(range(31, 100001, 100))[:1000])
best = None
for i in range(5):
    t = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    sid = db.execute("INSERT INTO reference_sources (space_id, system, external_id, title, url, updated_at) "
                     "VALUES (1, 'raw', ?, 'Raw', NULL, 0) RETURNING id", (f"raw-{i}",)).fetchone()[0]
    db.execute("INSERT INTO asset_references (source_id, asset_id) SELECT ?, value FROM json_each(?)", (sid, ids))
    db.execute("COMMIT")
    ms = (time.perf_counter() - t) * 1000
    best = ms if best is None else min(best, ms)
print(f"{best:.1f}")
PY
)
echo "  raw SQL (sqlite3, one transaction: source + 1,000 rows, triggers on), best of 5: $raw ms"
in_use=$(curl -fsS -H "$auth" "$base/api/count_matching_assets?space=bench&usage=in_use")
echo "  assets in use now: $in_use"

echo "== list_assets first page, 32 connections, 30,000 of 100,000 in use"
listing ""
echo "== the same, Usage: In use"
listing "&usage=in_use"
echo "  1 connection: $(wrk -t1 -c1 -d"${duration}s" --latency -H "$auth" "$base/api/list_assets?space=bench&usage=in_use" | pct)"
echo "== the same, Usage: Not in use"
listing "&usage=not_in_use"

t=$(curl -fsS -o "$dir/out.json" -w '%{time_total}' -X PUT "$base/api/references" -H "$auth" \
    -H 'Content-Type: application/json' --data-binary @"$dir/ref-replace.json")
echo "== a source's 1,000 replaced by 1,000 (500 kept, 500 new): $(python3 -c "print(f'{$t*1000:.1f}')") ms: $(cat "$dir/out.json")"
