//! Data access for spaces.

use crate::domain::error::AppError;
use crate::domain::ids::SpaceId;
use sqlx::any::AnyExecutor;

use super::model::Space;
use crate::domain::time::Timestamp;

/// Creates a space, or returns the existing one with that slug.
pub async fn ensure(
    db: impl AnyExecutor<'_>,
    slug: &str,
    name: &str,
    now: Timestamp,
) -> Result<Space, AppError> {
    sqlx::query_as(
        "INSERT INTO spaces (slug, name, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (slug) DO UPDATE SET slug = excluded.slug
         RETURNING id, slug, name",
    )
    .bind(slug)
    .bind(name)
    .bind(now)
    .fetch_one(db)
    .await
    .map_err(AppError::from)
}

/// How many days `space` keeps deleted items now. A move to Trash reads it
/// inside its transaction, under the space's write lock, so that it and a
/// change of the setting are one before the other.
pub async fn retention_days(db: impl AnyExecutor<'_>, space: SpaceId) -> Result<u16, AppError> {
    let days: i64 = sqlx::query_scalar("SELECT retention_days FROM spaces WHERE id = $1")
        .bind(space)
        .fetch_one(db)
        .await?;
    u16::try_from(days).map_err(|_| AppError::internal(format!("retention of {days} days")))
}

/// A URL-safe slug from a display name: "Product Photos" → "product-photos".
pub fn slugify(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Marketing"), "marketing");
        assert_eq!(slugify("  Product Photos 2026! "), "product-photos-2026");
        assert_eq!(slugify("a  --  b"), "a-b");
        assert_eq!(slugify("!!!"), "");
    }
}
