//! Data access for users and memberships.

use crate::error::AppError;
use sqlx::any::AnyExecutor;

use super::model::{Membership, Role, User};
use super::password::PasswordHash;
use crate::spaces::model::Space;

use crate::ids::{SpaceId, UserId};
use crate::time::Timestamp;

/// Creates a user, or updates the name and password of the one with that
/// email. Returns the user's id.
pub async fn upsert_user(
    db: impl AnyExecutor<'_>,
    email: &str,
    name: &str,
    password_hash: &PasswordHash,
    now: Timestamp,
) -> Result<UserId, AppError> {
    sqlx::query_scalar(
        "INSERT INTO users (email, name, password_hash, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (email) DO UPDATE SET name = excluded.name, password_hash = excluded.password_hash
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
    let crate::db::Flag(any) = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users)")
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

/// The user with that email and their password hash.
pub async fn find_for_sign_in(
    db: impl AnyExecutor<'_>,
    email: &str,
) -> Result<Option<(User, PasswordHash)>, AppError> {
    let row: Option<(UserId, String, String, PasswordHash)> =
        sqlx::query_as("SELECT id, email, name, password_hash FROM users WHERE email = $1")
            .bind(email.trim())
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(id, email, name, hash)| (User { id, email, name }, hash)))
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
    let rows: Vec<(i64, String, String, Role)> = sqlx::query_as(
        "SELECT s.id, s.slug, s.name, m.role FROM spaces s
         JOIN memberships m ON m.space_id = s.id AND m.user_id = $1
         ORDER BY s.name, s.id",
    )
    .bind(user)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, slug, name, role)| Membership {
            space: Space {
                id: SpaceId(id),
                slug,
                name,
            },
            role,
        })
        .collect())
}
