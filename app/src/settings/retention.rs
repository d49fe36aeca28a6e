//! How long a space keeps deleted items: the "Keep deleted items for
//! (days)" field and `PUT /api/space_settings`. The rule, which nothing
//! breaks: a change never takes away time already promised. Each trashed
//! row keeps the deadline it was given (`expires_at`); lengthening moves
//! the deadlines of what is in Trash now, shortening applies to what is
//! deleted after it.

pub mod api;
#[cfg(feature = "ssr")]
pub mod data;
pub mod model;
pub mod ui;
