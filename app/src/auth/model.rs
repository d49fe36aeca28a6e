//! Roles and permissions (DESIGN.md §1), shared by the server and the UI.

use serde::{Deserialize, Serialize};

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    AssetManager,
    Viewer,
}

impl Role {
    /// The role table of DESIGN.md §1, in one place.
    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Owner | Role::Admin => true,
            Role::AssetManager => matches!(permission, View | Upload | Delete),
            Role::Viewer => permission == View,
        }
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

/// The signed-in person, as the UI shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
}

/// Where to go after signing in: only paths on this site, never `//host`
/// or a URL with a scheme (no open redirects).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.contains(['\r', '\n'])
                && !path.starts_with("/login") =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_role_table() {
        use Permission::*;
        let all = [View, Upload, Delete, Purge, Manage];
        for p in all {
            assert!(Role::Owner.allows(p));
            assert!(Role::Admin.allows(p));
        }
        assert!(Role::AssetManager.allows(Delete));
        assert!(!Role::AssetManager.allows(Purge));
        assert!(!Role::AssetManager.allows(Manage));
        assert!(Role::Viewer.allows(View));
        assert!([Upload, Delete, Purge, Manage]
            .iter()
            .all(|p| !Role::Viewer.allows(*p)));
    }

    #[test]
    fn roles_parse_leniently() {
        assert_eq!(Role::parse("Owner"), Some(Role::Owner));
        assert_eq!(Role::parse("asset-manager"), Some(Role::AssetManager));
        assert_eq!(Role::parse("Asset Manager"), Some(Role::AssetManager));
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(
            safe_next(Some("/spaces/product/assets?q=a")),
            "/spaces/product/assets?q=a"
        );
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil",
            "javascript:alert(1)",
            "",
            "/login",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
