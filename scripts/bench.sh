#!/usr/bin/env bash
# `make bench`: seeds a space with 100,000 assets and prints, in one run,
# upload throughput and peak server memory (next to a raw disk copy), the
# Assets listing's first-page latency through HTTP (sequential, and at 32
# connections with wrk) next to the raw SQL query on the same database, the
# move-to-Trash request next to the same raw SQL transaction, moving all
# 50,000 assets matching a search next to the raw UPDATE … WHERE, folders at
# scale (a folder's first page among 1,000 folders; a folder with 50,000
# assets below it to Trash, Undo and moved) next to raw SQL, then the
# release wasm size. Usage: scripts/bench.sh <release trove binary>
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$1"
assets="${BENCH_ASSETS:-100000}"
duration="${BENCH_SECONDS:-10}"

dir=$(mktemp -d -t trove-bench-XXXXXX)
cleanup() {
  if [ -n "${pid:-}" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT

echo "== machine: $(nproc) cores, $(uname -sr), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "== seeding $assets assets"
"$bin" seed --space Bench --assets "$assets" --data-dir "$dir"
echo "bench-password" | "$bin" user add --email bench@example.com --space Bench --role asset-manager --data-dir "$dir"
# A copy of the same data for the runs without HTTP.
for f in trove.db trove.db-wal; do
  if [ -f "$dir/$f" ]; then cp "$dir/$f" "$dir/copy${f#trove}"; fi
done

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RUST_LOG=warn "$bin" serve --data-dir "$dir" --addr "127.0.0.1:$port" >"$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

# Sign in once; every measured request carries the session cookie, so the
# figures include the session lookup and the permission check.
cookie=$(curl -fsS -o /dev/null -D - -X POST "http://127.0.0.1:$port/api/sign_in" \
  -H "Origin: http://127.0.0.1:$port" \
  --data-urlencode email=bench@example.com --data-urlencode password=bench-password \
  | awk -F'[ ;]' 'tolower($1) == "set-cookie:" { print $2 }')
[ -n "$cookie" ] || { echo "bench: sign-in failed" >&2; exit 1; }
echo "== uploads (POST /api/upload, streamed), before the listing runs so the memory peak is theirs:"
python3 scripts/upload_bench.py "http://127.0.0.1:$port" "$cookie" bench "$pid" "$dir"

url="http://127.0.0.1:$port/api/list_assets?space=bench"
curl -fsS -H "Cookie: $cookie" "$url" -o "$dir/page.json"
echo "== first page: $(wc -c <"$dir/page.json") bytes of JSON; warming up"
wrk -t1 -c1 -d2s -H "Cookie: $cookie" "$url" >/dev/null

percentiles() { awk '/Latency Distribution/ {on=1; next} on && /%/ {printf "%s %s   ", $1, $2} /requests in/ {on=0} /Requests\/sec/ {printf "| %s req/s", $2}'; echo; }
echo "== HTTP GET /api/list_assets, 1 connection, ${duration}s:"
wrk -t1 -c1 -d"${duration}s" --latency -H "Cookie: $cookie" "$url" | percentiles
# On two shared cores one run swings by ±30%: three runs, and their median.
p99_ms() { awk '/ 99%/ { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 } print v }'; }
echo "== HTTP GET /api/list_assets, 32 connections (wrk -t2 -c32), ${duration}s, 3 runs:"
runs=()
for run in 1 2 3; do
  out=$(wrk -t2 -c32 -d"${duration}s" --latency -H "Cookie: $cookie" "$url")
  echo "run $run: $(echo "$out" | percentiles)"
  runs+=("$(echo "$out" | p99_ms)")
done
printf '%s\n' "${runs[@]}" | sort -g | sed -n 2p | xargs printf 'median p99 of 3 runs: %s ms\n'

echo "== HTTP search (GET /api/list_assets?q=…), 1 connection, 5s each:"
for term in banner banner-0999 zebra lo; do
  echo "q=$term: $(wrk -t1 -c1 -d5s --latency -H "Cookie: $cookie" "$url&q=$term" | percentiles)"
done
echo "== HTTP search for a rare term, 32 connections, ${duration}s:"
wrk -t2 -c32 -d"${duration}s" --latency -H "Cookie: $cookie" "$url&q=banner-0999" | percentiles

trash_ids="${BENCH_TRASH_IDS:-10000}"
python3 -c "import json,sys; print(json.dumps({'space': 'bench', 'ids': list(range(1, $trash_ids + 1))}))" >"$dir/trash.json"
echo "== HTTP POST /api/move_to_trash with $trash_ids ids (one request):"
http_s=$(curl -fsS -o "$dir/trash-out.json" -w '%{time_total}' -X POST "http://127.0.0.1:$port/api/move_to_trash" \
  -H "Origin: http://127.0.0.1:$port" -H "Cookie: $cookie" -H 'Content-Type: application/json' --data-binary @"$dir/trash.json")
echo "HTTP move to Trash: $(cat "$dir/trash-out.json" | head -c 120) in $(python3 -c "print(f'{$http_s * 1000:.1f}')") ms"

kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=

# Folders over HTTP: 100,000 more assets in the same space, spread over
# 1,000 new folders, and the first page of one folder at 32 connections.
echo "== seeding $assets more assets over 1,000 folders"
"$bin" seed --space Bench --assets "$assets" --folders 1000 --data-dir "$dir"
RUST_LOG=warn "$bin" serve --data-dir "$dir" --addr "127.0.0.1:$port" >>"$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
folder=$(curl -fsS -H "Cookie: $cookie" "$url" | python3 -c 'import json, sys; print(json.load(sys.stdin)["folders"][0]["id"])')
inner=$(curl -fsS -H "Cookie: $cookie" "http://127.0.0.1:$port/api/list_folders?space=bench&parent=$folder" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["folders"][0]["id"])')
folder_url="$url&folder=$inner"
echo "== HTTP GET one folder's first page (folder $inner of 1,000; $((assets * 2)) assets in the space), 32 connections, ${duration}s, 3 runs,"
echo "   each followed by the flat listing without folders (scope=all: the statements before folders), for an A/B in the same minutes:"
runs=()
for run in 1 2 3; do
  out=$(wrk -t2 -c32 -d"${duration}s" --latency -H "Cookie: $cookie" "$folder_url")
  echo "run $run: folder page $(echo "$out" | percentiles)"
  runs+=("$(echo "$out" | p99_ms)")
  echo "       flat listing $(wrk -t2 -c32 -d"${duration}s" --latency -H "Cookie: $cookie" "$url&scope=all" | percentiles)"
done
printf '%s\n' "${runs[@]}" | sort -g | sed -n 2p | xargs printf 'median p99 of 3 runs: %s ms\n'
echo "== HTTP GET the top level's first page (now 100 folders first), 32 connections, ${duration}s:"
wrk -t2 -c32 -d"${duration}s" --latency -H "Cookie: $cookie" "$url" | percentiles
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=

echo "== the same listing query without HTTP, on a copy of the database:"
DATABASE_URL="sqlite://$dir/copy.db" BENCH_SPACE=bench cargo bench -q -p server --bench listing
echo "== the same Trash transaction as raw SQL, on the copy:"
raw=$(DATABASE_URL="sqlite://$dir/copy.db" BENCH_SPACE=bench BENCH_IDS="$trash_ids" cargo bench -q -p server --bench trash)
echo "$raw" | grep -v '^raw_ms='
raw_ms=$(echo "$raw" | sed -n 's/^raw_ms=//p')
python3 -c "print(f'move to Trash, HTTP / raw SQL: {$http_s * 1000 / $raw_ms:.2f}x')"

echo "== Select all N matching at scale (its own 100,000-asset database):"
BENCH_ASSETS="$assets" cargo bench -q -p server --bench matching

echo "== folders at scale (its own databases: the listing over 1,000 folders; a folder with 50,000 assets below it to Trash, Undo, moved):"
BENCH_ASSETS="$assets" cargo bench -q -p server --bench folders

echo "== what a durable commit costs (delete permanently, purge), on the data disk:"
BENCH_DIR="$dir" cargo bench -q -p server --bench durable

python3 scripts/attack_bench.py "$bin"

echo "== release wasm (cargo leptos build --release --split): the first download, then the lazy routes' parts:"
pkg="${LEPTOS_SITE_ROOT:-target/site}/pkg"
if [ -f "$pkg/trove.wasm" ]; then
  node -e '
    const fs = require("fs"), zlib = require("zlib"), path = require("path");
    const kb = (n) => (n / 1024).toFixed(0) + " KB";
    for (const file of process.argv.slice(1)) {
      const raw = fs.readFileSync(file);
      const br = zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } });
      const gz = zlib.gzipSync(raw, { level: 9 });
      console.log(`${path.basename(file)}: ${kb(raw.length)} raw, ${kb(gz.length)} gzip, ${kb(br.length)} brotli`);
    }
  ' "$pkg/trove.wasm" $(ls "$pkg"/*.wasm | grep -v '/trove.wasm$')
else
  echo "no $pkg/trove.wasm: run cargo leptos build --release --split first"
fi
