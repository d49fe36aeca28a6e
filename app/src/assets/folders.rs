//! Folders: a tree of them per space, holding assets. Browsing (the
//! listing's folder rows and breadcrumb), creating and renaming. Moving
//! folders and assets into a folder is the assets feature's
//! (`assets::moving`), moving them to Trash and back is `trash`'s; this
//! sub-feature sits below both and uses neither.

pub mod api;
#[cfg(feature = "ssr")]
pub mod data;
pub mod model;
