//! The audit log: who changed which assets and folders, when, and in which
//! batch.
//! Every move to Trash, restore, permanent delete and purge writes one entry
//! per request and space, in the same transaction as the change.

use crate::domain::error::AppError;
use sqlx::AnyConnection;

use crate::domain::ids::{Actor, BatchId, SpaceId};
use crate::domain::time::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    MoveToTrash,
    Restore,
    DeletePermanently,
    Purge,
    /// Everything in a space's Trash deleted for good at once.
    EmptyTrash,
    /// A space's settings changed: `detail` says what was and what became.
    SettingsChanged,
}

impl AuditAction {
    /// The name stored in `audit_log.action`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MoveToTrash => "move_to_trash",
            Self::Restore => "restore",
            Self::DeletePermanently => "delete_permanently",
            Self::Purge => "purge",
            Self::EmptyTrash => "empty_trash",
            Self::SettingsChanged => "settings_changed",
        }
    }
}

/// One entry. `ids_json` is the JSON array of the asset ids (the same text
/// the change bound for its own statement), `count` how many it holds.
#[derive(Debug, Clone, Copy)]
pub struct AuditEntry<'a> {
    pub space: SpaceId,
    /// Who did it (and through which token); `None` for the purge.
    pub actor: Option<Actor>,
    pub action: AuditAction,
    /// The batch a move started (and its Undo names).
    pub batch: Option<&'a BatchId>,
    pub ids_json: &'a str,
    pub count: usize,
    /// The JSON array of the folders' ids (`"[]"` for none).
    pub folders_json: &'a str,
    pub at: Timestamp,
}

impl AuditEntry<'_> {
    pub async fn write(&self, conn: &mut AnyConnection) -> Result<(), AppError> {
        self.insert(conn, None).await.map(drop)
    }

    /// [`write`](Self::write) with a `detail` (JSON), answering the new
    /// entry's id, for a change that says more than its ids (a setting's
    /// old and new value) or goes on recording its progress there (Empty
    /// Trash, in chunks).
    pub async fn write_with_detail(
        &self,
        conn: &mut AnyConnection,
        detail: &str,
    ) -> Result<i64, AppError> {
        self.insert(conn, Some(detail)).await
    }

    async fn insert(
        &self,
        conn: &mut AnyConnection,
        detail: Option<&str>,
    ) -> Result<i64, AppError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO audit_log (space_id, actor_id, action, batch, asset_ids, asset_count,
                                    folder_ids, at, token_id, detail)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             RETURNING id",
        )
        .bind(self.space)
        .bind(self.actor.map(|actor| actor.user))
        .bind(self.action.as_str())
        .bind(self.batch)
        .bind(self.ids_json)
        .bind(i64::try_from(self.count).unwrap_or(i64::MAX))
        .bind(self.folders_json)
        .bind(self.at)
        .bind(self.actor.and_then(|actor| actor.token))
        .bind(detail)
        .fetch_one(conn)
        .await?)
    }
}

/// The entry of a move to Trash whose assets and folders are the rows now
/// carrying `batch`: the database gathers their ids (in order) itself, so a
/// move of 100,000 assets never sends them out and back.
pub async fn write_batch_entry(
    conn: &mut AnyConnection,
    space: SpaceId,
    actor: Actor,
    batch: &BatchId,
    at: Timestamp,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO audit_log (space_id, actor_id, action, batch, asset_ids, asset_count,
                                folder_ids, at, token_id)
         SELECT $1, $2, $3, $4, json_group_array(a.id ORDER BY a.id), COUNT(*),
                (SELECT json_group_array(f.id ORDER BY f.id) FROM folders f
                 WHERE f.delete_batch = $4 AND f.space_id = $1),
                $5, $6
         FROM assets a WHERE a.delete_batch = $4 AND a.space_id = $1",
    )
    .bind(space)
    .bind(actor.user)
    .bind(AuditAction::MoveToTrash.as_str())
    .bind(batch)
    .bind(at)
    .bind(actor.token)
    .execute(conn)
    .await?;
    Ok(())
}

/// The entry of a change to a space's settings: `detail` is a JSON object
/// of what changed, each as `{"from": …, "to": …}`. `actor` is `None` for
/// the command line.
pub async fn write_settings_entry(
    conn: &mut AnyConnection,
    space: SpaceId,
    actor: Option<Actor>,
    detail: &serde_json::Value,
    at: Timestamp,
) -> Result<(), AppError> {
    AuditEntry {
        space,
        actor,
        action: AuditAction::SettingsChanged,
        batch: None,
        ids_json: "[]",
        count: 0,
        folders_json: "[]",
        at,
    }
    .write_with_detail(conn, &detail.to_string())
    .await
    .map(drop)
}
