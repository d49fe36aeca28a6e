//! Wire types and the pure rules of Trash.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::assets::model::AssetKind;
use crate::domain::ids::{AssetId, BatchId, FolderId, UserId};
use crate::domain::paging::{query_string, KeysetPage, ListingQuery, PageAt};
use crate::domain::time::{Day, Timestamp, MILLIS_PER_DAY};

mod summary;

pub use summary::restored_summary;

pub use crate::spaces::model::{DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS, MIN_RETENTION_DAYS};
/// The default retention as a span: the 14 days of a space left as it is.
pub const DEFAULT_RETENTION_MILLIS: i64 = DEFAULT_RETENTION_DAYS as i64 * MILLIS_PER_DAY;
/// Rows with less than this left are marked in Trash, and the banner counts
/// what expires within it.
pub const EXPIRES_SOON_DAYS: u16 = 3;

/// The deadline a row gets when it is moved to Trash: `retention_days`
/// after `deleted_at`. It is stored with the row, so that a later change of
/// the space's retention never takes away time already promised.
pub fn expiry(deleted_at: Timestamp, retention_days: u16) -> Timestamp {
    deleted_at.plus_millis(i64::from(retention_days) * MILLIS_PER_DAY)
}

/// Restorable while `now < expires_at`: the one rule that the Trash list,
/// restore and the purge share (`expires_at` is `deleted_at` + the
/// retention when it was deleted, or later if the retention grew since).
pub fn is_restorable(expires_at: Timestamp, now: Timestamp) -> bool {
    now < expires_at
}

/// Whether a row has less than [`EXPIRES_SOON_DAYS`] left.
pub fn expires_soon(expires_at: Timestamp, now: Timestamp) -> bool {
    expires_at.millis_since(now) < i64::from(EXPIRES_SOON_DAYS) * MILLIS_PER_DAY
}

/// "14 days left", "1 day left", "Less than a day left": the time until the
/// asset is removed for good, to the nearest day, so that an asset deleted
/// a moment ago in a space keeping 14 days has "14 days left" and one
/// deleted 13 days ago "1 day left"; under 12 hours it is "Less than a day
/// left".
pub fn days_left_label(expires_at: Timestamp, now: Timestamp) -> String {
    let left = expires_at.millis_since(now);
    match (left + MILLIS_PER_DAY / 2).div_euclid(MILLIS_PER_DAY) {
        d if d <= 0 => "Less than a day left".to_owned(),
        1 => "1 day left".to_owned(),
        d => format!("{d} days left"),
    }
}

/// A trashed asset as the Trash page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TrashedAsset {
    pub id: AssetId,
    pub name: String,
    pub mime_type: String,
    pub kind: AssetKind,
    pub has_thumbnail: bool,
    pub deleted_by: Option<String>,
    pub deleted_at: Timestamp,
    /// When it is removed for good (its own deadline, see [`expiry`]).
    #[serde(default)]
    pub expires_at: Timestamp,
    /// Computed on the server from its clock, so every viewer agrees.
    pub days_left: String,
    /// Less than [`EXPIRES_SOON_DAYS`] left: marked in Trash.
    #[serde(default)]
    pub expires_soon: bool,
    /// "Original location": the path of the folder it was in.
    #[serde(default)]
    pub location: String,
    /// How many sources still use it: references stay while it is in
    /// Trash, and go with it when it is deleted for good.
    #[serde(default)]
    pub used_in: i64,
}

/// A deleted folder as the Trash page shows it: one row for it and
/// everything deleted with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TrashedFolder {
    pub id: crate::domain::ids::FolderId,
    pub name: String,
    /// Assets deleted with it, inside it.
    pub assets: i64,
    pub deleted_by: Option<String>,
    pub deleted_at: Timestamp,
    #[serde(default)]
    pub expires_at: Timestamp,
    pub days_left: String,
    #[serde(default)]
    pub expires_soon: bool,
    /// "Original location": the path of the folder it was in.
    pub location: String,
}

pub use crate::assets::model::Matching;

/// "All of Trash matching": the Trash page's filters, which a restore or a
/// permanent deletion names instead of ids (no filter at all is the whole
/// of Trash). Unknown fields are refused, as for [`Matching`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrashMatching {
    #[serde(default)]
    pub search: String,
    #[serde(default)]
    pub deleted_by: Option<UserId>,
    #[serde(default)]
    pub kind: Option<AssetKind>,
    /// "Deleted on" from this day…
    #[serde(default)]
    pub from: Option<Day>,
    /// …to this day, both included, in the zone `tz` minutes behind UTC.
    #[serde(default)]
    pub to: Option<Day>,
    #[serde(default)]
    pub tz: i32,
    /// "Expires": only what is removed for good within this many days.
    #[serde(default)]
    pub expires_within: Option<u16>,
}

impl TrashMatching {
    /// Whether a search or filter narrows Trash.
    pub fn is_filtered(&self) -> bool {
        !self.search.trim().is_empty() || self.has_filters_besides_search()
    }

    /// Whether "Deleted by", the type or the days narrow Trash.
    pub fn has_filters_besides_search(&self) -> bool {
        self.deleted_by.is_some()
            || self.kind.is_some()
            || self.from.is_some()
            || self.to.is_some()
            || self.expires_within.is_some()
    }
}

/// Someone who has assets in this space's Trash, for the "Deleted by" filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Deleter {
    pub id: UserId,
    pub name: String,
}

/// One page of Trash, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TrashPage {
    /// Deleted folders on this page, before its assets.
    #[serde(default)]
    pub folders: Vec<TrashedFolder>,
    /// Deleted folders matching the filters, across all pages.
    #[serde(default)]
    pub folder_total: i64,
    pub items: Vec<TrashedAsset>,
    /// Restorable assets matching the filters, across all pages.
    pub total: i64,
    /// `total` is a lower bound (see `AssetPage::total_capped`).
    #[serde(default)]
    pub total_capped: bool,
    pub next: Option<String>,
    pub prev: Option<String>,
    /// Everyone with assets in this space's Trash (for the filter).
    pub deleters: Vec<Deleter>,
    /// How many days the space keeps deleted items now (its heading line).
    #[serde(default = "default_retention_days")]
    pub retention_days: u16,
    /// Items (top rows, whatever the filters) removed for good within
    /// [`EXPIRES_SOON_DAYS`]: the banner's number.
    #[serde(default)]
    pub expiring_soon: i64,
}

fn default_retention_days() -> u16 {
    DEFAULT_RETENTION_DAYS
}

impl KeysetPage for TrashPage {
    fn cursors(&self) -> (Option<String>, Option<String>) {
        (self.prev.clone(), self.next.clone())
    }
}

/// Rows on one page of Trash.
pub const TRASH_PAGE_SIZE: u32 = 50;

/// What the Trash page shows, as kept in its URL query string
/// (`?q=logo&by=3&type=image&after=…`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TrashQuery {
    pub search: String,
    pub deleted_by: Option<UserId>,
    pub kind: Option<AssetKind>,
    /// "Deleted on" from this day…
    pub from: Option<Day>,
    /// …to this day, both included, in the reader's zone:
    pub to: Option<Day>,
    /// minutes the reader's clock is behind UTC (`getTimezoneOffset`).
    pub tz: i32,
    /// "Expires": within this many days.
    pub expires_within: Option<u16>,
    pub at: PageAt,
}

impl TrashQuery {
    /// Reads the query string leniently; the server validates what it is sent.
    pub fn from_pairs<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Self {
        Self {
            search: get("q").unwrap_or_default().to_owned(),
            deleted_by: get("by")
                .and_then(|v| v.parse().ok())
                .filter(|id| *id > 0)
                .map(UserId),
            kind: get("type").and_then(AssetKind::parse),
            from: get("from").and_then(Day::parse),
            to: get("to").and_then(Day::parse),
            tz: get("tz").and_then(|v| v.parse().ok()).unwrap_or_default(),
            expires_within: get("expires").and_then(|v| v.parse().ok()),
            at: PageAt::from_pairs(&get),
        }
    }

    /// The filters without the page: what "all matching" names.
    pub fn matching(&self) -> TrashMatching {
        TrashMatching {
            search: self.search.clone(),
            deleted_by: self.deleted_by,
            kind: self.kind,
            from: self.from,
            to: self.to,
            tz: self.tz,
            expires_within: self.expires_within,
        }
    }

    /// Whether a search or filter narrows the list.
    pub fn is_filtered(&self) -> bool {
        self.matching().is_filtered()
    }
}

impl ListingQuery for TrashQuery {
    fn at(&self, at: PageAt) -> Self {
        Self { at, ..self.clone() }
    }

    fn to_query_string(&self) -> String {
        let by = self.deleted_by.map(|id| id.0.to_string());
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        if !self.search.is_empty() {
            pairs.push(("q", &self.search));
        }
        if let Some(by) = &by {
            pairs.push(("by", by));
        }
        if let Some(kind) = self.kind {
            pairs.push(("type", kind.as_str()));
        }
        let (from, to, tz) = (
            self.from.map(|d| d.as_iso()),
            self.to.map(|d| d.as_iso()),
            self.tz.to_string(),
        );
        if let Some(from) = &from {
            pairs.push(("from", from));
        }
        if let Some(to) = &to {
            pairs.push(("to", to));
        }
        if (from.is_some() || to.is_some()) && self.tz != 0 {
            pairs.push(("tz", &tz));
        }
        let expires = self.expires_within.map(|days| days.to_string());
        if let Some(expires) = &expires {
            pairs.push(("expires", expires));
        }
        self.at.push_pairs(&mut pairs);
        query_string(&pairs)
    }
}

/// What `delete_permanently` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeletePermanentlyOutcome {
    /// Assets deleted, listed or inside deleted folders.
    pub deleted: u64,
    /// Ids that were not in Trash (restored meanwhile): left alone.
    pub skipped: u64,
    /// Listed folders deleted, with everything of their batch inside.
    #[serde(default)]
    pub folders: u64,
    /// Listed folders that were not in Trash.
    #[serde(default)]
    pub folders_skipped: u64,
    /// The request was a dry run: this is what it would have done, and
    /// nothing changed.
    #[serde(default)]
    pub dry_run: bool,
}

/// What one purge run removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgeReport {
    /// Expired assets whose rows were deleted.
    pub assets: u64,
    /// Expired folders deleted after them.
    #[serde(default)]
    pub folders: u64,
    /// Stored files (originals and thumbnails) removed for them.
    pub files: u64,
    /// Files with no row (crash leftovers, stale temporary files) removed.
    pub orphans: u64,
}

/// What `restore_from_trash` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RestoreFromTrashOutcome {
    /// Assets restored, listed or inside restored folders.
    pub restored: u64,
    /// Ids that were not in Trash.
    pub skipped: u64,
    /// Folders restored: listed, inside them, or above what was restored.
    #[serde(default)]
    pub folders: u64,
    /// Listed folders that were not in Trash.
    #[serde(default)]
    pub folders_skipped: u64,
    /// Folders that came back under a new name, as (old, new), because a
    /// folder beside them has the name now.
    #[serde(default)]
    pub renamed: Vec<(String, String)>,
    /// Rows restored at the top level because their folder was deleted for
    /// good.
    #[serde(default)]
    pub to_top_level: u64,
    /// The request was a dry run: this is what it would have done, and
    /// nothing changed.
    #[serde(default)]
    pub dry_run: bool,
}

/// What `move_to_trash` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MoveOutcome {
    /// Listed (or matching) assets moved to Trash by this request.
    pub moved: u64,
    /// Listed assets that were already in Trash.
    pub skipped: u64,
    /// Listed folders moved to Trash…
    #[serde(default)]
    pub folders: u64,
    /// …with this many assets inside them.
    #[serde(default)]
    pub inside: u64,
    /// Listed folders that were already in Trash.
    #[serde(default)]
    pub folders_skipped: u64,
    /// The batch id, for Undo and the audit log.
    pub batch: BatchId,
    /// The request was a dry run: this is what it would have done, and
    /// nothing changed.
    #[serde(default)]
    pub dry_run: bool,
    /// With `keep_in_use`: the assets of the request that some source uses
    /// (listed, matching, or inside a listed folder), left where they
    /// are. Empty without it.
    #[serde(default)]
    pub kept_in_use: Vec<AssetId>,
    /// With `keep_in_use`: the listed folders left where they are, with
    /// everything inside, because they hold an asset in use.
    #[serde(default)]
    pub kept_folders: Vec<FolderId>,
}

/// What a move to Trash would do to the assets in use among its target:
/// the answer of `usage_of_selection`, which the Delete Assets dialog asks
/// when it opens. Read, not a dry run: nothing is locked or changed, and
/// the move checks again under the write lock.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SelectionUsage {
    /// Assets the move would take to Trash: listed, matching, and live
    /// inside the listed folders (at any depth), each once.
    pub assets: u64,
    /// How many of them some source uses.
    pub in_use: u64,
    /// With `matching`: how many assets match now (the count to confirm
    /// without `keep_in_use`).
    #[serde(default)]
    pub matching: Option<u64>,
    /// With `keep_in_use`: how many assets would move (those not in use,
    /// outside the folders kept)…
    pub moving_if_kept: u64,
    /// …the `expected_count` to confirm with `matching` (the matching
    /// assets not in use); absent for listed ids…
    #[serde(default)]
    pub expected_if_kept: Option<u64>,
    /// …and the listed folders that would stay, holding an asset in use.
    #[serde(default)]
    pub kept_folders: Vec<FolderId>,
    /// Up to five of the assets in use, by name, with where each is used.
    #[serde(default)]
    pub examples: Vec<InUseAsset>,
}

/// An asset in use, as the Delete Assets dialog names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InUseAsset {
    pub id: AssetId,
    pub name: String,
    /// How many sources use it.
    pub used_in: i64,
    /// The first few of them, by title.
    pub sources: Vec<crate::assets::usage::model::Source>,
}

/// What `restore_batch` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RestoreOutcome {
    /// Assets restored.
    pub restored: u64,
    /// Folders restored.
    #[serde(default)]
    pub folders: u64,
    /// Folders renamed as they came back (see `RestoreFromTrashOutcome`).
    #[serde(default)]
    pub renamed: Vec<(String, String)>,
    #[serde(default)]
    pub to_top_level: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = MILLIS_PER_DAY;

    #[test]
    fn restorable_until_exactly_fourteen_days() {
        let deleted = Timestamp::from_millis(1_000_000);
        let expires = expiry(deleted, DEFAULT_RETENTION_DAYS);
        let after = |millis| deleted.plus_millis(millis);
        let second = 1000;
        assert!(is_restorable(expires, deleted));
        assert!(is_restorable(expires, after(14 * DAY - 60 * second)));
        assert!(is_restorable(expires, after(14 * DAY - 1)));
        assert!(!is_restorable(expires, after(14 * DAY)));
        assert!(!is_restorable(expires, after(14 * DAY + second)));
        // 13 days 23 hours 59 minutes: still restorable.
        let almost = 13 * DAY + 23 * 60 * 60 * second + 59 * 60 * second;
        assert!(is_restorable(expires, after(almost)));
    }

    #[test]
    fn the_deadline_follows_the_retention_it_was_given() {
        let deleted = Timestamp::from_millis(1_000_000);
        assert_eq!(expiry(deleted, 1), deleted.plus_millis(DAY));
        assert_eq!(expiry(deleted, 30), deleted.plus_millis(30 * DAY));
        let expires = expiry(deleted, 30);
        assert!(is_restorable(expires, deleted.plus_millis(29 * DAY)));
        assert!(!is_restorable(expires, deleted.plus_millis(30 * DAY)));
        assert_eq!(days_left_label(expires, deleted), "30 days left");
        assert_eq!(
            days_left_label(expiry(deleted, MAX_RETENTION_DAYS), deleted),
            "365 days left"
        );
    }

    #[test]
    fn soon_is_under_three_days() {
        let now = Timestamp::from_millis(5_000_000_000_000);
        assert!(expires_soon(now.plus_millis(3 * DAY - 1), now));
        assert!(!expires_soon(now.plus_millis(3 * DAY), now));
        assert!(expires_soon(now.plus_millis(1), now));
        assert!(!expires_soon(now.plus_millis(14 * DAY), now));
    }

    #[test]
    fn summaries_name_folders_renames_and_the_top_level() {
        assert_eq!(restored_summary(2, 0, &[], 0), "2 assets restored");
        assert_eq!(
            restored_summary(37, 1, &[("Spring".into(), "Spring (restored)".into())], 1),
            "1 folder and 37 assets restored. “Spring” is back as “Spring (restored)”: a folder there has its name now. 1 came back at the top level: the folder it was in was deleted permanently"
        );
        let moved = MoveOutcome {
            moved: 5,
            skipped: 0,
            folders: 2,
            inside: 37,
            folders_skipped: 0,
            batch: BatchId("b".into()),
            dry_run: false,
            kept_in_use: Vec::new(),
            kept_folders: Vec::new(),
        };
        assert_eq!(
            moved.summary(),
            "2 folders (37 assets inside) and 5 assets moved to Trash"
        );
        let kept = |moved, kept: &[i64], folders: &[i64]| MoveOutcome {
            moved,
            folders: 0,
            inside: 0,
            kept_in_use: kept.iter().copied().map(AssetId).collect(),
            kept_folders: folders.iter().copied().map(FolderId).collect(),
            ..moved_outcome()
        };
        assert_eq!(
            kept(3, &[7, 8], &[]).summary(),
            "3 assets moved to Trash, 2 in use kept"
        );
        assert_eq!(
            kept(1, &[7], &[]).summary(),
            "1 asset moved to Trash, 1 in use kept"
        );
        assert_eq!(
            kept(1, &[7], &[4]).summary(),
            "1 asset moved to Trash, 1 in use kept with the folder holding it"
        );
        assert_eq!(
            kept(0, &[7, 8], &[4, 5]).summary(),
            "0 assets moved to Trash, 2 in use kept with the 2 folders holding them"
        );
    }

    fn moved_outcome() -> MoveOutcome {
        MoveOutcome {
            moved: 0,
            skipped: 0,
            folders: 0,
            inside: 0,
            folders_skipped: 0,
            batch: BatchId("b".into()),
            dry_run: false,
            kept_in_use: Vec::new(),
            kept_folders: Vec::new(),
        }
    }

    #[test]
    fn days_left_at_the_boundaries() {
        let day = MILLIS_PER_DAY;
        let minute = 60_000;
        let deleted = Timestamp::from_millis(1_000_000);
        let expires = expiry(deleted, DEFAULT_RETENTION_DAYS);
        let label_after = |millis| days_left_label(expires, deleted.plus_millis(millis));
        assert_eq!(label_after(0), "14 days left");
        assert_eq!(label_after(5 * minute), "14 days left");
        assert_eq!(label_after(day), "13 days left");
        assert_eq!(label_after(13 * day), "1 day left");
        assert_eq!(label_after(13 * day + 5 * minute), "1 day left");
        assert_eq!(label_after(13 * day + day / 2), "1 day left");
        assert_eq!(label_after(13 * day + day / 2 + 1), "Less than a day left");
        assert_eq!(label_after(14 * day - minute), "Less than a day left");
    }
}
