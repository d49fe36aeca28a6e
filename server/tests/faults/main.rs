//! The fault suite: what Trove does when things go wrong on purpose.
//!
//! - `kill`: a real `trove` process is killed with SIGKILL in the middle of
//!   a 10,000-asset move to Trash and in the middle of its start-up purge;
//!   after each kill the data must be whole (all or nothing, audited, every
//!   row with its file, SQLite's own integrity check).
//! - `empty_trash`: killed in the middle of emptying 30,000 assets from
//!   Trash: each chunk whole or absent, every remaining row with its file,
//!   one audit entry saying how far it got, and a second run finishes.
//! - `exposure`: a fresh server has no demo accounts, and slow or idle
//!   clients cannot hold its connections (header deadline, connection cap).
//! - `load`: eight clients at once for `TROVE_FAULTS_LOAD_SECS` seconds
//!   (30 by default): no 5xx, and the responses add up to the audit log.
//! - `servers`: two `trove serve` processes on the same data, as behind a
//!   load balancer: changes seen across, one throttle, purges at once,
//!   a move racing a restore, a new password (`trove user add`) ending
//!   sessions on both.
//! - `malformed`: every endpoint, found in the server-function registry and
//!   `server::plain_route_list()` (so a new one is covered as soon as it exists),
//!   gets broken input: always a 4xx, never a 5xx, and nothing changes.
//!
//! The process tests run one at a time (`process::exclusive`): each one
//! times kills or measures load, and two of them sharing 2 cores would
//! measure each other.
#![allow(clippy::unwrap_used)] // a failed setup step should fail the test loudly

#[path = "../support/harness.rs"]
mod harness;

mod client;
mod db;
mod empty_trash;
mod exposure;
mod kill;
mod load;
mod malformed;
mod process;
mod servers;
mod trash_cli;
