//! Data access for spaces.

use sqlx::SqliteExecutor;

use super::model::{Membership, Space};
use crate::auth::model::Role;
use crate::ids::SpaceId;

/// The spaces `user_id` is a member of, with their role, by name.
pub async fn list_for_user(
    db: impl SqliteExecutor<'_>,
    user_id: i64,
) -> Result<Vec<Membership>, sqlx::Error> {
    let rows: Vec<(i64, String, String, Role)> = sqlx::query_as(
        "SELECT s.id, s.slug, s.name, m.role FROM spaces s
         JOIN memberships m ON m.space_id = s.id AND m.user_id = ?
         ORDER BY s.name, s.id",
    )
    .bind(user_id)
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

/// Creates a space, or returns the existing one with that slug.
pub async fn ensure(
    db: impl SqliteExecutor<'_>,
    slug: &str,
    name: &str,
    now_millis: i64,
) -> Result<Space, sqlx::Error> {
    sqlx::query_as(
        "INSERT INTO spaces (slug, name, created_at) VALUES (?, ?, ?)
         ON CONFLICT (slug) DO UPDATE SET slug = excluded.slug
         RETURNING id, slug, name",
    )
    .bind(slug)
    .bind(name)
    .bind(now_millis)
    .fetch_one(db)
    .await
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
