//! The signed-in session and the one permission check every server function
//! makes. Sessions are server-side rows in the database (tower-sessions,
//! see `session_store`); the cookie holds only a random id.

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::bearer::TokenGrant;
use super::model::{Permission, Role};
use crate::domain::error::AppError;
use crate::domain::ids::{Actor, SpaceId, TokenId, UserId};
use crate::domain::roles::SpaceRole;
use crate::domain::time::Timestamp;
use crate::platform::clock::MILLIS_PER_DAY;
use crate::platform::state::AppState;
use crate::spaces::model::Space;

const SESSION_KEY: &str = "trove.user";
/// A session ends this long after sign-in, however active (idle expiry is
/// the cookie layer's, see `server::session_layer`).
pub const ABSOLUTE_LIFETIME_MILLIS: i64 = 7 * MILLIS_PER_DAY;

/// How often an active session's idle deadline is pushed back: a session
/// row is written at most once per interval, not on every request.
const TOUCH_INTERVAL_MILLIS: i64 = 5 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub user_id: UserId,
    pub signed_in_at: Timestamp,
    /// When the session was last saved; saving renews the idle expiry.
    /// (Sessions saved before this field existed read as the epoch.)
    #[serde(default)]
    pub touched_at: Timestamp,
    /// The account's session generation at sign-in: a new password counts
    /// the account's up and so ends this session (`data::upsert_user`).
    /// (Sessions saved before this field existed read as 0, as do accounts.)
    #[serde(default)]
    pub generation: i64,
}

impl SignedIn {
    pub fn is_expired(&self, now: Timestamp) -> bool {
        now >= self.signed_in_at.plus_millis(ABSOLUTE_LIFETIME_MILLIS)
            || now < self.signed_in_at.minus_millis(MILLIS_PER_DAY)
    }
}

/// What the current user may do in one space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    pub user_id: UserId,
    pub space: Space,
    pub role: Role,
    /// The API token the request came with, if it did.
    pub token: Option<TokenId>,
}

impl Access {
    /// Who a change is recorded as.
    pub fn actor(&self) -> Actor {
        Actor {
            user: self.user_id,
            token: self.token,
        }
    }
}

/// What a request presents: its session (the cookie) and, on an API call
/// with `Authorization: Bearer`, the token the server's bearer check
/// resolved. A request with a token is the token's alone: its session is
/// never read (the bearer check also drops its cookie).
#[derive(Clone)]
pub struct Credentials {
    session: Session,
    token: Option<TokenGrant>,
}

impl Credentials {
    /// The credentials in a request's extensions (the session layer's
    /// session, and the bearer check's grant), if the session layer ran.
    pub fn from_extensions(extensions: &http::Extensions) -> Option<Self> {
        Some(Self {
            session: extensions.get::<Session>()?.clone(),
            token: extensions.get::<TokenGrant>().cloned(),
        })
    }

    /// The token the request came with, if any.
    pub fn token(&self) -> Option<&TokenGrant> {
        self.token.as_ref()
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Credentials {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        Self::from_extensions(&parts.extensions)
            .ok_or_else(|| AppError::internal("session layer missing"))
    }
}

/// The current request's credentials, for server functions.
pub async fn credentials() -> Result<Credentials, AppError> {
    leptos_axum::extract::<Credentials>()
        .await
        .map_err(|e| AppError::internal(format!("session layer missing: {e}")))
}

async fn session() -> Result<Session, AppError> {
    Ok(credentials().await?.session)
}

/// Starts a session for `user_id` with a fresh id (no session fixation),
/// of the account's session `generation` as read with its password hash.
pub async fn sign_in(user_id: UserId, generation: i64, now: Timestamp) -> Result<(), AppError> {
    let session = session().await?;
    session.cycle_id().await.map_err(AppError::internal)?;
    session
        .insert(
            SESSION_KEY,
            SignedIn {
                user_id,
                signed_in_at: now,
                touched_at: now,
                generation,
            },
        )
        .await
        .map_err(AppError::internal)
}

/// Ends the session: its row is deleted, so the cookie is dead here at
/// once and on other servers on the database within `recent::FRESH_FOR`;
/// requests still in flight cannot bring it back (`session_store`).
pub async fn sign_out() -> Result<(), AppError> {
    session().await?.flush().await.map_err(AppError::internal)
}

/// The signed-in user's id (or, with a token, its maker's), or 401.
pub async fn current_user_id(state: &AppState) -> Result<UserId, AppError> {
    user_of(&credentials().await?, state).await
}

/// The person `credentials` act as: the signed-in user, or a token's
/// maker; 401 for neither.
pub async fn user_of(credentials: &Credentials, state: &AppState) -> Result<UserId, AppError> {
    match credentials.token() {
        Some(grant) => Ok(grant.user),
        None => user_id_in(&credentials.session, state).await,
    }
}

/// The user signed in to `session` (from a server function or an axum
/// handler), or 401. An expired session, or one from before the account's
/// password changed, is ended on the spot.
pub async fn user_id_in(session: &Session, state: &AppState) -> Result<UserId, AppError> {
    let signed_in: Option<SignedIn> = session.get(SESSION_KEY).await.map_err(AppError::internal)?;
    let now = state.clock.now();
    let Some(s) = signed_in else {
        return Err(AppError::Unauthorized);
    };
    if s.is_expired(now) || !is_current(state, &s).await? {
        session.flush().await.map_err(AppError::internal)?;
        return Err(AppError::Unauthorized);
    }
    if now.millis_since(s.touched_at) >= TOUCH_INTERVAL_MILLIS {
        // Modifying the session makes the layer save it, which renews its
        // 12-hour idle expiry.
        let touched = SignedIn {
            touched_at: now,
            ..s
        };
        session
            .insert(SESSION_KEY, touched)
            .await
            .map_err(AppError::internal)?;
    }
    Ok(s.user_id)
}

/// Whether the session is of the account's current generation, that is,
/// the password has not changed since sign-in (and the account exists).
///
/// The generation is remembered per user for `recent::FRESH_FOR`, so this
/// adds no query to most requests; the price is that a password set with
/// `trove user add` ends sessions on each server up to that long after.
/// A session newer than what is remembered (signed in with the new
/// password meanwhile) is current: generations only count up.
async fn is_current(state: &AppState, signed_in: &SignedIn) -> Result<bool, AppError> {
    let user = signed_in.user_id;
    let generation = match state.recent_session_generations.get(&user) {
        Some(generation) => generation,
        None => {
            let generation = super::data::session_generation(&state.pool, user).await?;
            state.recent_session_generations.insert(user, generation);
            generation
        }
    };
    Ok(generation.is_some_and(|generation| signed_in.generation >= generation))
}

/// The one permission check, for server functions: signed out → 401; a
/// space that does not exist or that the user is not a member of → 404; a
/// role without `permission` → 403.
pub async fn authorize(
    state: &AppState,
    space_slug: &str,
    permission: Permission,
) -> Result<Access, AppError> {
    authorize_credentials(&credentials().await?, state, space_slug, permission).await
}

/// [`authorize`] for axum handlers that hold the credentials themselves.
/// With a token: its space only (any other is 404, as for people), with
/// the role it has now.
pub async fn authorize_credentials(
    credentials: &Credentials,
    state: &AppState,
    space_slug: &str,
    permission: Permission,
) -> Result<Access, AppError> {
    if let Some(grant) = credentials.token() {
        if grant.space.slug != space_slug {
            return Err(AppError::NotFound);
        }
        if !grant.space.role.allows(permission) {
            return Err(AppError::Forbidden);
        }
        return Ok(Access {
            user_id: grant.user,
            space: grant.space(),
            role: grant.space.role,
            token: Some(grant.token),
        });
    }
    let user_id = user_id_in(&credentials.session, state).await?;
    let key = (user_id, space_slug.to_owned());
    let found = match state.recent_access.get(&key) {
        Some(found) => found,
        None => {
            let found = find_space_role(state, user_id, space_slug)
                .await?
                .ok_or(AppError::NotFound)?;
            state.recent_access.insert(key, found.clone());
            found
        }
    };
    if !found.role.allows(permission) {
        return Err(AppError::Forbidden);
    }
    Ok(Access {
        user_id,
        space: Space {
            id: found.space,
            slug: found.slug,
            name: found.name,
        },
        role: found.role,
        token: None,
    })
}

/// The user's role in the space with this slug, if they are a member.
async fn find_space_role(
    state: &AppState,
    user: UserId,
    space_slug: &str,
) -> Result<Option<SpaceRole>, AppError> {
    let row: Option<(SpaceId, String, String, Role)> = sqlx::query_as(
        "SELECT s.id, s.slug, s.name, m.role
         FROM spaces s JOIN memberships m ON m.space_id = s.id
         WHERE s.slug = $1 AND m.user_id = $2",
    )
    .bind(space_slug)
    .bind(user)
    .fetch_optional(&state.pool)
    .await?;
    Ok(row.map(|(space, slug, name, role)| SpaceRole {
        space,
        slug,
        name,
        role,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::clock::MILLIS_PER_HOUR;

    #[test]
    fn sessions_expire_a_week_after_sign_in() {
        let at = Timestamp::from_millis(1_000 * MILLIS_PER_DAY);
        let s = SignedIn {
            user_id: UserId(1),
            signed_in_at: at,
            touched_at: at,
            generation: 0,
        };
        assert!(!s.is_expired(at));
        assert!(!s.is_expired(at.plus_millis(ABSOLUTE_LIFETIME_MILLIS - 1)));
        assert!(s.is_expired(at.plus_millis(ABSOLUTE_LIFETIME_MILLIS)));
        // A clock that jumped far backwards does not extend a session.
        assert!(!s.is_expired(at.minus_millis(MILLIS_PER_HOUR)));
        assert!(s.is_expired(at.minus_millis(2 * MILLIS_PER_DAY)));
    }

    /// Sessions are stored as JSON: the types must not change what is
    /// stored, or every saved session would stop reading.
    #[test]
    fn a_session_is_stored_as_plain_numbers() {
        let s = SignedIn {
            user_id: UserId(7),
            signed_in_at: Timestamp::from_millis(1_000),
            touched_at: Timestamp::from_millis(2_000),
            generation: 3,
        };
        let stored = r#"{"user_id":7,"signed_in_at":1000,"touched_at":2000,"generation":3}"#;
        assert_eq!(serde_json::to_string(&s).unwrap(), stored);
        let before_touched_at: SignedIn =
            serde_json::from_str(r#"{"user_id":7,"signed_in_at":1000}"#).unwrap();
        assert_eq!(before_touched_at.touched_at, Timestamp::EPOCH);
        assert_eq!(before_touched_at.generation, 0);
    }
}
