//! People, sign-in and permissions. One place ([`session::authorize`])
//! decides what the current user may do in a space; every server function
//! goes through it, and the UI asks the same [`model::Role::allows`].

pub mod api;
#[cfg(feature = "ssr")]
pub mod bearer;
#[cfg(feature = "ssr")]
pub mod data;
pub mod model;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod session_store;
pub mod ui;
