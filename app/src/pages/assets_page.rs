use leptos::prelude::*;
use leptos_meta::Title;

use delete_assets_dialog::DeleteAssetsDialog;
use move_dialog::MoveDialog;
use trash_notice::{Notice, TrashNotice};

use crate::assets::api::{count_matching_assets, list_assets};
use crate::assets::folders::model::{mix_count, Folder, MoveItemsOutcome, Within};
use crate::assets::model::{AssetPage, ListQuery, SearchScope};
use crate::assets::ui::{
    AssetTable, Breadcrumb, NewFolder, RenameFolderDialog, SearchBox, Uploader,
};
use crate::auth::model::Permission;
use crate::auth::ui::{use_current_space, use_space_slug};
use crate::domain::error::AppError;
use crate::domain::format::listing_count;
use crate::domain::ids::{BatchId, FolderId, ItemId};
use crate::domain::routes;
use crate::trash::api::RestoreBatch;
use crate::trash::model::Matching;
use crate::ui::listing::{Listing, Refetch};
use crate::ui::listing_page::ListingPage;
use crate::ui::select_all_matching::{Phrasing, SelectAllMatching};
use crate::ui::selection_toolbar::SelectionToolbar;

mod delete_assets_dialog;
mod move_dialog;
mod trash_notice;

/// How "Select all {N} matching" names an Assets search and the Usage
/// filter.
const PHRASING: Phrasing<Matching> = Phrasing {
    describe: |m| {
        let search = m.search.trim();
        let searched = (!search.is_empty()).then(|| match m.within {
            Some(_) => format!("matching “{search}” in this folder"),
            None => format!("matching “{search}”"),
        });
        match (searched, m.usage) {
            (Some(searched), Some(usage)) => Some(format!("{} {searched}", usage.words())),
            (None, Some(usage)) => Some(usage.words().to_owned()),
            (searched, None) => searched,
        }
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

/// The Assets page's listing state (see [`ListingPage`]).
type AssetsListing = ListingPage<ListQuery, Matching, AssetPage>;

/// `/spaces/{space}/assets[?folder={id}]`: a folder of the space (the top
/// level without one): its subfolders, then its assets. Folder, search,
/// sort and page live in the URL, so every view can be linked and reloaded.
#[component]
pub fn AssetsPage() -> impl IntoView {
    crate::ui::page_ready::mark_page_hydrated();
    let space = use_space_slug();
    let listing: AssetsListing = ListingPage::new(
        space,
        |map| ListQuery::from_pairs(|key| map.get_str(key)),
        |query| Matching {
            search: query.search.clone(),
            within: query.within(),
            usage: query.usage,
        },
        fetch_page,
    );
    let (query, selection, refetch) = (listing.query, listing.selection, listing.refetch);
    let folder = Signal::derive(move || query.read().folder);
    let current = use_current_space();
    let allows = |permission| current.as_ref().is_some_and(|c| c.allows(permission));
    let (can_delete, can_upload) = (allows(Permission::Delete), allows(Permission::Upload));
    let delete_open = RwSignal::new(false);
    let move_open = RwSignal::new(false);
    let rename_open = RwSignal::new(false);
    let notice = RwSignal::new(None::<Notice>);
    let done = move |text: String| {
        notice.set(Some(Notice::Done(text)));
        refetch.bump();
    };
    let on_moved = Callback::new(move |outcome: MoveItemsOutcome| {
        move_open.set(false);
        selection.clear();
        done(format!(
            "{} moved",
            mix_count(outcome.folders, outcome.assets)
        ));
    });
    let on_created = Callback::new(move |created: Folder| {
        done(format!("Folder “{}” created", created.name));
    });
    let on_renamed = Callback::new(move |renamed: Folder| {
        done(format!("Folder renamed to “{}”", renamed.name));
    });
    let run_undo = use_undo(space, notice, refetch);
    let clear = Callback::new(move |()| selection.clear());
    let trash_href = Signal::derive(move || routes::trash(&space.get()));
    let base = Signal::derive(move || routes::assets(&space.get()));
    let single_folder = single_folder(listing);
    let page = listing.page;

    view! {
        <Title text="Assets" />
        <PageHead listing />
        <SearchBox query base />
        {can_upload.then(|| view! {
            <div class="page-actions">
                <NewFolder space parent=folder on_created />
            </div>
        })}
        <TrashNotice notice trash_href on_undo=run_undo />
        <SelectionToolbar count=listing.count on_clear=clear>
            {can_upload.then(|| view! {
                <button type="button" class="button" on:click=move |_| move_open.set(true)>"Move"</button>
                <Show when=move || single_folder.get().is_some()>
                    <button type="button" class="button" on:click=move |_| rename_open.set(true)>"Rename"</button>
                </Show>
            })}
            {can_delete.then(|| view! {
                <button type="button" class="button button--danger" on:click=move |_| delete_open.set(true)>"Delete"</button>
            })}
        </SelectionToolbar>
        <DeleteAssetsDialog open=delete_open listing notice />
        <MoveDialog open=move_open space start=folder listing on_moved />
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
                    page_ids=ItemId::page(page.folders.iter().map(|f| f.id), page.items.iter().map(|a| a.id))
                    total=page.total
                    total_capped=page.total_capped
                    matching=move || listing.matching_now()
                    phrasing=PHRASING
                    count=move |m| count_matching(space.get(), m)
                    selection
                    all_matching=listing.all_matching
                />
                <AssetTable page query space selection />
            </Listing>
        </Uploader>
    }
}

/// "Assets" with what the folder holds, and the path to the folder.
#[component]
fn PageHead(listing: AssetsListing) -> impl IntoView {
    let (page, query, space) = (listing.page, listing.query, listing.space);
    view! {
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
    }
}

/// One page of the listing for the query in the URL.
async fn fetch_page(space: String, query: ListQuery) -> Result<AssetPage, AppError> {
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
        query.usage,
        sort,
        Some(dir),
        after,
        before,
    )
    .await
}

/// The exact number of live assets matching `m`, for "Select all {N}
/// matching" when the page only says "1,000+".
async fn count_matching(space: String, m: Matching) -> Option<u64> {
    let search = Some(m.search).filter(|s| !s.trim().is_empty());
    let (folder, scope) = match m.within {
        None => (None, SearchScope::All),
        Some(within) => (within.folder(), SearchScope::Folder),
    };
    count_matching_assets(space, folder, Some(scope), search, m.usage)
        .await
        .ok()
}

/// Undo of a move to Trash, from the notice: the notice then says what
/// came back (or why not) and the listing is fetched again.
fn use_undo(
    space: Signal<String>,
    notice: RwSignal<Option<Notice>>,
    refetch: Refetch,
) -> Callback<BatchId> {
    let undo = ServerAction::<RestoreBatch>::new();
    Effect::new(move |_| match undo.value().get() {
        Some(Ok(outcome)) => {
            notice.set(Some(Notice::Done(outcome.summary())));
            refetch.bump();
        }
        Some(Err(error)) => notice.set(Some(Notice::Failed(error.to_string()))),
        None => {}
    });
    Callback::new(move |batch: BatchId| {
        undo.dispatch(RestoreBatch {
            space: space.get_untracked(),
            batch,
        });
    })
}

/// "Rename" is offered when one folder of the page shown, and nothing
/// else, is selected: that folder and its name.
fn single_folder(listing: AssetsListing) -> Signal<Option<(FolderId, String)>> {
    let selection = listing.selection;
    Signal::derive(move || {
        selection.selected.track();
        match (
            selection.ids().as_slice(),
            selection.folder_ids().as_slice(),
        ) {
            ([], [id]) => listing
                .page
                .get()
                .and_then(Result::ok)
                .and_then(|p| p.folders.into_iter().find(|f| f.id == *id))
                .map(|f| (*id, f.name)),
            _ => None,
        }
    })
}
