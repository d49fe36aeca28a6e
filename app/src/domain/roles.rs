//! Roles and permissions (docs/roles.md): the vocabulary every feature and
//! the UI share, and the one table of who may do what.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::ids::SpaceId;

/// Something a person may do in a space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// See and download assets.
    View,
    /// Upload and edit assets.
    Upload,
    /// Move assets to Trash and restore them.
    Delete,
    /// Delete permanently and empty Trash.
    Purge,
    /// Manage the space and its members.
    Manage,
}

/// A person's role in one space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    AssetManager,
    Viewer,
}

// Stored as text: `platform::db::text_enum` (the platform knows the
// domain, not the other way round).

impl Role {
    pub const ALL: [Self; 4] = [Self::Owner, Self::Admin, Self::AssetManager, Self::Viewer];

    /// Its name in the database and the API.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::AssetManager => "asset_manager",
            Self::Viewer => "viewer",
        }
    }

    /// The role table of docs/roles.md, in one place.
    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Owner | Role::Admin => true,
            Role::AssetManager => matches!(permission, View | Upload | Delete),
            Role::Viewer => permission == View,
        }
    }

    /// How much it may do: Owner 3, Admin 2, Asset Manager 1, Viewer 0
    /// (each may do what the ones below may).
    pub fn rank(self) -> u8 {
        match self {
            Role::Owner => 3,
            Role::Admin => 2,
            Role::AssetManager => 1,
            Role::Viewer => 0,
        }
    }

    /// This role, capped at `cap` (the lower of the two): what a token
    /// of role `cap` made by someone of this role may do.
    pub fn at_most(self, cap: Role) -> Role {
        if self.rank() <= cap.rank() {
            self
        } else {
            cap
        }
    }

    /// The roles a token made by someone of this role may have: those at
    /// or below it, Admin at most (a token never manages the space as
    /// its Owner).
    pub fn token_roles(self) -> Vec<Role> {
        [Role::Admin, Role::AssetManager, Role::Viewer]
            .into_iter()
            .filter(|role| role.rank() <= self.rank())
            .collect()
    }

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

    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Admin => "Admin",
            Role::AssetManager => "Asset Manager",
            Role::Viewer => "Viewer",
        }
    }
}

/// One person's role in one space, as the permission check reads it (and
/// remembers it for a few seconds, see `AppState::recent_access`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpaceRole {
    pub space: SpaceId,
    pub slug: String,
    pub name: String,
    pub role: Role,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_capped_by_its_maker() {
        assert_eq!(Role::Owner.at_most(Role::Admin), Role::Admin);
        assert_eq!(Role::Viewer.at_most(Role::Admin), Role::Viewer);
        assert_eq!(
            Role::AssetManager.at_most(Role::AssetManager),
            Role::AssetManager
        );
        assert_eq!(
            Role::Owner.token_roles(),
            [Role::Admin, Role::AssetManager, Role::Viewer]
        );
        assert_eq!(
            Role::AssetManager.token_roles(),
            [Role::AssetManager, Role::Viewer]
        );
        assert!(Role::ALL
            .iter()
            .all(|r| !r.token_roles().contains(&Role::Owner)));
    }
}
