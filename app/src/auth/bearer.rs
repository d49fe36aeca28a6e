//! API tokens as credentials: `Authorization: Bearer trove_pat_…` on an
//! `/api/*` request. The server's bearer check (`server::bearer`) resolves
//! the token once per request into a [`TokenGrant`], which
//! [`session::authorize`](super::session::authorize) then uses in place of
//! the session: the token acts as the person who made it, in its space
//! only, with the lower of the role chosen for it and that person's role
//! there now.
//!
//! A token is `trove_pat_` and 43 base64url characters (256 random bits
//! from the operating system); the fixed prefix lets secret scanners find
//! leaked ones. Only its SHA-256 is stored. Each request reads the token's
//! row joined with the maker's membership, with no cache: a revoked token,
//! a lowered role or a maker who left the space takes effect on every
//! server at once (the session path's few seconds of memory do not apply).

use argon2::password_hash::rand_core::{OsRng, RngCore as _};
use base64::Engine as _;
use http::HeaderMap;
use sha2::{Digest as _, Sha256};
use sqlx::AnyPool;

use crate::domain::error::AppError;
use crate::domain::ids::{SpaceId, TokenId, UserId};
use crate::domain::roles::{Role, SpaceRole};
use crate::domain::time::Timestamp;
use crate::spaces::model::Space;

/// What every token starts with.
pub const PREFIX: &str = "trove_pat_";
/// Random bytes in a token.
const SECRET_BYTES: usize = 32;
/// A token's length: the prefix and 43 base64url characters.
const TOKEN_CHARS: usize = PREFIX.len() + (SECRET_BYTES * 4).div_ceil(3);
/// `last_used_at` is written at most this often per token, so a busy
/// integration does not turn every read into a write.
const LAST_USED_EVERY_MILLIS: i64 = 60_000;

/// A live token, resolved for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenGrant {
    pub token: TokenId,
    pub name: String,
    /// The person it acts as.
    pub user: UserId,
    /// Its space, with the role it has there now (capped by the maker's).
    pub space: SpaceRole,
}

impl TokenGrant {
    /// Its space.
    pub fn space(&self) -> Space {
        Space {
            id: self.space.space,
            slug: self.space.slug.clone(),
            name: self.space.name.clone(),
        }
    }
}

/// A new token's text: shown once, stored as its [`digest`].
pub fn new_token() -> String {
    let mut secret = [0_u8; SECRET_BYTES];
    OsRng.fill_bytes(&mut secret);
    format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret)
    )
}

/// The stored form of a token: its SHA-256, hex. (A plain hash suffices:
/// the token is 256 random bits, not a password to be guessed.)
pub fn digest(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The token a request presents, if its `Authorization` header is a
/// Bearer one (the scheme's name in any case): `Some("")` for a Bearer
/// header without a usable token, which fails like a wrong one.
pub fn presented(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(http::header::AUTHORIZATION)?
        .to_str()
        .unwrap_or("");
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// A live token's row, with its space and its maker's role there: id,
/// name, maker, role, last used; space id, slug, name; the maker's role.
type TokenRow = (
    TokenId,
    String,
    UserId,
    Role,
    Option<Timestamp>,
    SpaceId,
    String,
    String,
    Role,
);

/// Whether `token` can be a token at all (checked before any query).
fn is_well_formed(token: &str) -> bool {
    token.len() == TOKEN_CHARS
        && token.starts_with(PREFIX)
        && token[PREFIX.len()..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The live token `token` names, with the role it has now; `None` for
/// anything else (malformed, unknown, revoked, or its maker is no longer
/// a member of its space).
pub async fn resolve(
    pool: &AnyPool,
    token: &str,
    now: Timestamp,
) -> Result<Option<TokenGrant>, AppError> {
    if !is_well_formed(token) {
        return Ok(None);
    }
    let row: Option<TokenRow> = sqlx::query_as(
        "SELECT t.id, t.name, t.user_id, t.role, t.last_used_at,
                    s.id, s.slug, s.name, m.role
             FROM api_tokens t
             JOIN memberships m ON m.space_id = t.space_id AND m.user_id = t.user_id
             JOIN spaces s ON s.id = t.space_id
             WHERE t.digest = $1 AND t.revoked_at IS NULL",
    )
    .bind(digest(token))
    .fetch_optional(pool)
    .await?;
    let Some((id, name, user, token_role, last_used, space, slug, space_name, member_role)) = row
    else {
        return Ok(None);
    };
    if last_used.is_none_or(|at| now.millis_since(at) >= LAST_USED_EVERY_MILLIS) {
        // Off the request's path: on SQLite a write may wait for another
        // change's lock, and the request need not.
        let pool = pool.clone();
        tokio::spawn(async move {
            let written = sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(&pool)
                .await;
            if let Err(error) = written {
                tracing::warn!(%error, token = id.0, "could not note a token's use");
            }
        });
    }
    Ok(Some(TokenGrant {
        token: id,
        name,
        user,
        space: SpaceRole {
            space,
            slug,
            name: space_name,
            role: member_role.at_most(token_role),
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_prefixed_random_and_well_formed() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert!(a.starts_with("trove_pat_"), "{a}");
        assert_eq!(a.len(), TOKEN_CHARS);
        assert!(is_well_formed(&a));
        assert!(!is_well_formed(&a[..a.len() - 1]));
        assert!(!is_well_formed(&format!("{a}x")));
        assert!(!is_well_formed(&a.replace("trove_pat_", "trove_xxx_")));
        assert!(!is_well_formed(&format!("{}!", &a[..a.len() - 1])));
        // 256 bits of the operating system's randomness.
        assert_eq!(TOKEN_CHARS - PREFIX.len(), 43);
        assert_eq!(digest(&a).len(), 64);
        assert_ne!(digest(&a), digest(&b));
    }

    #[test]
    fn only_bearer_headers_present_a_token() {
        let mut headers = HeaderMap::new();
        assert_eq!(presented(&headers), None);
        headers.insert(http::header::AUTHORIZATION, "Basic abc".parse().unwrap());
        assert_eq!(presented(&headers), None);
        headers.insert(
            http::header::AUTHORIZATION,
            "Bearer trove_pat_x".parse().unwrap(),
        );
        assert_eq!(presented(&headers), Some("trove_pat_x"));
        headers.insert(http::header::AUTHORIZATION, "bearer  t ".parse().unwrap());
        assert_eq!(presented(&headers), Some("t"));
        headers.insert(http::header::AUTHORIZATION, "Bearer".parse().unwrap());
        assert_eq!(presented(&headers), Some(""));
    }
}
