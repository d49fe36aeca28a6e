//! Usage: where assets are used. An integration (a CMS saving a page)
//! names a source and the full list of assets it uses now; an asset's
//! sources show on its details page, and `assets.used_in` counts them for
//! the listing's "In use" and its Usage filter. A sub-feature below the
//! rest of assets (its details page and listing read it); Trash keeps
//! assets in use out of a delete when asked.

pub mod api;
#[cfg(feature = "ssr")]
pub mod data;
pub mod model;
