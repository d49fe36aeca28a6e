#!/usr/bin/env bash
# Installs what building and testing Trove needs, idempotently and without
# prompts: Debian packages, the wasm32 target, the wasm-bindgen CLI matching
# Cargo.lock, cargo-leptos, and the npm packages of end2end/ (Playwright, axe,
# and binaryen's wasm-opt). Versions: ../shared/TOOLCHAIN.md.
#
#   scripts/setup.sh build   # what `make run` needs
#   scripts/setup.sh test    # plus Chromium for Playwright
#   scripts/setup.sh bench   # plus wrk
set -euo pipefail

cd "$(dirname "$0")/.."
purpose="${1:-build}"
CARGO_LEPTOS_VERSION=0.3.10

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "apt: installing ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

export PATH="$HOME/.cargo/bin:$PATH"

if ! command -v cargo >/dev/null; then
  echo "cargo is not installed: install Rust with rustup first" >&2
  exit 1
fi

# curl: e2e.sh and bench.sh wait for /healthz with it; python3: the bench
# scripts and free ports.
case "$purpose" in
  test) apt_install chromium curl python3 python3-venv ;;
  bench) apt_install wrk curl python3 ;;
esac

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup: adding wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# The wasm-bindgen CLI must be exactly the version in Cargo.lock.
want_bindgen=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
have_bindgen=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have_bindgen" != "$want_bindgen" ]; then
  log "cargo: installing wasm-bindgen-cli $want_bindgen (a few minutes)"
  # Not --locked: its lockfile pins a crate version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$want_bindgen" --force
fi

if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  log "cargo: installing cargo-leptos $CARGO_LEPTOS_VERSION (about 25 minutes on 2 cores)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

# npm packages: Playwright (no browser download: Debian's Chromium is used),
# axe-core, and binaryen for wasm-opt in release builds.
stamp=end2end/node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ end2end/package-lock.json -nt "$stamp" ]; then
  log "npm: installing end2end packages"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi
