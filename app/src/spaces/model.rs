use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::ids::SpaceId;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Space {
    pub id: SpaceId,
    /// The URL segment: `/spaces/{slug}/assets`.
    pub slug: String,
    pub name: String,
}

/// Trashed assets can be restored for this many days unless the space
/// keeps them for longer or shorter (Space Settings → General).
pub const DEFAULT_RETENTION_DAYS: u16 = 14;
/// The bounds of a space's retention, in days.
pub const MIN_RETENTION_DAYS: u16 = 1;
pub const MAX_RETENTION_DAYS: u16 = 365;
