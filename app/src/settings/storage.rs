//! What a space stores: the "Storage" section of Space Settings → General
//! (live assets, Trash, a breakdown by type, the quota when one is set) and
//! `GET /api/space_usage`. The numbers are the exact counters of
//! `space_storage` (kept by the database's triggers), read in one small
//! statement; the quota itself and the upload's check live in
//! `spaces::storage`, low enough for the upload to call.

pub mod api;
#[cfg(feature = "ssr")]
pub mod data;
pub mod model;
pub mod ui;
