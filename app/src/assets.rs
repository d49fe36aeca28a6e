//! Assets: the files of a space and the listing that shows them.

pub mod api;
#[cfg(feature = "ssr")]
pub mod data;
#[cfg(feature = "ssr")]
pub mod file_type;
pub mod folders;
#[cfg(feature = "ssr")]
pub mod ingest;
pub mod model;
#[cfg(feature = "ssr")]
pub mod moving;
pub mod ui;
pub mod usage;
