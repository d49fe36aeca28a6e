//! The domain's vocabulary, shared by the server and the browser: ids and
//! names, roles and permissions, time and labels, page positions, every
//! path, the one error type, and what a bulk request names. It uses
//! nothing else in the crate.

pub mod bulk_target;
pub mod encoding;
pub mod error;
pub mod format;
pub mod ids;
pub mod names;
pub mod paging;
pub mod roles;
pub mod routes;
pub mod time;
