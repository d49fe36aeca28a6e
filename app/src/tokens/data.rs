//! Making, listing and revoking tokens. A token's text is made here and
//! returned once; the table keeps its digest (`auth::bearer::digest`).

use sqlx::AnyPool;

use super::model::{ApiToken, NewToken, MAX_TOKEN_NAME_CHARS};
use crate::auth::bearer;
use crate::domain::error::{AppError, Constraint};
use crate::domain::ids::{SpaceId, TokenId, UserId};
use crate::domain::roles::Role;
use crate::domain::time::Timestamp;

const SELECT_TOKEN: &str = "SELECT t.id, t.name, t.role, u.name AS created_by, t.created_at,
                                   t.last_used_at
                            FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id";

/// Makes a token in `space` acting as `maker` (whose role there is
/// `maker_role`), with at most `role`: one of `maker_role.token_roles()`.
/// Names are unique among the space's live tokens, ignoring case (409).
pub async fn create(
    pool: &AnyPool,
    space: SpaceId,
    maker: UserId,
    maker_role: Role,
    name: &str,
    role: Role,
    now: Timestamp,
) -> Result<NewToken, AppError> {
    let name = crate::domain::names::validate_name(name, "token").map_err(AppError::Validation)?;
    if name.chars().count() > MAX_TOKEN_NAME_CHARS {
        return Err(AppError::validation(format!(
            "A token name can have at most {MAX_TOKEN_NAME_CHARS} characters."
        )));
    }
    if !maker_role.token_roles().contains(&role) {
        return Err(AppError::validation(format!(
            "A token can have your role or a lower one, Admin at most: {} is not one of them.",
            role.label()
        )));
    }
    let secret = bearer::new_token();
    let inserted: Result<(TokenId,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO api_tokens (space_id, user_id, name, role, digest, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(space)
    .bind(maker)
    .bind(&name)
    .bind(role)
    .bind(bearer::digest(&secret))
    .bind(now)
    .fetch_one(pool)
    .await;
    let id = match inserted.map_err(AppError::from) {
        Ok((id,)) => id,
        Err(AppError::ConstraintViolated(Constraint::Unique)) => {
            return Err(AppError::Conflict(format!(
                "A token named “{name}” exists already. Choose another name."
            )))
        }
        Err(other) => return Err(other),
    };
    let token = find(pool, space, id).await?.ok_or(AppError::NotFound)?;
    Ok(NewToken { token, secret })
}

/// The space's live tokens, newest first.
pub async fn list(pool: &AnyPool, space: SpaceId) -> Result<Vec<ApiToken>, AppError> {
    Ok(sqlx::query_as(&format!(
        "{SELECT_TOKEN} WHERE t.space_id = $1 AND t.revoked_at IS NULL
         ORDER BY t.created_at DESC, t.id DESC"
    ))
    .bind(space)
    .fetch_all(pool)
    .await?)
}

/// A live token of the space.
pub async fn find(
    pool: &AnyPool,
    space: SpaceId,
    id: TokenId,
) -> Result<Option<ApiToken>, AppError> {
    Ok(sqlx::query_as(&format!(
        "{SELECT_TOKEN} WHERE t.space_id = $1 AND t.id = $2 AND t.revoked_at IS NULL"
    ))
    .bind(space)
    .bind(id)
    .fetch_optional(pool)
    .await?)
}

/// Revokes a live token of the space: it stops working on the next
/// request, on every server (tokens are not cached). 404 if there is no
/// such live token.
pub async fn revoke(
    pool: &AnyPool,
    space: SpaceId,
    id: TokenId,
    by: Option<UserId>,
    now: Timestamp,
) -> Result<ApiToken, AppError> {
    let token = find(pool, space, id).await?.ok_or(AppError::NotFound)?;
    let revoked = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1, revoked_by = $2
         WHERE space_id = $3 AND id = $4 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(by)
    .bind(space)
    .bind(id)
    .execute(pool)
    .await?
    .rows_affected();
    if revoked == 0 {
        // Revoked meanwhile by someone else.
        return Err(AppError::NotFound);
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::bearer::resolve;
    use crate::platform::db::test_pool;
    const NOW: Timestamp = Timestamp::from_millis(1_800_000_000_000);

    /// A person of `role` in `space`.
    async fn member(pool: &AnyPool, email: &str, space: SpaceId, role: Role) -> UserId {
        let hash = crate::auth::password::PasswordHash::from_stored("x");
        let user = crate::auth::data::upsert_user(pool, email, email, &hash, NOW)
            .await
            .unwrap();
        crate::auth::data::set_membership(pool, space, user, role)
            .await
            .unwrap();
        user
    }

    #[tokio::test]
    async fn a_token_acts_at_most_as_its_maker_and_stops_when_revoked() {
        let (pool, _dir) = test_pool().await;
        let space = crate::spaces::data::ensure(&pool, "marketing", "Marketing", NOW)
            .await
            .unwrap();
        let owner = member(&pool, "owner@example.com", space.id, Role::Owner).await;
        let made = create(
            &pool,
            space.id,
            owner,
            Role::Owner,
            " CMS ",
            Role::Admin,
            NOW,
        )
        .await
        .unwrap();
        assert_eq!(made.token.name, "CMS");
        assert!(made.secret.starts_with("trove_pat_"));
        // Only the digest is kept.
        let stored: (String,) = sqlx::query_as("SELECT digest FROM api_tokens")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_ne!(stored.0, made.secret);
        assert!(!stored.0.contains("trove_pat_"));

        let grant = resolve(&pool, &made.secret, NOW).await.unwrap().unwrap();
        assert_eq!((grant.user, grant.space.role), (owner, Role::Admin));
        // The maker's role drops: so does the token's.
        sqlx::query("UPDATE memberships SET role = 'viewer' WHERE user_id = $1")
            .bind(owner)
            .execute(&pool)
            .await
            .unwrap();
        let grant = resolve(&pool, &made.secret, NOW).await.unwrap().unwrap();
        assert_eq!(grant.space.role, Role::Viewer);

        // Names are unique among live tokens, ignoring case.
        let again = create(
            &pool,
            space.id,
            owner,
            Role::Owner,
            "cms",
            Role::Viewer,
            NOW,
        )
        .await;
        assert!(matches!(again, Err(AppError::Conflict(_))), "{again:?}");
        // No Owner tokens, and none above the maker's role.
        let owner_token = create(&pool, space.id, owner, Role::Owner, "x", Role::Owner, NOW).await;
        assert!(matches!(owner_token, Err(AppError::Validation(_))));
        let above = create(
            &pool,
            space.id,
            owner,
            Role::AssetManager,
            "y",
            Role::Admin,
            NOW,
        )
        .await;
        assert!(matches!(above, Err(AppError::Validation(_))));

        assert_eq!(list(&pool, space.id).await.unwrap().len(), 1);
        revoke(&pool, space.id, made.token.id, Some(owner), NOW)
            .await
            .unwrap();
        assert_eq!(resolve(&pool, &made.secret, NOW).await.unwrap(), None);
        assert!(list(&pool, space.id).await.unwrap().is_empty());
        assert_eq!(
            revoke(&pool, space.id, made.token.id, Some(owner), NOW).await,
            Err(AppError::NotFound)
        );
        // The name is free again once revoked.
        create(
            &pool,
            space.id,
            owner,
            Role::Owner,
            "CMS",
            Role::Viewer,
            NOW,
        )
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn a_token_stops_when_its_maker_leaves_the_space() {
        let (pool, _dir) = test_pool().await;
        let space = crate::spaces::data::ensure(&pool, "marketing", "Marketing", NOW)
            .await
            .unwrap();
        let admin = member(&pool, "admin@example.com", space.id, Role::Admin).await;
        let made = create(
            &pool,
            space.id,
            admin,
            Role::Admin,
            "build",
            Role::AssetManager,
            NOW,
        )
        .await
        .unwrap();
        assert!(resolve(&pool, &made.secret, NOW).await.unwrap().is_some());
        sqlx::query("DELETE FROM memberships WHERE user_id = $1")
            .bind(admin)
            .execute(&pool)
            .await
            .unwrap();
        assert_eq!(resolve(&pool, &made.secret, NOW).await.unwrap(), None);
        // A well-formed token nobody made.
        let guess = crate::auth::bearer::new_token();
        assert_eq!(resolve(&pool, &guess, NOW).await.unwrap(), None);
    }
}
