//! Spaces: the containers that assets live in and that people are members of.

pub mod api;
#[cfg(feature = "ssr")]
pub mod data;
pub mod model;
pub mod ui;
