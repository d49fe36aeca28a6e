//! Data access for users and memberships.

use serde::{Deserialize, Serialize};
use sqlx::SqliteExecutor;

use crate::spaces::model::SpaceId;

/// A person's role in one space (DESIGN.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    AssetManager,
    Viewer,
}

impl Role {
    pub fn parse(value: &str) -> Option<Self> {
        match value
            .trim()
            .to_ascii_lowercase()
            .replace(['-', ' '], "_")
            .as_str()
        {
            "owner" => Some(Self::Owner),
            "admin" => Some(Self::Admin),
            "asset_manager" | "manager" => Some(Self::AssetManager),
            "viewer" => Some(Self::Viewer),
            _ => None,
        }
    }
}

/// Creates a user, or updates the name and password of the one with that
/// email. Returns the user's id.
pub async fn upsert_user(
    db: impl SqliteExecutor<'_>,
    email: &str,
    name: &str,
    password_hash: &str,
    now_millis: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO users (email, name, password_hash, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (email) DO UPDATE SET name = excluded.name, password_hash = excluded.password_hash
         RETURNING id",
    )
    .bind(email.trim())
    .bind(name)
    .bind(password_hash)
    .bind(now_millis)
    .fetch_one(db)
    .await
}

/// Adds a membership or changes its role.
pub async fn set_membership(
    db: impl SqliteExecutor<'_>,
    space: SpaceId,
    user_id: i64,
    role: Role,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO memberships (space_id, user_id, role) VALUES (?, ?, ?)
         ON CONFLICT (space_id, user_id) DO UPDATE SET role = excluded.role",
    )
    .bind(space)
    .bind(user_id)
    .bind(role)
    .execute(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_leniently() {
        assert_eq!(Role::parse("Owner"), Some(Role::Owner));
        assert_eq!(Role::parse("asset-manager"), Some(Role::AssetManager));
        assert_eq!(Role::parse("Asset Manager"), Some(Role::AssetManager));
        assert_eq!(Role::parse("root"), None);
    }
}
