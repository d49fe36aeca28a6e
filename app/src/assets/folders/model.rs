//! Wire types and the pure rules of folders.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::ids::FolderId;
use crate::domain::time::Timestamp;

/// How deep folders may nest: a folder at the top level is at depth 1.
pub const MAX_DEPTH: usize = 20;
/// Folders per page of the Move dialog's picker.
pub const PICKER_PAGE_SIZE: u32 = 100;

/// A live folder as the listing and the picker show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Folder {
    pub id: FolderId,
    pub name: String,
    /// Live folders and assets directly inside.
    pub items: i64,
    pub updated_at: Timestamp,
}

/// One folder of a path, as the breadcrumb links it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub struct Crumb {
    pub id: FolderId,
    pub name: String,
}

/// "Marketing / Campaigns / Spring 25"; "Top level" for the empty path.
pub fn path_label<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let joined = names.into_iter().collect::<Vec<_>>().join(" / ");
    if joined.is_empty() {
        TOP_LEVEL.to_owned()
    } else {
        joined
    }
}

/// What the breadcrumb and the picker call the space's top level.
pub const TOP_LEVEL: &str = "All assets";

/// Where a search or an "all matching" change looks: the direct contents
/// of the top level or of one folder. No `Within` is the whole space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Within {
    TopLevel,
    Folder(FolderId),
}

impl Within {
    pub fn of(folder: Option<FolderId>) -> Self {
        folder.map_or(Self::TopLevel, Self::Folder)
    }

    pub fn folder(&self) -> Option<FolderId> {
        match self {
            Self::TopLevel => None,
            Self::Folder(id) => Some(*id),
        }
    }
}

/// One level of the Move dialog's picker: where it is, and a page of the
/// folders inside.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FolderPage {
    /// From the top level down to the folder listed; empty at the top.
    pub path: Vec<Crumb>,
    pub folders: Vec<Folder>,
    /// Cursor for more folders here, when there are more.
    pub next: Option<String>,
}

/// What a move into a folder did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MoveItemsOutcome {
    pub folders: u64,
    pub assets: u64,
}

/// "3 folders and 12 assets", "1 folder", "2 assets": a mix, counted.
pub fn mix_count(folders: u64, assets: u64) -> String {
    mix_with_inside(folders, None, assets)
}

/// [`mix_count`] saying how many assets the folders hold: "2 folders (37
/// assets inside) and 5 assets".
pub fn mix_with_inside(folders: u64, inside: Option<u64>, assets: u64) -> String {
    let assets_part = crate::domain::format::assets_count(assets);
    if folders == 0 {
        return assets_part;
    }
    let mut folders_part = if folders == 1 {
        "1 folder".to_owned()
    } else {
        format!("{folders} folders")
    };
    if let Some(inside) = inside {
        folders_part.push_str(&format!(
            " ({} inside)",
            crate::domain::format::assets_count(inside)
        ));
    }
    if assets == 0 {
        folders_part
    } else {
        format!("{folders_part} and {assets_part}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(path_label([]), "All assets");
        assert_eq!(
            path_label(["Marketing", "Spring 25"]),
            "Marketing / Spring 25"
        );
        assert_eq!(mix_count(2, 5), "2 folders and 5 assets");
        assert_eq!(mix_count(1, 0), "1 folder");
        assert_eq!(mix_count(0, 1), "1 asset");
        assert_eq!(
            mix_with_inside(2, Some(37), 5),
            "2 folders (37 assets inside) and 5 assets"
        );
        assert_eq!(mix_with_inside(1, Some(1), 0), "1 folder (1 asset inside)");
        assert_eq!(
            serde_json::to_string(&Within::Folder(FolderId(4))).unwrap(),
            r#"{"folder":4}"#
        );
        assert_eq!(
            serde_json::to_string(&Within::TopLevel).unwrap(),
            r#""top_level""#
        );
    }
}
