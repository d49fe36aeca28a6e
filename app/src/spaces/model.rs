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
