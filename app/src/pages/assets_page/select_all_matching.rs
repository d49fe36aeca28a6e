use leptos::prelude::*;

use crate::assets::api::count_matching_assets;
use crate::assets::model::{AssetPage, ListQuery};
use crate::format::assets_count;
use crate::ids::AssetId;
use crate::ui::selection_checkboxes::Selection;

/// Every asset matching the current search (or the whole space), chosen
/// with "Select all {N} matching": the server resolves the set again when
/// asked to change it, and only if it is still `count` assets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllMatching {
    pub search: String,
    pub count: u64,
}

/// Under a fully selected page, when more assets match than it shows:
/// "Select all {N} matching" (with a search) or "Select all {N} assets".
/// `N` is exact: the listing's total, or counted on demand when the
/// listing only says "1,000+".
#[component]
pub fn SelectAllMatching(
    page: AssetPage,
    query: Memo<ListQuery>,
    space: Signal<String>,
    selection: Selection,
    all_matching: RwSignal<Option<AllMatching>>,
) -> impl IntoView {
    let page_ids: Vec<AssetId> = page.items.iter().map(|a| a.id).collect();
    let on_page = page_ids.len();
    let more = page.total_capped || page.total > on_page as i64;
    let whole_page = Memo::new(move |_| {
        !page_ids.is_empty()
            && selection
                .selected
                .with(|s| page_ids.iter().all(|id| s.contains(id)))
    });
    let capped = page.total_capped;
    let listed_total = page.total.max(0) as u64;
    // The exact number, counted only when the offer shows and the listing's
    // total is a lower bound.
    let counted = LocalResource::new(move || {
        let wanted = capped && whole_page.get();
        let space = space.get();
        let search = query.get().search;
        async move {
            if !wanted {
                return None;
            }
            let search = Some(search).filter(|s| !s.trim().is_empty());
            count_matching_assets(space, search).await.ok()
        }
    });
    let total = move || {
        if capped {
            counted.get().flatten()
        } else {
            Some(listed_total)
        }
    };
    move || {
        if !more || !whole_page.get() {
            return None;
        }
        let search = query.get().search;
        let chosen = all_matching.get();
        Some(match chosen {
            Some(all) => view! {
                <p class="select-all-matching" role="status">
                    {if all.search.trim().is_empty() {
                        format!("All {} in this space are selected.", assets_count(all.count))
                    } else {
                        format!("All {} matching “{}” are selected.", assets_count(all.count), all.search.trim())
                    }}
                </p>
            }
            .into_any(),
            None => {
                let n = total();
                let label = n.map(|n| {
                    if search.trim().is_empty() {
                        format!("Select all {n} assets")
                    } else {
                        format!("Select all {n} matching")
                    }
                });
                view! {
                    <p class="select-all-matching">
                        {format!("All {} on this page are selected.", assets_count(on_page as u64))}
                        {label.map(|label| {
                            let search = search.clone();
                            let count = n.unwrap_or_default();
                            view! {
                                <button
                                    type="button"
                                    class="button button--link"
                                    on:click=move |_| all_matching.set(Some(AllMatching { search: search.clone(), count }))
                                >
                                    {label}
                                </button>
                            }
                        })}
                    </p>
                }
                .into_any()
            }
        })
    }
}
