//! The ids of Trove's records, as types: an asset id cannot be passed where
//! a space or user id is meant. Shared by the server and the browser.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
#[serde(transparent)]
pub struct AssetId(pub i64);

/// A folder of a space's assets.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
#[serde(transparent)]
pub struct FolderId(pub i64);

/// A row of a listing that can be selected: a folder or an asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ItemId {
    Folder(FolderId),
    Asset(AssetId),
}

impl ItemId {
    /// A page's rows in order: its folders, then its assets.
    pub fn page(
        folders: impl IntoIterator<Item = FolderId>,
        assets: impl IntoIterator<Item = AssetId>,
    ) -> Vec<Self> {
        folders
            .into_iter()
            .map(Self::Folder)
            .chain(assets.into_iter().map(Self::Asset))
            .collect()
    }
}

/// A space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
#[serde(transparent)]
pub struct SpaceId(pub i64);

/// A person who can sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
#[serde(transparent)]
pub struct UserId(pub i64);

/// An API token (`auth::bearer`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
#[serde(transparent)]
pub struct TokenId(pub i64);

/// Who made a change: a person, on their own or through one of their API
/// tokens (the audit log then reads "{person} via token {name}").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Actor {
    pub user: UserId,
    pub token: Option<TokenId>,
}

impl From<UserId> for Actor {
    /// The person themself, signed in.
    fn from(user: UserId) -> Self {
        Self { user, token: None }
    }
}

/// One move to Trash, as Undo and the audit log name it: a random UUID.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
#[serde(transparent)]
#[schema(format = "uuid")]
pub struct BatchId(pub String);

impl BatchId {
    /// A new, random batch.
    #[cfg(feature = "ssr")]
    pub fn new_random() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }

    /// Whether this can be a batch at all (a request may send anything).
    #[cfg(feature = "ssr")]
    pub fn is_well_formed(&self) -> bool {
        uuid::Uuid::parse_str(&self.0).is_ok()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
