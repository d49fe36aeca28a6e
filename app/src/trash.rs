//! Trash: moving assets to Trash, putting them back, and the deadline each
//! deletion gets from its space's retention (14 days unless changed).

pub mod api;
#[cfg(feature = "ssr")]
pub mod bulk;
#[cfg(feature = "ssr")]
pub mod empty;
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
