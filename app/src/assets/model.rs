//! Types that cross the wire for the Assets listing.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::folders::model::{Crumb, Folder, Within};
use crate::domain::ids::{AssetId, FolderId};
use crate::domain::paging::{query_string, KeysetPage, ListingQuery, PageAt};
use crate::domain::time::Timestamp;

/// Listing page size: enough to scan, small enough to render instantly.
pub const PAGE_SIZE: u32 = 50;

/// The broad family of an asset, derived from its MIME type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AssetKind {
    Image,
    Document,
    Video,
    Audio,
    Other,
}

#[cfg(feature = "ssr")]
crate::platform::db::text_enum!(AssetKind, AssetKind::ALL, AssetKind::as_str);

impl AssetKind {
    pub fn from_mime(mime: &str) -> Self {
        match mime.split('/').next().unwrap_or_default() {
            "image" => Self::Image,
            "video" => Self::Video,
            "audio" => Self::Audio,
            "text" => Self::Document,
            _ if mime == "application/pdf" || mime == "application/json" => Self::Document,
            _ => Self::Other,
        }
    }

    pub const ALL: [Self; 5] = [
        Self::Image,
        Self::Document,
        Self::Video,
        Self::Audio,
        Self::Other,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::Document => "document",
            Self::Video => "video",
            Self::Audio => "audio",
            Self::Other => "other",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == value)
    }

    /// "Images", "Documents": how a filter names the family.
    pub fn plural_label(&self) -> &'static str {
        match self {
            Self::Image => "Images",
            Self::Document => "Documents",
            Self::Video => "Video",
            Self::Audio => "Audio",
            Self::Other => "Other files",
        }
    }

    /// A few letters that stand in for a thumbnail.
    pub fn badge(&self) -> &'static str {
        match self {
            Self::Image => "IMG",
            Self::Document => "DOC",
            Self::Video => "VID",
            Self::Audio => "AUD",
            Self::Other => "FILE",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Asset {
    pub id: AssetId,
    pub name: String,
    pub mime_type: String,
    pub kind: AssetKind,
    pub size_bytes: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub has_thumbnail: bool,
    /// Last modification.
    pub updated_at: Timestamp,
    /// The folder it is in; `None` at the top level.
    #[serde(default)]
    pub folder: Option<FolderId>,
    /// How many sources use it (`PUT /api/references`); 0: not in use.
    #[serde(default)]
    pub used_in: i64,
}

/// "big.mov is larger than the upload limit of 100 MB.": said by the
/// browser before sending such a file, and by the server if one arrives.
pub fn too_large_message(what: &str, limit_bytes: u64) -> String {
    format!(
        "{what} is larger than the upload limit of {}.",
        crate::domain::format::format_size(i64::try_from(limit_bytes).unwrap_or(i64::MAX))
    )
}

pub use crate::domain::names::MAX_NAME_CHARS;

/// One asset with who uploaded it, for the details page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AssetDetails {
    pub asset: Asset,
    pub uploaded_by: Option<String>,
    pub uploaded_at: Timestamp,
    /// The folders it is in, from the top level down (empty at the top).
    #[serde(default)]
    pub location: Vec<Crumb>,
}

impl Asset {
    /// Where the original is downloaded from (as an attachment).
    pub fn download_url(&self, space_slug: &str) -> String {
        crate::domain::routes::download(space_slug, self.id)
    }

    pub fn thumbnail_url(&self, space_slug: &str) -> Option<String> {
        self.has_thumbnail
            .then(|| crate::domain::routes::thumbnail(space_slug, self.id))
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SortKey {
    Name,
    #[default]
    Modified,
    Size,
}

impl SortKey {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Modified => "modified",
            Self::Size => "size",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "name" => Some(Self::Name),
            "modified" => Some(Self::Modified),
            "size" => Some(Self::Size),
            _ => None,
        }
    }

    /// What a click on a column header sorts by first: A→Z for names,
    /// newest and largest first for the rest.
    pub fn default_dir(&self) -> SortDir {
        match self {
            Self::Name => SortDir::Asc,
            Self::Modified | Self::Size => SortDir::Desc,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SortDir {
    Asc,
    Desc,
}

impl SortDir {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Asc => "asc",
            Self::Desc => "desc",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "asc" => Some(Self::Asc),
            "desc" => Some(Self::Desc),
            _ => None,
        }
    }

    pub fn flip(&self) -> Self {
        match self {
            Self::Asc => Self::Desc,
            Self::Desc => Self::Asc,
        }
    }
}

/// The listing's Usage filter: assets some source uses
/// (`PUT /api/references`), or those none does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Usage {
    InUse,
    NotInUse,
}

impl Usage {
    /// As the URL's `usage` writes it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::InUse => "in_use",
            Self::NotInUse => "not_in_use",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "in_use" => Some(Self::InUse),
            "not_in_use" => Some(Self::NotInUse),
            _ => None,
        }
    }

    /// "in use", "not in use": how a sentence names the filter.
    pub fn words(&self) -> &'static str {
        match self {
            Self::InUse => "in use",
            Self::NotInUse => "not in use",
        }
    }
}

/// "All assets matching": what a change to a whole search result names
/// instead of ids (an empty search is the whole space). Unknown fields are
/// refused: a mistyped filter must not be dropped and widen the set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Matching {
    #[serde(default)]
    pub search: String,
    /// Only the assets directly in the top level or one folder; without
    /// it, the search covers every folder.
    #[serde(default)]
    pub within: Option<Within>,
    /// Only the assets in use, or only those not in use (the listing's
    /// Usage filter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
}

/// What a listing covers: the folder shown, or every folder of the space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SearchScope {
    Folder,
    All,
}

/// What the Assets page shows, as kept in its URL query string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ListQuery {
    /// The folder shown; the top level for `None`.
    pub folder: Option<FolderId>,
    /// A search covers only the folder shown (else every folder).
    pub this_folder: bool,
    pub search: String,
    /// The Usage filter (`usage=in_use` or `not_in_use`).
    pub usage: Option<Usage>,
    pub sort: SortKey,
    pub dir: Option<SortDir>,
    pub at: PageAt,
}

impl ListQuery {
    /// Reads the query string leniently: unknown values fall back to defaults,
    /// the server validates what it is sent.
    pub fn from_pairs<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Self {
        let at = PageAt::from_pairs(&get);
        Self {
            folder: get("folder")
                .and_then(|f| f.parse().ok())
                .filter(|id| *id > 0)
                .map(FolderId),
            this_folder: get("scope") == Some("folder"),
            search: get("q").unwrap_or_default().to_owned(),
            usage: get("usage").and_then(Usage::parse),
            sort: get("sort").and_then(SortKey::parse).unwrap_or_default(),
            dir: get("dir").and_then(SortDir::parse),
            at,
        }
    }

    pub fn effective_dir(&self) -> SortDir {
        self.dir.unwrap_or_else(|| self.sort.default_dir())
    }

    /// The same listing, sorted by `key`: toggles the direction when it is
    /// already the sort, and starts again from the first page.
    pub fn sorted_by(&self, key: SortKey) -> Self {
        let dir = if self.sort == key {
            self.effective_dir().flip()
        } else {
            key.default_dir()
        };
        Self {
            search: self.search.clone(),
            usage: self.usage,
            sort: key,
            folder: self.folder,
            this_folder: self.this_folder,
            dir: Some(dir),
            at: PageAt::First,
        }
    }
}

impl ListQuery {
    /// Where the listing looks: the folder shown, unless a search covers
    /// every folder (`None`).
    pub fn within(&self) -> Option<Within> {
        let searching = !self.search.trim().is_empty();
        (!searching || self.this_folder).then(|| Within::of(self.folder))
    }

    /// The listing of `folder` in the same sort, from its first page,
    /// without a search.
    pub fn open(&self, folder: Option<FolderId>) -> Self {
        Self {
            folder,
            sort: self.sort,
            dir: self.dir,
            ..Self::default()
        }
    }
}

impl ListingQuery for ListQuery {
    fn at(&self, at: PageAt) -> Self {
        Self { at, ..self.clone() }
    }

    /// E.g. `?q=logo&sort=name&dir=asc`.
    fn to_query_string(&self) -> String {
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        let folder = self.folder.map(|f| f.0.to_string());
        if let Some(folder) = &folder {
            pairs.push(("folder", folder));
        }
        if self.this_folder {
            pairs.push(("scope", "folder"));
        }
        if !self.search.is_empty() {
            pairs.push(("q", &self.search));
        }
        if let Some(usage) = self.usage {
            pairs.push(("usage", usage.as_str()));
        }
        if self.sort != SortKey::default() || self.dir.is_some() {
            pairs.push(("sort", self.sort.as_str()));
        }
        if let Some(dir) = self.dir {
            pairs.push(("dir", dir.as_str()));
        }
        self.at.push_pairs(&mut pairs);
        query_string(&pairs)
    }
}

/// Where a search result is: its folder's path from the top level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Location {
    pub folder: FolderId,
    /// "Marketing / Spring 25".
    pub path: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AssetPage {
    /// The folder listed, from the top level down (empty at the top level
    /// and for a search of all folders).
    #[serde(default)]
    pub path: Vec<Crumb>,
    /// The page's folders, before its assets (none while searching).
    #[serde(default)]
    pub folders: Vec<Folder>,
    pub items: Vec<Asset>,
    /// Live folders directly in the folder listed (0 while searching).
    #[serde(default)]
    pub folder_total: i64,
    /// The folders of a search's results, for the results' "Location".
    #[serde(default)]
    pub locations: Vec<Location>,
    /// Live assets matching the search, across all pages.
    pub total: i64,
    /// `total` is a lower bound: a search matched more than
    /// `paging::MATCH_COUNT_CAP` assets and they were not all counted.
    #[serde(default)]
    pub total_capped: bool,
    /// Cursor for the next page, when there is one.
    pub next: Option<String>,
    /// Cursor for the previous page, when there is one.
    pub prev: Option<String>,
}

impl KeysetPage for AssetPage {
    fn cursors(&self) -> (Option<String>, Option<String>) {
        (self.prev.clone(), self.next.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(query: &[(&'static str, &'static str)]) -> ListQuery {
        ListQuery::from_pairs(|key| query.iter().find(|(k, _)| *k == key).map(|(_, v)| *v))
    }

    #[test]
    fn query_string_round_trips() {
        let query = from(&[
            ("q", "logo & co"),
            ("sort", "name"),
            ("dir", "desc"),
            ("after", "abc"),
        ]);
        assert_eq!(query.search, "logo & co");
        assert_eq!(query.sort, SortKey::Name);
        assert_eq!(query.effective_dir(), SortDir::Desc);
        assert_eq!(query.at, PageAt::After("abc".into()));
        assert_eq!(
            query.to_query_string(),
            "?q=logo%20%26%20co&sort=name&dir=desc&after=abc"
        );
        assert_eq!(ListQuery::default().to_query_string(), "");
    }

    #[test]
    fn the_usage_filter_rides_in_the_query_and_survives_sorting() {
        let query = from(&[("q", "logo"), ("usage", "in_use")]);
        assert_eq!(query.usage, Some(Usage::InUse));
        assert_eq!(query.to_query_string(), "?q=logo&usage=in_use");
        assert_eq!(
            query.sorted_by(SortKey::Name).usage,
            Some(Usage::InUse),
            "sorting keeps the filter"
        );
        assert_eq!(from(&[("usage", "sometimes")]).usage, None);
        assert_eq!(
            from(&[("usage", "not_in_use")]).to_query_string(),
            "?usage=not_in_use"
        );
    }

    #[test]
    fn unknown_values_fall_back_to_defaults() {
        let query = from(&[("sort", "colour"), ("dir", "sideways"), ("after", "")]);
        assert_eq!(query, ListQuery::default());
        assert_eq!(query.effective_dir(), SortDir::Desc);
    }

    #[test]
    fn sorting_toggles_and_resets_the_page() {
        let by_name = from(&[("after", "abc")]).sorted_by(SortKey::Name);
        assert_eq!(
            (by_name.sort, by_name.effective_dir()),
            (SortKey::Name, SortDir::Asc)
        );
        assert_eq!(by_name.at, PageAt::First);
        let flipped = by_name.sorted_by(SortKey::Name);
        assert_eq!(flipped.effective_dir(), SortDir::Desc);
        assert_eq!(
            flipped.sorted_by(SortKey::Size).effective_dir(),
            SortDir::Desc
        );
    }

    #[test]
    fn kinds_from_mime() {
        assert_eq!(AssetKind::from_mime("image/png"), AssetKind::Image);
        assert_eq!(AssetKind::from_mime("application/pdf"), AssetKind::Document);
        assert_eq!(AssetKind::from_mime("text/csv"), AssetKind::Document);
        assert_eq!(AssetKind::from_mime("audio/wav"), AssetKind::Audio);
        assert_eq!(AssetKind::from_mime("application/zip"), AssetKind::Other);
    }
}
