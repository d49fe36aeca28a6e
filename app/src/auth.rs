//! People and their accounts. Sign-in and sessions build on this.

#[cfg(feature = "ssr")]
pub mod data;
#[cfg(feature = "ssr")]
pub mod password;
