//! Spaces: the containers that assets live in and that people are members
//! of, and what a space holds against its quota (`storage`: the upload's
//! check, low enough for it to call).

#[cfg(feature = "ssr")]
pub mod data;
pub mod model;
#[cfg(feature = "ssr")]
pub mod storage;
