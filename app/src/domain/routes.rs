//! Every path the UI links to, redirects to or calls, built in one place.
//! A space's slug is always percent-encoded as one path segment (or query
//! value), so no caller has to remember to. The routers' own patterns
//! (`lib.rs`, `server/src/lib.rs`) name the same shapes.

use crate::domain::encoding::component;
use crate::domain::ids::AssetId;
use crate::domain::paging::query_string;

/// The sign-in page.
pub const LOGIN: &str = "/login";

/// `/login?next=…`: sign in, then come back to `next`.
pub fn login_then(next: &str) -> String {
    format!("{LOGIN}{}", query_string(&[("next", next)]))
}

/// `/spaces/{space}`: the root of everything in one space.
fn space_root(space: &str) -> String {
    format!("/spaces/{}", component(space))
}

/// `/spaces/{space}/assets`: the listing, without search, sort or page.
pub fn assets(space: &str) -> String {
    format!("{}/assets", space_root(space))
}

/// `/spaces/{space}/assets/{id}`: one asset's details.
pub fn asset(space: &str, id: AssetId) -> String {
    format!("{}/assets/{}", space_root(space), id.0)
}

/// `/spaces/{space}/settings`: Space Settings, General.
pub fn settings(space: &str) -> String {
    format!("{}/settings", space_root(space))
}

/// `/spaces/{space}/settings/trash`: the Trash page, unfiltered.
pub fn trash(space: &str) -> String {
    format!("{}/trash", settings(space))
}

/// `/spaces/{space}/settings/tokens`: the space's API tokens.
pub fn tokens(space: &str) -> String {
    format!("{}/tokens", settings(space))
}

/// `/files/{space}`: where a space's files are served from.
fn files_root(space: &str) -> String {
    format!("/files/{}", component(space))
}

/// `/files/{space}/{id}/download`: the original, as an attachment.
pub fn download(space: &str, id: AssetId) -> String {
    format!("{}/{}/download", files_root(space), id.0)
}

/// `/files/{space}/{id}/thumbnail`: a live asset's thumbnail.
pub fn thumbnail(space: &str, id: AssetId) -> String {
    format!("{}/{}/thumbnail", files_root(space), id.0)
}

/// `/files/{space}/trash/{id}/thumbnail`: a trashed asset's thumbnail.
pub fn trash_thumbnail(space: &str, id: AssetId) -> String {
    format!("{}/trash/{}/thumbnail", files_root(space), id.0)
}

/// `/api/upload?space={space}`: where a multipart upload goes.
pub fn upload(space: &str) -> String {
    format!("/api/upload{}", query_string(&[("space", space)]))
}

/// `/api/upload?space={space}&name={name}[&folder={id}]`: where the
/// uploader sends each file as the request body, into `folder` (the top
/// level for `None`).
pub fn upload_named(
    space: &str,
    name: &str,
    folder: Option<crate::domain::ids::FolderId>,
) -> String {
    let folder = folder.map(|f| f.0.to_string());
    let mut pairs = vec![("space", space), ("name", name)];
    if let Some(folder) = &folder {
        pairs.push(("folder", folder));
    }
    format!("/api/upload{}", query_string(&pairs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_keep_their_shape() {
        let id = AssetId(42);
        assert_eq!(assets("product"), "/spaces/product/assets");
        assert_eq!(asset("product", id), "/spaces/product/assets/42");
        assert_eq!(settings("product"), "/spaces/product/settings");
        assert_eq!(trash("product"), "/spaces/product/settings/trash");
        assert_eq!(download("product", id), "/files/product/42/download");
        assert_eq!(thumbnail("product", id), "/files/product/42/thumbnail");
        assert_eq!(
            trash_thumbnail("product", id),
            "/files/product/trash/42/thumbnail"
        );
        assert_eq!(upload("product"), "/api/upload?space=product");
        assert_eq!(
            login_then("/spaces/x/assets?q=a b"),
            "/login?next=%2Fspaces%2Fx%2Fassets%3Fq%3Da%20b"
        );
    }

    #[test]
    fn the_space_is_one_segment() {
        assert_eq!(assets("a/b ü"), "/spaces/a%2Fb%20%C3%BC/assets");
        assert_eq!(download("a?b", AssetId(1)), "/files/a%3Fb/1/download");
        assert_eq!(upload("a&b"), "/api/upload?space=a%26b");
        assert_eq!(
            upload_named("a", "50% off & more.png", None),
            "/api/upload?space=a&name=50%25%20off%20%26%20more.png"
        );
    }
}
