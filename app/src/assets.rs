//! Assets: the files of a space and the listing that shows them.

pub mod api;
#[cfg(feature = "ssr")]
pub mod data;
pub mod model;
pub mod ui;
