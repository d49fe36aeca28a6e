//! What auth shares with the UI: memberships, the current space, the
//! signed-in user, and where to go after signing in. Roles and permissions
//! live in `crate::domain::roles`.

use leptos::prelude::RwSignal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::ids::UserId;
use crate::spaces::model::Space;

pub use crate::domain::roles::{Permission, Role};

/// A space as one member sees it: with their role there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Membership {
    pub space: Space,
    pub role: Role,
    /// How many days the space keeps deleted items (what the Delete Assets
    /// dialog promises).
    #[serde(default = "default_retention_days")]
    pub retention_days: u16,
}

fn default_retention_days() -> u16 {
    crate::spaces::model::DEFAULT_RETENTION_DAYS
}

/// The space a page belongs to, provided by the space layout to its pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentSpace {
    pub space: Space,
    pub role: Role,
    /// The space's retention in days, as loaded and as General saves it.
    pub retention_days: RwSignal<u16>,
}

impl CurrentSpace {
    /// What the UI offers follows the same table the server enforces.
    pub fn allows(&self, permission: Permission) -> bool {
        self.role.allows(permission)
    }
}

/// The signed-in person, as the UI shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
}

/// Where to go after signing in: a path on this site, or `/`.
///
/// Browsers parse `next` with the WHATWG URL rules before following it,
/// and those rules drop TAB, CR and LF anywhere and treat `\\` like `/`, so
/// `/\t/evil.example` becomes `//evil.example`, another host. Rather than
/// mirror the parser, only paths that no parser can read as anything but a
/// path on this origin are followed: one leading `/` not followed by `/`
/// or `\\`, and no control character or backslash anywhere. Everything else
/// (and the sign-in page itself) goes to `/`. Characters outside printable
/// ASCII are percent-encoded, so the result is always a valid `Location`
/// header.
pub fn safe_next(next: Option<&str>) -> String {
    let Some(path) = next else {
        return "/".to_owned();
    };
    let stays_here = path.starts_with('/')
        && !path.starts_with("//")
        && !path.chars().any(|c| c.is_control() || c == '\\')
        && !is_sign_in_page(path);
    if !stays_here {
        return "/".to_owned();
    }
    crate::domain::encoding::header_safe(path)
}

fn is_sign_in_page(path: &str) -> bool {
    let page = path.split(['?', '#']).next().unwrap_or_default();
    page == "/login" || page.starts_with("/login/")
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
        assert_eq!(safe_next(Some("/loginhelp")), "/loginhelp");
        assert_eq!(
            safe_next(Some("/spaces/x/assets?q=Grüße 1")),
            "/spaces/x/assets?q=Gr%C3%BC%C3%9Fe%201"
        );
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil",
            "javascript:alert(1)",
            "",
            "/login",
            "/login?next=/x",
            // Browsers drop TAB, CR and LF, so these become `//evil.example`.
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/\t\\evil.example",
            // Control characters are not valid in a Location header.
            "/\u{1}",
            "/a\u{7f}",
            "/a\u{85}b",
            "/a/\\b",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }

    /// Every path `safe_next` lets through, resolved against the site as a
    /// browser does it (the `url` crate implements the WHATWG URL
    /// standard), stays on the site, for every character in every place.
    #[test]
    fn what_is_followed_stays_on_this_origin_by_whatwg_rules() {
        let base = url::Url::parse("http://trove.test:3000/login").unwrap();
        let mut tried = 0;
        for c in (0_u32..0x250).chain([0x2028, 0x202e, 0x3000, 0xfeff, 0xff0f]) {
            let Some(c) = char::from_u32(c) else { continue };
            for template in [
                "/{c}",
                "/{c}/evil.example",
                "{c}/evil.example",
                "/{c}{c}evil.example",
                "/x{c}/y",
                "/{c}\\evil",
            ] {
                let next = template.replace("{c}", &c.to_string());
                let followed = safe_next(Some(&next));
                let resolved = base.join(&followed).unwrap();
                assert_eq!(
                    resolved.origin(),
                    base.origin(),
                    "{next:?} became {followed:?}, which leaves the site"
                );
                assert!(
                    http::HeaderValue::from_str(&followed).is_ok(),
                    "{followed:?} is not a valid header value"
                );
                tried += 1;
            }
        }
        assert!(tried > 3_000);
    }
}
