//! Folders: a tree of them per space, holding assets. Browsing (the
//! listing's folder rows and breadcrumb), creating, renaming and moving;
//! moving folders to Trash and back is `trash`'s.

pub mod api;
#[cfg(feature = "ssr")]
pub mod data;
pub mod model;
