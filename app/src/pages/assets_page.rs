use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use delete_assets_dialog::DeleteAssetsDialog;
use move_dialog::MoveDialog;
use trash_notice::{Notice, TrashNotice};

use crate::assets::api::{count_matching_assets, list_assets};
use crate::assets::folders::model::{mix_count, MoveItemsOutcome, Within};
use crate::assets::model::{AssetPage, ListQuery, SearchScope};
use crate::assets::ui::{
    AssetTable, Breadcrumb, NewFolder, RenameFolderDialog, SearchBox, Uploader,
};
use crate::auth::model::Permission;
use crate::auth::ui::{use_current_space, use_space_slug};
use crate::format::listing_count;
use crate::routes;
use crate::trash::api::{move_to_trash, MoveToTrash, RestoreBatch};
use crate::trash::model::{Matching, MoveOutcome};
use crate::ui::listing::{use_listing, Listing};
use crate::ui::select_all_matching::{
    changed_count, follow_count_change, use_all_matching, Phrasing, SelectAllMatching,
};
use crate::ui::selection_checkboxes::Selection;
use crate::ui::selection_toolbar::SelectionToolbar;

mod delete_assets_dialog;
mod move_dialog;
mod trash_notice;

/// How "Select all {N} matching" names an Assets search.
const PHRASING: Phrasing<Matching> = Phrasing {
    describe: |m| {
        let search = m.search.trim();
        (!search.is_empty()).then(|| match m.within {
            Some(_) => format!("matching “{search}” in this folder"),
            None => format!("matching “{search}”"),
        })
    },
    whole: |m| match m.within {
        Some(Within::Folder(_)) => "in this folder",
        _ => "at the top level",
    },
};

/// "3 folders · 42 assets": what the listed folder holds (or what a search
/// found).
fn head_count(page: &AssetPage) -> String {
    let assets = listing_count(page.total, page.total_capped);
    match page.folder_total {
        0 => assets,
        1 => format!("1 folder · {assets}"),
        n => format!("{n} folders · {assets}"),
    }
}

/// `/spaces/{space}/assets[?folder={id}]`: a folder of the space (the top
/// level without one): its subfolders, then its assets. Folder, search,
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
    let folder = Signal::derive(move || query.read().folder);

    // Selection lives here, outside the table: it survives paging and
    // searching, and a space switch mounts a new page (and a new selection).
    let selection = Selection::new();
    // "Select all {N} matching": the whole result, not only the ticked rows.
    let (all_matching, ticked_or_all) = use_all_matching::<Matching, _>(selection, query);
    let matching = move || {
        let query = query.read();
        Matching {
            search: query.search.clone(),
            within: query.within(),
        }
    };
    let folders_selected = selection.folder_count();
    // Folders ticked beside "all matching" assets count too.
    let count = Signal::derive(move || match all_matching.get() {
        Some(all) => all.count as usize + folders_selected.get(),
        None => ticked_or_all.get(),
    });
    let assets_count = Signal::derive(move || count.get() - folders_selected.get());
    let current = use_current_space();
    let allows = |permission| current.as_ref().is_some_and(|c| c.allows(permission));
    let (can_delete, can_upload) = (allows(Permission::Delete), allows(Permission::Upload));
    let (page, refetch) = use_listing(
        move || (space.get(), query.get()),
        |(space, query)| async move {
            let dir = query.effective_dir();
            let scope = query.this_folder.then_some(SearchScope::Folder);
            let (after, before) = query.at.into_cursors();
            let search = Some(query.search).filter(|s| !s.trim().is_empty());
            let sort = Some(query.sort);
            list_assets(
                space,
                query.folder,
                scope,
                search,
                sort,
                Some(dir),
                after,
                before,
            )
            .await
        },
    );
    let dialog_open = RwSignal::new(false);
    let move_open = RwSignal::new(false);
    let notice = RwSignal::new(None::<Notice>);
    let delete = ServerAction::<MoveToTrash>::new();
    let undo = ServerAction::<RestoreBatch>::new();
    // A dry run of deleting the selected folders, for the dialog's count of
    // what is inside them.
    let preview = RwSignal::new(None::<MoveOutcome>);

    // The set changed under the person: show the new number, and the next
    // Delete confirms it.
    follow_count_change(all_matching, move || delete.value().with(changed_count));
    Effect::new(move |_| {
        if let Some(Ok(outcome)) = delete.value().get() {
            dialog_open.set(false);
            selection.clear();
            notice.set(Some(Notice::Moved {
                text: outcome.summary(),
                batch: outcome.batch,
            }));
            refetch.bump();
        }
    });
    let on_moved = Callback::new(move |outcome: MoveItemsOutcome| {
        move_open.set(false);
        selection.clear();
        let what = mix_count(outcome.folders, outcome.assets);
        notice.set(Some(Notice::Done(format!("{what} moved"))));
        refetch.bump();
    });
    Effect::new(move |_| match undo.value().get() {
        Some(Ok(outcome)) => {
            notice.set(Some(Notice::Done(outcome.summary())));
            refetch.bump();
        }
        Some(Err(error)) => notice.set(Some(Notice::Failed(error.to_string()))),
        None => {}
    });
    // What the Delete sends: ticked ids or all matching, and ticked folders.
    let request = move |dry_run: bool| {
        let folder_ids = Some(selection.folder_ids()).filter(|f| !f.is_empty());
        let (ids, matching, expected_count) = match all_matching.get_untracked() {
            Some(all) => (None, Some(all.matching), Some(all.count)),
            None => (
                Some(selection.ids()).filter(|ids| !ids.is_empty()),
                None,
                None,
            ),
        };
        MoveToTrash {
            space: space.get_untracked(),
            ids,
            folder_ids,
            matching,
            expected_count,
            dry_run: dry_run.then_some(true),
        }
    };
    let open_dialog = move |_| {
        delete.value().set(None);
        preview.set(None);
        dialog_open.set(true);
        if !selection.folder_ids().is_empty() {
            let MoveToTrash {
                space,
                ids,
                folder_ids,
                matching,
                expected_count,
                dry_run,
            } = request(true);
            leptos::task::spawn_local(async move {
                let dry = move_to_trash(space, ids, folder_ids, matching, expected_count, dry_run);
                if let Ok(outcome) = dry.await {
                    preview.set(Some(outcome));
                }
            });
        }
    };
    let confirm_delete = Callback::new(move |()| {
        delete.dispatch(request(false));
    });
    let matching_what = Signal::derive(move || {
        all_matching.get().map(|all| {
            let n = crate::format::assets_count(all.count);
            match (PHRASING.describe)(&all.matching) {
                Some(filters) => format!("{n} {filters}"),
                None => format!("All {n} {}", (PHRASING.whole)(&all.matching)),
            }
        })
    });
    let run_undo = Callback::new(move |batch: crate::ids::BatchId| {
        undo.dispatch(RestoreBatch {
            space: space.get_untracked(),
            batch,
        });
    });
    let clear = Callback::new(move |()| selection.clear());
    let trash_href = Signal::derive(move || routes::trash(&space.get()));
    let base = Signal::derive(move || routes::assets(&space.get()));
    let selected = Signal::derive(move || {
        selection.selected.track();
        (selection.ids(), selection.folder_ids())
    });
    let on_created = Callback::new(move |created: crate::assets::folders::model::Folder| {
        notice.set(Some(Notice::Done(format!(
            "Folder “{}” created",
            created.name
        ))));
        refetch.bump();
    });
    let open_move = move |_| move_open.set(true);
    // "Rename" when one folder, and nothing else, is selected.
    let rename_open = RwSignal::new(false);
    let single_folder = Signal::derive(move || {
        let ids = selected.get();
        match (ids.0.as_slice(), ids.1.as_slice()) {
            // Offered for a folder of the page shown, whose name is known.
            ([], [id]) => {
                let id = crate::ids::FolderId(*id);
                page.get()
                    .and_then(Result::ok)
                    .and_then(|p| p.folders.into_iter().find(|f| f.id == id))
                    .map(|f| (id, f.name))
            }
            _ => None,
        }
    });
    let on_renamed = Callback::new(move |renamed: crate::assets::folders::model::Folder| {
        notice.set(Some(Notice::Done(format!(
            "Folder renamed to “{}”",
            renamed.name
        ))));
        refetch.bump();
    });

    view! {
        <Title text="Assets" />
        <div class="page-head">
            <h1>"Assets"</h1>
            <Transition>
                {move || Suspend::new(async move {
                    page.await.ok().map(|page| view! {
                        <p class="page-head__count">{head_count(&page)}</p>
                    })
                })}
            </Transition>
        </div>
        <Transition>
            {move || Suspend::new(async move {
                page.await.ok().map(|page| view! {
                    <Breadcrumb path=page.path query=query.get_untracked() space=space.get_untracked() />
                })
            })}
        </Transition>
        <SearchBox query base />
        {can_upload.then(|| view! {
            <div class="page-actions">
                <NewFolder space parent=folder on_created />
            </div>
        })}
        <TrashNotice notice trash_href on_undo=run_undo />
        <SelectionToolbar count on_clear=clear>
            {can_upload.then(|| view! {
                <button type="button" class="button" on:click=open_move>"Move"</button>
                <Show when=move || single_folder.get().is_some()>
                    <button type="button" class="button" on:click=move |_| rename_open.set(true)>"Rename"</button>
                </Show>
            })}
            {can_delete.then(|| view! {
                <button type="button" class="button button--danger" on:click=open_dialog>"Delete"</button>
            })}
        </SelectionToolbar>
        <DeleteAssetsDialog
            open=dialog_open
            count=assets_count
            folders=folders_selected
            preview=preview.into()
            matching_what
            action=delete
            on_confirm=confirm_delete
        />
        <MoveDialog
            open=move_open
            space
            start=folder
            selected
            all_matching=Signal::derive(move || all_matching.get().map(|all| (all.matching, all.count)))
            on_moved
        />
        <RenameFolderDialog space open=rename_open folder=single_folder on_renamed />
        <Uploader space folder can_upload on_uploaded=Callback::new(move |()| refetch.bump())>
            <Listing
                resource=page
                query
                base
                loading="Loading assets…"
                start_over="Go to the first page of assets"
                let:page
            >
                <SelectAllMatching
                    page_ids=crate::ids::ItemId::page(page.folders.iter().map(|f| f.id), page.items.iter().map(|a| a.id))
                    total=page.total
                    total_capped=page.total_capped
                    matching
                    phrasing=PHRASING
                    count=move |m: Matching| {
                        let space = space.get();
                        async move {
                            let search = Some(m.search).filter(|s| !s.trim().is_empty());
                            let (folder, scope) = match m.within {
                                None => (None, SearchScope::All),
                                Some(within) => (within.folder(), SearchScope::Folder),
                            };
                            count_matching_assets(space, folder, Some(scope), search).await.ok()
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
