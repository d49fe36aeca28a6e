//! What a bulk request names, one type from the click to the SQL: listed
//! assets or everything matching filters (with the number the person
//! confirmed), and listed folders beside either. The four bulk endpoints
//! (`move_to_trash`, `restore_from_trash`, `delete_permanently`,
//! `move_to_folder`) take it in its flat JSON form ([`TargetFields`]) and
//! check it with the one validator here ([`BulkTarget::validate`], one
//! limit), which the data layer runs again for callers that build a target
//! themselves (the command line, tests); an "all matching" change passes
//! [`check_count`] under the write lock; ids that are not in the space fail
//! as one [`AppError::UnknownItems`].

use std::collections::{BTreeSet, HashSet};

use crate::domain::error::AppError;
use crate::domain::format::assets_count;
use crate::domain::ids::{AssetId, FolderId};
use crate::domain::paging::MAX_MATCHING;

/// The most ids, folders and assets together, one bulk request may carry.
pub const MAX_BULK_IDS: usize = 10_000;

/// The assets a bulk change acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Items<F> {
    /// Listed ids (none: only folders are named).
    Ids(Vec<AssetId>),
    /// Everything matching `filters`, resolved on the server under the
    /// write lock, if it is the `expected` number the person confirmed.
    Matching { filters: F, expected: u64 },
}

/// What a bulk request names: its assets, and folders beside them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkTarget<F> {
    pub items: Items<F>,
    pub folders: Vec<FolderId>,
}

/// A bulk target as the JSON API takes it, flat beside the request's other
/// fields: `ids`, or `matching` with `expected_count`; `folder_ids` with
/// either, or alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetFields<F> {
    pub ids: Option<Vec<AssetId>>,
    pub folder_ids: Option<Vec<FolderId>>,
    pub matching: Option<F>,
    pub expected_count: Option<u64>,
}

impl<F> BulkTarget<F> {
    /// Listed assets and folders.
    pub fn ids(assets: Vec<AssetId>, folders: Vec<FolderId>) -> Self {
        Self {
            items: Items::Ids(assets),
            folders,
        }
    }

    /// The assets listed by id (none for "all matching").
    pub fn listed(&self) -> &[AssetId] {
        match &self.items {
            Items::Ids(ids) => ids,
            Items::Matching { .. } => &[],
        }
    }

    /// The flat JSON form, for a request (fields left out when empty).
    pub fn into_fields(self) -> TargetFields<F> {
        let folder_ids = Some(self.folders).filter(|f| !f.is_empty());
        match self.items {
            Items::Ids(ids) => TargetFields {
                ids: Some(ids).filter(|ids| !ids.is_empty()),
                folder_ids,
                matching: None,
                expected_count: None,
            },
            Items::Matching { filters, expected } => TargetFields {
                ids: None,
                folder_ids,
                matching: Some(filters),
                expected_count: Some(expected),
            },
        }
    }

    /// The target named by a request's fields, checked: its shape (ids, or
    /// filters with the confirmed count; folders with either or alone) and
    /// its ids (see [`BulkTarget::validate`]).
    pub fn from_fields(fields: TargetFields<F>) -> Result<Self, AppError> {
        let TargetFields {
            ids,
            folder_ids,
            matching,
            expected_count,
        } = fields;
        let folders = folder_ids.unwrap_or_default();
        let items = match (ids, matching, expected_count) {
            (Some(ids), None, None) => Items::Ids(ids),
            (None, None, None) if !folders.is_empty() => Items::Ids(Vec::new()),
            (None, Some(filters), Some(expected)) => Items::Matching { filters, expected },
            (None, Some(_), None) => {
                return Err(AppError::validation(
                    "Say how many matching assets you confirmed (`expected_count`).",
                ))
            }
            _ => return Err(AppError::validation(
                "Send `ids` or `matching` with `expected_count` (and `folder_ids`, or only them).",
            )),
        };
        let target = Self { items, folders };
        target.validate()?;
        Ok(target)
    }

    /// The one check of a target's ids: at least one item named (listed
    /// ids, or "all matching"), at most [`MAX_BULK_IDS`] listed in all, each
    /// positive and listed once.
    pub fn validate(&self) -> Result<(), AppError> {
        let assets = self.listed();
        let all = assets.len() + self.folders.len();
        if all == 0 && matches!(self.items, Items::Ids(_)) {
            return Err(AppError::validation("Select at least one folder or asset."));
        }
        if all > MAX_BULK_IDS {
            let what = if self.folders.is_empty() {
                "assets"
            } else {
                "folders and assets"
            };
            return Err(AppError::validation(format!(
                "At most {MAX_BULK_IDS} {what} can be changed at once; this request has {all}."
            )));
        }
        check_listed("asset", assets.iter().map(|id| id.0))?;
        check_listed("folder", self.folders.iter().map(|id| id.0))
    }

    /// The same target with its filters parsed (or otherwise turned into
    /// what the data layer reads).
    pub fn try_map<G>(
        self,
        parse: impl FnOnce(F) -> Result<G, AppError>,
    ) -> Result<BulkTarget<G>, AppError> {
        let items = match self.items {
            Items::Ids(ids) => Items::Ids(ids),
            Items::Matching { filters, expected } => Items::Matching {
                filters: parse(filters)?,
                expected,
            },
        };
        Ok(BulkTarget {
            items,
            folders: self.folders,
        })
    }
}

/// Each listed id of `kind` ("asset", "folder") positive and listed once.
fn check_listed(kind: &str, ids: impl ExactSizeIterator<Item = i64>) -> Result<(), AppError> {
    let mut seen = HashSet::with_capacity(ids.len());
    let mut twice = BTreeSet::new();
    for id in ids {
        if id <= 0 {
            return Err(AppError::validation(format!(
                "{id} is not {kind} id.",
                kind = a(kind)
            )));
        }
        if !seen.insert(id) {
            twice.insert(id);
        }
    }
    if twice.is_empty() {
        return Ok(());
    }
    Err(AppError::validation(format!(
        "Each {kind} may be listed once; listed more than once: {}.",
        list_ids(twice.iter().copied())
    )))
}

/// "an asset", "a folder".
fn a(kind: &str) -> String {
    match kind.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {kind}"),
        _ => format!("a {kind}"),
    }
}

/// "4, 9, 12" or "4, 9, 12, … (250 in all)": ids in a message, the first
/// twenty of them.
pub fn list_ids(ids: impl IntoIterator<Item = i64>) -> String {
    const SHOWN: usize = 20;
    let ids: Vec<i64> = ids.into_iter().collect();
    let all = ids.len();
    let shown: Vec<String> = ids.iter().take(SHOWN).map(i64::to_string).collect();
    if all > SHOWN {
        format!("{}, … ({all} in all)", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// 404 naming the listed assets and folders that are not there: not in
/// the space, or (`state`, e.g. " or are in Trash") not in the state the
/// change needs. Nothing was `verb`.
pub fn unknown_items(
    assets: BTreeSet<AssetId>,
    folders: BTreeSet<FolderId>,
    state: &str,
    verb: &str,
) -> AppError {
    let mut parts = Vec::new();
    if !folders.is_empty() {
        let listed = list_ids(folders.iter().map(|id| id.0));
        parts.push(format!(
            "These folders do not exist in this space{state}: {listed}."
        ));
    }
    if !assets.is_empty() {
        let listed = list_ids(assets.iter().map(|id| id.0));
        parts.push(format!(
            "These assets do not exist in this space{state}: {listed}."
        ));
    }
    AppError::UnknownItems {
        message: format!("{} Nothing was {verb}.", parts.join(" ")),
        assets: assets.into_iter().collect(),
        folders: folders.into_iter().collect(),
    }
}

/// The guard of every "all matching" change: the set, read under the
/// write lock, must be exactly the `expected` number the person confirmed.
/// A different number changes nothing: 409 with the number that match now.
/// Without any filter (`filtered` false) a count that is not the whole
/// `place` is refused outright, so a filter lost on the way never widens
/// the set.
pub fn check_count(
    found: u64,
    expected: u64,
    filtered: bool,
    (verb, place): (&str, &str),
) -> Result<(), AppError> {
    if found > MAX_MATCHING as u64 {
        return Err(AppError::validation(format!(
            "More than {MAX_MATCHING} assets match; narrow the search. Nothing was {verb}."
        )));
    }
    if found != expected {
        if !filtered {
            return Err(AppError::validation(format!(
                "The request asks for {expected} assets without a search or filter, but {place} has {found}. Nothing was {verb}."
            )));
        }
        return Err(AppError::CountChanged {
            count: found,
            message: format!(
                "{} {} now, not {expected}. Nothing was {verb}; confirm again to go ahead with {}.",
                assets_count(found),
                if found == 1 { "matches" } else { "match" },
                if found == 1 { "it" } else { "them" }
            ),
        });
    }
    if found == 0 {
        return Err(AppError::validation("Select at least one asset."));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    type Target = BulkTarget<()>;

    fn assets(ids: &[i64]) -> Vec<AssetId> {
        ids.iter().copied().map(AssetId).collect()
    }

    fn fields(ids: Option<&[i64]>, folders: Option<&[i64]>) -> TargetFields<()> {
        TargetFields {
            ids: ids.map(assets),
            folder_ids: folders.map(|f| f.iter().copied().map(FolderId).collect()),
            matching: None,
            expected_count: None,
        }
    }

    fn refusal(result: Result<Target, AppError>) -> String {
        match result {
            Err(AppError::Validation(message)) => message,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bad_id_lists_are_refused_with_reasons() {
        let from = |ids: &[i64]| Target::from_fields(fields(Some(ids), None));
        assert!(refusal(from(&[])).contains("at least one"));
        let too_many: Vec<i64> = (1..=10_001).collect();
        assert!(refusal(from(&too_many)).contains("10000 assets"));
        assert!(from(&too_many[..10_000]).is_ok());
        assert_eq!(refusal(from(&[1, 0])), "0 is not an asset id.");
        assert!(refusal(from(&[3, 5, 3, 5, 9])).ends_with("listed more than once: 3, 5."));
    }

    #[test]
    fn folders_are_checked_beside_assets_under_one_limit() {
        let from = |ids, folders| Target::from_fields(fields(ids, folders));
        assert_eq!(
            from(None, Some(&[4])).unwrap(),
            Target::ids(Vec::new(), vec![FolderId(4)])
        );
        assert!(refusal(from(None, Some(&[]))).starts_with("Send `ids`"));
        assert!(refusal(from(Some(&[]), Some(&[]))).contains("at least one"));
        assert_eq!(refusal(from(None, Some(&[-2]))), "-2 is not a folder id.");
        assert!(refusal(from(Some(&[1]), Some(&[2, 2]))).starts_with("Each folder"));
        let half: Vec<i64> = (1..=5_001).collect();
        let both = refusal(from(Some(&half), Some(&half)));
        assert!(both.contains("10000 folders and assets") && both.ends_with("has 10002."));
    }

    #[test]
    fn matching_needs_its_confirmed_count_and_no_ids() {
        let matching = |ids: Option<Vec<AssetId>>, expected| {
            BulkTarget::from_fields(TargetFields {
                ids,
                folder_ids: None,
                matching: Some("spring"),
                expected_count: expected,
            })
        };
        assert!(matching(None, None).is_err());
        assert!(matching(Some(assets(&[1])), Some(3)).is_err());
        let target = matching(None, Some(3)).unwrap();
        assert_eq!(
            target.items,
            Items::Matching {
                filters: "spring",
                expected: 3
            }
        );
        // And back to the same JSON fields.
        assert_eq!(target.into_fields().expected_count, Some(3));
        assert!(Target::from_fields(fields(None, None)).is_err());
    }

    #[test]
    fn unknown_items_name_folders_and_assets_apart() {
        let error = unknown_items(
            [AssetId(12)].into(),
            [FolderId(3), FolderId(4)].into(),
            "",
            "moved",
        );
        assert_eq!(
            error.to_string(),
            "These folders do not exist in this space: 3, 4. These assets do not exist in this space: 12. Nothing was moved."
        );
        assert!(
            matches!(error, AppError::UnknownItems { assets, folders, .. }
            if assets == [AssetId(12)] && folders == [FolderId(3), FolderId(4)])
        );
        let many = list_ids(1..=25);
        assert!(many.ends_with("20, … (25 in all)"), "{many}");
    }
}
