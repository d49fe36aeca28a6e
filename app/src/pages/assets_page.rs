use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use delete_assets_dialog::DeleteAssetsDialog;
use trash_notice::{Notice, TrashNotice};

use crate::assets::api::{count_matching_assets, list_assets};
use crate::assets::model::ListQuery;
use crate::assets::ui::{AssetTable, SearchBox, Uploader};
use crate::auth::model::Permission;
use crate::auth::ui::{use_current_space, use_space_slug};
use crate::format::listing_count;
use crate::routes;
use crate::trash::api::{MoveToTrash, RestoreBatch};
use crate::trash::model::Matching;
use crate::ui::listing::{use_listing, Listing};
use crate::ui::select_all_matching::{
    changed_count, follow_count_change, use_all_matching, Phrasing, SelectAllMatching,
};
use crate::ui::selection_checkboxes::Selection;
use crate::ui::selection_toolbar::SelectionToolbar;

mod delete_assets_dialog;
mod trash_notice;

/// How "Select all {N} matching" names an Assets search.
const PHRASING: Phrasing<Matching> = Phrasing {
    describe: |m| {
        let search = m.search.trim();
        (!search.is_empty()).then(|| format!("matching “{search}”"))
    },
    whole: "in this space",
};

/// `/spaces/{space}/assets`: the listing of a space's live assets. Search,
/// sort and page live in the URL, so every view can be linked and reloaded.
#[component]
pub fn AssetsPage() -> impl IntoView {
    crate::ui::page_ready::mark_page_hydrated();
    let query_map = use_query_map();
    let space = use_space_slug();
    let query = Memo::new(move |_| {
        let map = query_map.read();
        ListQuery::from_pairs(|key| map.get_str(key))
    });

    // Selection lives here, outside the table: it survives paging and
    // searching, and a space switch mounts a new page (and a new selection).
    let selection = Selection::new();
    // "Select all {N} matching": the whole result, not only the ticked rows.
    let (all_matching, count) = use_all_matching::<Matching, _>(selection, query);
    let matching = move || Matching {
        search: query.read().search.clone(),
    };
    let current = use_current_space();
    let can_delete = current
        .as_ref()
        .is_some_and(|c| c.allows(Permission::Delete));
    let can_upload = current
        .as_ref()
        .is_some_and(|c| c.allows(Permission::Upload));
    let (page, refetch) = use_listing(
        move || (space.get(), query.get()),
        |(space, query)| async move {
            let dir = query.effective_dir();
            let (after, before) = query.at.into_cursors();
            let search = Some(query.search).filter(|s| !s.trim().is_empty());
            list_assets(space, search, Some(query.sort), Some(dir), after, before).await
        },
    );
    let dialog_open = RwSignal::new(false);
    let notice = RwSignal::new(None::<Notice>);
    let delete = ServerAction::<MoveToTrash>::new();
    let undo = ServerAction::<RestoreBatch>::new();

    // The set changed under the person: show the new number, and the next
    // Delete confirms it.
    follow_count_change(all_matching, move || delete.value().with(changed_count));
    Effect::new(move |_| {
        if let Some(Ok(outcome)) = delete.value().get() {
            dialog_open.set(false);
            selection.clear();
            notice.set(Some(Notice::Moved {
                count: outcome.moved,
                batch: outcome.batch,
            }));
            refetch.bump();
        }
    });
    Effect::new(move |_| match undo.value().get() {
        Some(Ok(outcome)) => {
            notice.set(Some(Notice::Restored {
                count: outcome.restored,
            }));
            refetch.bump();
        }
        Some(Err(error)) => notice.set(Some(Notice::Failed(error.to_string()))),
        None => {}
    });
    let open_dialog = move |_| {
        delete.value().set(None);
        dialog_open.set(true);
    };
    let confirm_delete = Callback::new(move |()| {
        let request = match all_matching.get_untracked() {
            Some(all) => MoveToTrash {
                space: space.get_untracked(),
                ids: None,
                matching: Some(all.matching),
                expected_count: Some(all.count),
                dry_run: None,
            },
            None => MoveToTrash {
                space: space.get_untracked(),
                ids: Some(selection.ids()),
                matching: None,
                expected_count: None,
                dry_run: None,
            },
        };
        delete.dispatch(request);
    });
    let matching_search = Signal::derive(move || all_matching.get().map(|all| all.matching.search));
    let run_undo = Callback::new(move |batch: crate::ids::BatchId| {
        undo.dispatch(RestoreBatch {
            space: space.get_untracked(),
            batch,
        });
    });
    let clear = Callback::new(move |()| selection.clear());
    let trash_href = Signal::derive(move || routes::trash(&space.get()));
    let base = Signal::derive(move || routes::assets(&space.get()));

    view! {
        <Title text="Assets" />
        <div class="page-head">
            <h1>"Assets"</h1>
            <Transition>
                {move || Suspend::new(async move {
                    page.await.ok().map(|page| view! {
                        <p class="page-head__count">{listing_count(page.total, page.total_capped)}</p>
                    })
                })}
            </Transition>
        </div>
        <SearchBox query base />
        <TrashNotice notice trash_href on_undo=run_undo />
        <SelectionToolbar count on_clear=clear>
            {can_delete.then(|| view! {
                <button type="button" class="button button--danger" on:click=open_dialog>"Delete"</button>
            })}
        </SelectionToolbar>
        <DeleteAssetsDialog open=dialog_open count matching_search action=delete on_confirm=confirm_delete />
        <Uploader space can_upload on_uploaded=Callback::new(move |()| refetch.bump())>
            <Listing
                resource=page
                query
                base
                loading="Loading assets…"
                start_over="Go to the first page of assets"
                let:page
            >
                <SelectAllMatching
                    page_ids=page.items.iter().map(|a| a.id).collect()
                    total=page.total
                    total_capped=page.total_capped
                    matching
                    phrasing=PHRASING
                    count=move |m: Matching| {
                        let space = space.get();
                        async move {
                            let search = Some(m.search).filter(|s| !s.trim().is_empty());
                            count_matching_assets(space, search).await.ok()
                        }
                    }
                    selection
                    all_matching
                />
                <AssetTable page query space selection />
            </Listing>
        </Uploader>
    }
}
