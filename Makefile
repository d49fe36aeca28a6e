# Trove: `make run` and `make test` work on a fresh machine (they install what
# is missing first). See README.md.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := run

export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# One target dir outside the clone, shared by every checkout on the machine,
# so that CI's fresh clone reuses earlier builds.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/trove/target

BIN_RELEASE := $(CARGO_TARGET_DIR)/release/trove
BIN_DEBUG := $(CARGO_TARGET_DIR)/debug/trove

.PHONY: run build test test-scale unit e2e e2e-dev lint fmt bench setup clean

## run: build (release) and serve on http://127.0.0.1:3000 with demo data in ./data
run: build
	$(BIN_RELEASE) serve --demo

# --split: the pages other than Assets are lazy routes, fetched when first
# visited (app/src/lib.rs), so the first download is the Assets page's.
build:
	scripts/setup.sh build
	cargo leptos build --release --split

## test: every test: unit, data, router, then Playwright in Chromium on the release build
test:
	scripts/setup.sh test
	$(MAKE) unit
	$(MAKE) e2e

## test-scale: the data, router, two-server and browser tests on PostgreSQL and an S3-compatible store (moto)
test-scale:
	scripts/setup.sh test
	scripts/test-scale.sh

unit:
	# app and server only: with frontend in the same run, cargo would unify
	# features and build app with `hydrate` too, which is not how it runs.
	# app's `test-support` (test databases) comes with server's
	# dev-dependency on app, in every test, bench and clippy --all-targets
	# build; never in `cargo leptos build`.
	cargo test -p app -p server --features app/ssr --no-fail-fast

# The browser suite drives what `make run` serves: the release build. (A
# debug build hydrated where the release build did not: issue 22.)
e2e: build
	scripts/e2e.sh $(BIN_RELEASE)

## e2e-dev: the browser suite on a debug build, a faster loop while working (not what gates a landing)
e2e-dev:
	cargo leptos build --split
	scripts/e2e.sh $(BIN_DEBUG)

## lint: formatting and clippy for both feature sets (server and browser)
lint:
	scripts/setup.sh build
	cargo fmt --all --check
	cargo clippy -p app -p server --all-targets --features app/ssr -- -D warnings
	cargo clippy -p app -p frontend --target wasm32-unknown-unknown --features app/hydrate -- -D warnings

fmt:
	cargo fmt --all

## bench: upload throughput + memory, listing latency at 100,000 assets and move to Trash, each vs its raw baseline
bench:
	scripts/setup.sh bench
	cargo leptos build --release --split
	scripts/bench.sh $(BIN_RELEASE)

setup:
	scripts/setup.sh test

clean:
	cargo clean
