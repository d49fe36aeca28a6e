//! Wire types of a space's storage, and how its counters add up.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::assets::model::AssetKind;

/// A number of assets and their bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StoredTotal {
    pub assets: u64,
    pub bytes: u64,
}

/// One type's share: live and in Trash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct KindUsage {
    pub kind: AssetKind,
    pub live_assets: u64,
    pub live_bytes: u64,
    pub trash_assets: u64,
    pub trash_bytes: u64,
}

impl KindUsage {
    pub fn empty(kind: AssetKind) -> Self {
        Self {
            kind,
            live_assets: 0,
            live_bytes: 0,
            trash_assets: 0,
            trash_bytes: 0,
        }
    }
}

/// What a space stores (`GET /api/space_usage`): its live assets, its
/// Trash, each of the five types (all of them, zeros included, in the
/// order images, documents, video, audio, other), and its quota.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SpaceStorage {
    pub live: StoredTotal,
    /// What is in Trash: what emptying it frees.
    pub trash: StoredTotal,
    pub by_kind: Vec<KindUsage>,
    /// The space's quota in bytes, if it has one.
    pub quota_bytes: Option<u64>,
    /// The bytes that count against the quota: live and Trash together.
    pub used_bytes: u64,
}

impl SpaceStorage {
    /// The whole from the counters of some types (a type without a row
    /// holds nothing); totals are their sums.
    pub fn from_kinds(rows: impl IntoIterator<Item = KindUsage>, quota_bytes: Option<u64>) -> Self {
        let mut by_kind: Vec<KindUsage> =
            AssetKind::ALL.into_iter().map(KindUsage::empty).collect();
        for row in rows {
            if let Some(slot) = by_kind.iter_mut().find(|slot| slot.kind == row.kind) {
                *slot = row;
            }
        }
        let sum = |f: fn(&KindUsage) -> u64| by_kind.iter().map(f).fold(0_u64, u64::saturating_add);
        let live = StoredTotal {
            assets: sum(|k| k.live_assets),
            bytes: sum(|k| k.live_bytes),
        };
        let trash = StoredTotal {
            assets: sum(|k| k.trash_assets),
            bytes: sum(|k| k.trash_bytes),
        };
        Self {
            live,
            trash,
            by_kind,
            quota_bytes,
            used_bytes: live.bytes.saturating_add(trash.bytes),
        }
    }
}

/// One part of the storage bar: a type's live bytes, or Trash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarPart {
    /// "Images", "Documents", "Video", "Audio", "Other", "Trash".
    pub label: &'static str,
    /// A class suffix for its colour: `image`, …, `trash`.
    pub key: &'static str,
    pub bytes: u64,
    /// Its width in thousandths of the bar (the bar is the quota when one is
    /// set and the space holds less, else what it holds).
    pub per_mille: u64,
}

/// The bar's parts: each type's live bytes, then Trash. Widths are in
/// thousandths (integer arithmetic: no float formatting in the browser
/// bundle), of the quota when set, else of all the space holds; a part that
/// holds anything is at least one thousandth wide, so that it shows.
pub fn bar_parts(usage: &SpaceStorage) -> Vec<BarPart> {
    let whole = usage
        .quota_bytes
        .map_or(usage.used_bytes, |quota| quota.max(usage.used_bytes));
    let part = |label, key, bytes: u64| BarPart {
        label,
        key,
        bytes,
        per_mille: match (bytes, whole) {
            (0, _) | (_, 0) => 0,
            _ => (u128::from(bytes) * 1000 / u128::from(whole)).max(1) as u64,
        },
    };
    let mut parts: Vec<BarPart> = usage
        .by_kind
        .iter()
        .map(|k| part(kind_label(k.kind), k.kind.as_str(), k.live_bytes))
        .collect();
    parts.push(part("Trash", "trash", usage.trash.bytes));
    parts
}

/// "Images", "Documents", "Video", "Audio", "Other": a type in the
/// breakdown.
pub fn kind_label(kind: AssetKind) -> &'static str {
    match kind {
        AssetKind::Other => "Other",
        kind => kind.plural_label(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(kind: AssetKind, live: (u64, u64), trash: (u64, u64)) -> KindUsage {
        KindUsage {
            kind,
            live_assets: live.0,
            live_bytes: live.1,
            trash_assets: trash.0,
            trash_bytes: trash.1,
        }
    }

    #[test]
    fn every_type_shows_and_the_totals_add_up() {
        let usage = SpaceStorage::from_kinds(
            [
                kind(AssetKind::Audio, (2, 300), (1, 50)),
                kind(AssetKind::Image, (5, 1000), (0, 0)),
            ],
            Some(4096),
        );
        let kinds: Vec<AssetKind> = usage.by_kind.iter().map(|k| k.kind).collect();
        assert_eq!(kinds, AssetKind::ALL);
        assert_eq!(usage.by_kind[1], KindUsage::empty(AssetKind::Document));
        assert_eq!(
            usage.live,
            StoredTotal {
                assets: 7,
                bytes: 1300
            }
        );
        assert_eq!(
            usage.trash,
            StoredTotal {
                assets: 1,
                bytes: 50
            }
        );
        assert_eq!(usage.used_bytes, 1350);
        assert_eq!(usage.quota_bytes, Some(4096));
        let empty = SpaceStorage::from_kinds([], None);
        assert_eq!(empty.used_bytes, 0);
        assert_eq!(empty.by_kind.len(), 5);
    }

    #[test]
    fn the_bar_is_of_the_quota_or_of_what_the_space_holds() {
        let usage = SpaceStorage::from_kinds(
            [
                kind(AssetKind::Image, (1, 500), (0, 0)),
                kind(AssetKind::Video, (1, 1), (1, 250)),
            ],
            None,
        );
        let parts = bar_parts(&usage);
        let labels: Vec<&str> = parts.iter().map(|p| p.label).collect();
        assert_eq!(
            labels,
            ["Images", "Documents", "Video", "Audio", "Other", "Trash"]
        );
        let widths: Vec<u64> = parts.iter().map(|p| p.per_mille).collect();
        // 1 byte of 751 is still visible.
        assert_eq!(widths, [665, 0, 1, 0, 0, 332]);
        let with_quota = SpaceStorage {
            quota_bytes: Some(1502),
            ..usage.clone()
        };
        assert_eq!(bar_parts(&with_quota)[0].per_mille, 332);
        // Past a lowered quota, the bar is what the space holds.
        let over = SpaceStorage {
            quota_bytes: Some(10),
            ..usage
        };
        assert_eq!(bar_parts(&over)[0].per_mille, 665);
        assert!(bar_parts(&SpaceStorage::from_kinds([], Some(5)))
            .iter()
            .all(|p| p.per_mille == 0));
    }
}
