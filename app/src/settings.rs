//! Space Settings → General: how long Trash keeps deleted items (retention)
//! and what the space stores (storage and its quota).

#[cfg(feature = "ssr")]
pub mod quota;
pub mod retention;
pub mod storage;
