//! Trash: moving assets to Trash, putting them back, and the 14-day rule.

pub mod api;
#[cfg(feature = "ssr")]
pub mod bulk;
#[cfg(all(test, feature = "ssr"))]
pub(crate) mod fixtures;
#[cfg(feature = "ssr")]
pub mod in_use;
#[cfg(feature = "ssr")]
pub mod listing;
pub mod model;
#[cfg(feature = "ssr")]
pub mod purge;
pub mod ui;
