//! Router-level tests: the real axum router with a fresh SQLite database and
//! file store per test, driven with `oneshot` requests. One module per
//! feature; the harness is shared with the other test binaries.
#![allow(clippy::unwrap_used)] // a failed setup step should fail the test loudly

#[path = "../support/harness.rs"]
mod harness;

mod assets;
mod auth;
mod demo;
mod empty_trash;
mod fields;
mod files;
mod folders;
mod idempotency;
mod matching;
mod openapi;
mod pages;
mod permissions;
mod settings;
mod storage;
mod tokens;
mod trash;
mod uploads;
mod usage;
