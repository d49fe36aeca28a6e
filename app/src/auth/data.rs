//! Data access for users and memberships.

use crate::domain::error::AppError;
use crate::spaces::model::DEFAULT_RETENTION_DAYS;
use sqlx::any::AnyExecutor;

use super::model::{Membership, Role, User};
use super::password::PasswordHash;
use crate::spaces::model::Space;

use crate::domain::ids::{SpaceId, UserId};
use crate::domain::time::Timestamp;

/// Creates a user, or updates the name and password of the one with that
/// email. Returns the user's id.
///
/// A new password hash (every `trove user add`: hashes are salted) ends
/// the account's sessions: their generation is now behind (see
/// `session::user_id_in`).
pub async fn upsert_user(
    db: impl AnyExecutor<'_>,
    email: &str,
    name: &str,
    password_hash: &PasswordHash,
    now: Timestamp,
) -> Result<UserId, AppError> {
    sqlx::query_scalar(
        "INSERT INTO users (email, name, password_hash, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (email) DO UPDATE SET name = excluded.name, password_hash = excluded.password_hash,
           session_generation = users.session_generation
             + CASE WHEN users.password_hash = excluded.password_hash THEN 0 ELSE 1 END
         RETURNING id",
    )
    .bind(email.trim())
    .bind(name)
    .bind(password_hash)
    .bind(now)
    .fetch_one(db)
    .await
    .map_err(AppError::from)
}

/// Whether anyone can sign in at all (a fresh database has no users).
pub async fn any_user(db: impl AnyExecutor<'_>) -> Result<bool, AppError> {
    let crate::platform::db::Flag(any) = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users)")
        .fetch_one(db)
        .await?;
    Ok(any)
}

/// Adds a membership or changes its role.
pub async fn set_membership(
    db: impl AnyExecutor<'_>,
    space: SpaceId,
    user: UserId,
    role: Role,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO memberships (space_id, user_id, role) VALUES ($1, $2, $3)
         ON CONFLICT (space_id, user_id) DO UPDATE SET role = excluded.role",
    )
    .bind(space)
    .bind(user)
    .bind(role)
    .execute(db)
    .await?;
    Ok(())
}

/// The user with that email, their password hash and the generation of
/// sessions that hash starts (read together: a session started with a
/// hash that was just replaced is behind).
pub async fn find_for_sign_in(
    db: impl AnyExecutor<'_>,
    email: &str,
) -> Result<Option<(User, PasswordHash, i64)>, AppError> {
    let row: Option<(UserId, String, String, PasswordHash, i64)> = sqlx::query_as(
        "SELECT id, email, name, password_hash, session_generation FROM users WHERE email = $1",
    )
    .bind(email.trim())
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(id, email, name, hash, generation)| (User { id, email, name }, hash, generation)))
}

/// The generation of the user's sessions (see `upsert_user`), or `None` if
/// there is no such user.
pub async fn session_generation(
    db: impl AnyExecutor<'_>,
    user: UserId,
) -> Result<Option<i64>, AppError> {
    sqlx::query_scalar("SELECT session_generation FROM users WHERE id = $1")
        .bind(user)
        .fetch_optional(db)
        .await
        .map_err(AppError::from)
}

pub async fn find_user(db: impl AnyExecutor<'_>, id: UserId) -> Result<Option<User>, AppError> {
    sqlx::query_as("SELECT id, email, name FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
        .map_err(AppError::from)
}

/// The spaces `user` is a member of, with their role, by name.
pub async fn list_for_user(
    db: impl AnyExecutor<'_>,
    user: UserId,
) -> Result<Vec<Membership>, AppError> {
    let rows: Vec<(i64, String, String, Role, i64)> = sqlx::query_as(
        "SELECT s.id, s.slug, s.name, m.role, s.retention_days FROM spaces s
         JOIN memberships m ON m.space_id = s.id AND m.user_id = $1
         ORDER BY s.name, s.id",
    )
    .bind(user)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, slug, name, role, days)| Membership {
            space: Space {
                id: SpaceId(id),
                slug,
                name,
            },
            role,
            retention_days: u16::try_from(days).unwrap_or(DEFAULT_RETENTION_DAYS),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_new_password_hash_starts_a_new_generation_of_sessions() {
        let (pool, _dir) = crate::platform::db::test_pool().await;
        let first = PasswordHash::from_stored("first");
        let at = Timestamp::from_millis(1);
        let user = upsert_user(&pool, "ann@test.example", "Ann", &first, at)
            .await
            .unwrap();
        assert_eq!(session_generation(&pool, user).await.unwrap(), Some(0));
        // The same hash (a new name only): the sessions live on.
        upsert_user(&pool, "ann@test.example", "Ann B", &first, at)
            .await
            .unwrap();
        assert_eq!(session_generation(&pool, user).await.unwrap(), Some(0));
        let second = PasswordHash::from_stored("second");
        upsert_user(&pool, "ANN@test.example", "Ann", &second, at)
            .await
            .unwrap();
        let (_, hash, generation) = find_for_sign_in(&pool, "ann@test.example")
            .await
            .unwrap()
            .unwrap();
        assert!(hash == second && generation == 1);
        assert_eq!(
            session_generation(&pool, UserId(user.0 + 1)).await.unwrap(),
            None
        );
    }
}
