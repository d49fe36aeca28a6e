//! Spaces: the containers that assets live in and that people are members of.

#[cfg(feature = "ssr")]
pub mod data;
pub mod model;
#[cfg(feature = "ssr")]
pub mod storage;
