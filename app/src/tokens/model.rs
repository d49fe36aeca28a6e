//! What the tokens page and the API show of a token (never its text, which
//! only [`NewToken`] carries, once).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::ids::TokenId;
use crate::domain::roles::Role;
use crate::domain::time::Timestamp;

/// The longest token name, in characters.
pub const MAX_TOKEN_NAME_CHARS: usize = 100;

/// A live token of a space.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ApiToken {
    pub id: TokenId,
    pub name: String,
    /// The most it may do; less if its maker's own role is lower now.
    pub role: Role,
    /// Its maker's name (`None` once their account is gone).
    pub created_by: Option<String>,
    pub created_at: Timestamp,
    /// When it was last used (to the minute); `None` if never.
    pub last_used_at: Option<Timestamp>,
}

/// A token just made: the only time its text is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NewToken {
    pub token: ApiToken,
    /// `trove_pat_…`: send it as `Authorization: Bearer …`. Not stored.
    pub secret: String,
}
