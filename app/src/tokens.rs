//! API tokens: how other systems (a CMS, a build, a script) call Trove's
//! API as a person. Space Settings → "API tokens" (Owner and Admin,
//! `pages::tokens_page`) makes, lists and revokes them; `trove token` does
//! the same from the command line. What a token may do on a request is `auth::bearer`'s: this
//! feature only manages them.

pub mod api;
#[cfg(feature = "ssr")]
pub mod data;
pub mod model;
