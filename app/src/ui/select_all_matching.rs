//! "Select all {N} matching": the whole result of a listing's search and
//! filters, not only the rows ticked on the page. The browser only names
//! the filters and the number the person saw; the server resolves the set
//! again when asked to change it, and only if it is still that number.

use std::future::Future;

use leptos::prelude::*;

use crate::domain::error::AppError;
use crate::domain::format::assets_count;
use crate::domain::ids::ItemId;
use crate::ui::selection_checkboxes::Selection;

/// Everything matching `matching` (the listing's filters), chosen as
/// `count` assets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllMatching<M> {
    pub matching: M,
    pub count: u64,
}

/// The "all matching" choice of a listing page, and the number the
/// Selection toolbar shows: the whole result when chosen, else the ticked
/// rows. Any change to the ticked rows or to the listing (`listing`) ends
/// the choice.
pub fn use_all_matching<M, Q>(
    selection: Selection,
    listing: Memo<Q>,
) -> (RwSignal<Option<AllMatching<M>>>, Signal<usize>)
where
    M: Clone + PartialEq + Send + Sync + 'static,
    Q: Clone + PartialEq + Send + Sync + 'static,
{
    let all_matching = RwSignal::new(None::<AllMatching<M>>);
    let ticked = selection.count();
    Effect::new(move |_| {
        ticked.track();
        listing.track();
        all_matching.set(None);
    });
    let count = Signal::derive(move || match all_matching.get() {
        Some(all) => all.count as usize,
        None => ticked.get(),
    });
    (all_matching, count)
}

/// After a 409 `count_changed` (`changed_to`, read reactively, gives its
/// number), the chosen set's new number: the next confirmation is for what
/// matches now.
pub fn follow_count_change<M>(
    all_matching: RwSignal<Option<AllMatching<M>>>,
    changed_to: impl Fn() -> Option<u64> + 'static,
) where
    M: Clone + PartialEq + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if let Some(count) = changed_to() {
            all_matching.update(|all| {
                if let Some(all) = all {
                    all.count = count;
                }
            });
        }
    });
}

/// The number of assets that match now, from a 409 `count_changed` answer.
pub fn changed_count<T>(result: &Option<Result<T, AppError>>) -> Option<u64> {
    match result {
        Some(Err(AppError::CountChanged { count, .. })) => Some(*count),
        _ => None,
    }
}

/// How a listing names its filters for the offer.
#[derive(Debug, Clone, Copy)]
pub struct Phrasing<M: 'static> {
    /// "matching “spring”" for filters that narrow the listing; `None` for
    /// the whole listing.
    pub describe: fn(&M) -> Option<String>,
    /// Where the whole listing lives: "in this folder", "in Trash".
    pub whole: fn(&M) -> &'static str,
}

impl<M> Phrasing<M> {
    /// What "Select all {N} matching" chose, in words: "55 assets matching
    /// “spring”", "All 62 assets at the top level".
    pub fn chosen(&self, all: &AllMatching<M>) -> String {
        let n = assets_count(all.count);
        match (self.describe)(&all.matching) {
            Some(filters) => format!("{n} {filters}"),
            None => format!("All {n} {}", (self.whole)(&all.matching)),
        }
    }
}

/// Under a fully selected page, when more assets match than it shows:
/// "Select all {N} matching" (filtered) or "Select all {N} assets". `N` is
/// exact: the listing's total, or counted on demand by `count` when the
/// listing only says "1,000+".
#[component]
pub fn SelectAllMatching<M, F, C, Fut>(
    page_ids: Vec<ItemId>,
    total: i64,
    total_capped: bool,
    /// The listing's filters now (read in reactive scopes, so they track).
    matching: F,
    phrasing: Phrasing<M>,
    count: C,
    selection: Selection,
    all_matching: RwSignal<Option<AllMatching<M>>>,
) -> impl IntoView
where
    M: Clone + PartialEq + Send + Sync + 'static,
    F: Fn() -> M + Copy + Send + Sync + 'static,
    C: Fn(M) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Option<u64>> + 'static,
{
    // The offer is about assets: it shows once every asset of the page is
    // ticked, whether or not its folder rows are.
    let asset_ids: Vec<ItemId> = page_ids
        .into_iter()
        .filter(|id| matches!(id, ItemId::Asset(_)))
        .collect();
    let on_page = asset_ids.len();
    let more = total_capped || total > on_page as i64;
    let whole_page = Memo::new(move |_| {
        !asset_ids.is_empty()
            && selection
                .selected
                .with(|s| asset_ids.iter().all(|id| s.contains(id)))
    });
    let listed_total = total.max(0) as u64;
    // The exact number, counted only when the offer shows and the listing's
    // total is a lower bound.
    let counted = LocalResource::new(move || {
        let wanted = total_capped && whole_page.get();
        let counting = count(matching());
        async move {
            if !wanted {
                return None;
            }
            counting.await
        }
    });
    let exact = move || {
        if total_capped {
            counted.get().flatten()
        } else {
            Some(listed_total)
        }
    };
    move || {
        if !more || !whole_page.get() {
            return None;
        }
        Some(match all_matching.get() {
            Some(all) => {
                let text = match (phrasing.describe)(&all.matching) {
                    Some(filters) => {
                        format!("All {} {filters} are selected.", assets_count(all.count))
                    }
                    None => format!(
                        "All {} {} are selected.",
                        assets_count(all.count),
                        (phrasing.whole)(&all.matching)
                    ),
                };
                view! { <p class="select-all-matching" role="status">{text}</p> }.into_any()
            }
            None => {
                let current = matching();
                let filtered = (phrasing.describe)(&current).is_some();
                let offer = exact().map(|n| {
                    let label = if filtered {
                        format!("Select all {n} matching")
                    } else {
                        format!("Select all {n} assets")
                    };
                    let choose = move |_| {
                        all_matching.set(Some(AllMatching {
                            matching: current.clone(),
                            count: n,
                        }))
                    };
                    view! {
                        <button type="button" class="button button--link" on:click=choose>
                            {label}
                        </button>
                    }
                });
                view! {
                    <p class="select-all-matching">
                        {format!("All {} on this page are selected.", assets_count(on_page as u64))}
                        {offer}
                    </p>
                }
                .into_any()
            }
        })
    }
}
