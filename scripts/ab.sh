#!/usr/bin/env bash
# `scripts/ab.sh <trove A> <trove B>`: the same seeded database (100,000
# assets) served by two release builds in turn, for a before/after of a
# change on the same machine in the same minutes:
# list_assets first page at 1 and 32 connections, and one 10,000-id move to
# Trash (then Undo), alternating A B A B. Needs wrk (setup.sh bench).
set -euo pipefail
A="$1"; B="$2"
dir=$(mktemp -d -t trove-ab-XXXXXX)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
pid=
"$A" seed --space Bench --assets 100000 --data-dir "$dir" >/dev/null
echo "bench-password" | "$A" user add --email bench@example.com --space Bench --role asset-manager --data-dir "$dir" >/dev/null
python3 -c "import json; print(json.dumps({'space': 'bench', 'ids': list(range(1, 10001))}))" >"$dir/trash.json"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pct() { awk '/Latency Distribution/ {on=1; next} on && /%/ {printf "%s %s  ", $1, $2} /requests in/ {on=0} /Requests\/sec/ {printf "| %s req/s", $2}'; echo; }
for round in 1 2; do
for which in A B; do
  bin=$A; [ $which = B ] && bin=$B
  RUST_LOG=warn "$bin" serve --data-dir "$dir" --addr "127.0.0.1:$port" >"$dir/server-$which.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  cookie=$(curl -fsS -o /dev/null -D - -X POST "http://127.0.0.1:$port/api/sign_in" -H "Origin: http://127.0.0.1:$port" \
    --data-urlencode email=bench@example.com --data-urlencode password=bench-password | awk -F'[ ;]' 'tolower($1) == "set-cookie:" { print $2 }')
  url="http://127.0.0.1:$port/api/list_assets?space=bench"
  wrk -t1 -c1 -d2s -H "Cookie: $cookie" "$url" >/dev/null
  echo "round $round $which 1c:  $(wrk -t1 -c1 -d8s --latency -H "Cookie: $cookie" "$url" | pct)"
  echo "round $round $which 32c: $(wrk -t2 -c32 -d8s --latency -H "Cookie: $cookie" "$url" | pct)"
  out=$(curl -fsS -o "$dir/out.json" -w '%{time_total}' -X POST "http://127.0.0.1:$port/api/move_to_trash" \
    -H "Origin: http://127.0.0.1:$port" -H "Cookie: $cookie" -H 'Content-Type: application/json' --data-binary @"$dir/trash.json")
  batch=$(python3 -c "import json; print(json.load(open('$dir/out.json'))['batch'])")
  echo "round $round $which move 10,000: $(python3 -c "print(f'{$out*1000:.1f}')") ms"
  curl -fsS -o /dev/null -X POST "http://127.0.0.1:$port/api/restore_batch" -H "Origin: http://127.0.0.1:$port" \
    -H "Cookie: $cookie" -H 'Content-Type: application/json' --data "{\"space\":\"bench\",\"batch\":\"$batch\"}"
  kill -TERM $pid; wait $pid 2>/dev/null || true; pid=
done
done
