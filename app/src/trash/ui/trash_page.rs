use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;

use super::trash_table::TrashTable;
use super::SettingsNav;
use crate::assets::folders::model::mix_count;
use crate::assets::model::AssetKind;
use crate::auth::model::Permission;
use crate::auth::ui::{use_current_space, use_space_slug, SignInRedirect};
use crate::domain::error::AppError;
use crate::domain::format::listing_count;
use crate::domain::ids::ItemId;
use crate::domain::routes;
use crate::trash::api::{count_trash, list_trash, DeletePermanently, RestoreFromTrash};
use crate::trash::model::{
    TrashMatching, TrashPage as Page, TrashQuery, DEFAULT_RETENTION_DAYS, EXPIRES_SOON_DAYS,
};
use crate::ui::confirm_dialog::{refusal, ConfirmDialog};
use crate::ui::listing::Listing;
use crate::ui::listing_page::ListingPage;
use crate::ui::search_field::{PrefixSearchNote, SearchField};
use crate::ui::select_all_matching::{Phrasing, SelectAllMatching};
use crate::ui::selection_toolbar::SelectionToolbar;
use crate::ui::status_message::StatusMessage;

/// How "Select all {N} matching" names Trash filters.
const PHRASING: Phrasing<TrashMatching> = Phrasing {
    describe: |m| {
        let search = m.search.trim();
        match (search.is_empty(), m.has_filters_besides_search()) {
            (true, false) => None,
            (false, false) => Some(format!("matching “{search}”")),
            _ => Some("matching these filters".to_owned()),
        }
    },
    whole: |_| "in Trash",
};

/// `/spaces/{space}/settings/trash`: trashed assets, newest first, with who
/// deleted them, when, and how long they can still be restored. Filters and
/// page live in the URL; the selection survives paging and filtering.
#[component]
pub fn TrashPage() -> impl IntoView {
    let space = use_space_slug();
    let listing = ListingPage::new(
        space,
        |map| TrashQuery::from_pairs(|key| map.get_str(key)),
        TrashQuery::matching,
        fetch_page,
    );
    let (query, selection) = (listing.query, listing.selection);
    let base = Signal::derive(move || routes::trash(&space.get()));
    let can_purge = use_current_space().is_some_and(|c| c.allows(Permission::Purge));
    let message = RwSignal::new(None::<Result<String, String>>);
    let restore = ServerAction::<RestoreFromTrash>::new();
    let dialog_open = RwSignal::new(false);
    listing.after_change(restore, move |outcome| {
        message.set(Some(Ok(outcome.summary())));
    });
    Effect::new(move |_| {
        if let Some(Err(error)) = restore.value().get() {
            message.set(Some(Err(error.to_string())));
        }
    });
    let run_restore = move |_| {
        message.set(None);
        let space = space.get_untracked();
        restore.dispatch(RestoreFromTrash::new(space, listing.target(), false));
    };
    let open_dialog = move |_| {
        message.set(None);
        dialog_open.set(true);
    };
    let clear = Callback::new(move |()| selection.clear());
    let count = listing.count;

    view! {
        <Title text="Trash" />
        <h1>"Trash"</h1>
        <div class="settings">
            <SettingsNav />
            <section class="settings__panel" aria-label="Trash">
                <Transition fallback=|| retention_line(DEFAULT_RETENTION_DAYS)>
                    {move || Suspend::new(async move {
                        let page = listing.page.await.ok();
                        let days = page.as_ref().map_or(DEFAULT_RETENTION_DAYS, |p| p.retention_days);
                        let soon = page.map_or(0, |p| p.expiring_soon);
                        view! {
                            {retention_line(days)}
                            <ExpiringBanner soon base />
                        }
                    })}
                </Transition>
                <StatusMessage message />
                <SelectionToolbar count on_clear=clear>
                    <button type="button" class="button button--primary" disabled=move || restore.pending().get() on:click=run_restore>
                        {move || if restore.pending().get() { "Restoring…" } else { "Restore" }}
                    </button>
                    {can_purge.then(|| view! {
                        <button type="button" class="button button--danger" on:click=open_dialog>"Delete permanently"</button>
                    })}
                </SelectionToolbar>
                <DeletePermanentlyDialog open=dialog_open listing message />
                <Listing
                    resource=listing.page
                    query
                    base
                    loading="Loading Trash…"
                    start_over="Show all of Trash"
                    signed_out=|| view! { <SignInRedirect /> }
                    let:page
                >
                    <TrashFilters page=page.clone() query base />
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
                    <TrashTable page query space selection />
                </Listing>
            </section>
        </div>
    }
}

/// Trash's heading line: how long the space keeps what is deleted now (a
/// row keeps the deadline it was given, which its days left say).
fn retention_line(days: u16) -> impl IntoView {
    let days = crate::domain::format::days(days);
    view! {
        <p class="muted">
            {format!("Items are removed permanently {days} after deletion. Until then you can restore them.")}
        </p>
    }
}

/// "{n} items will be removed permanently within 3 days", with "Show them":
/// a GET form, like the filters, so it works before hydration, applying
/// the "Expires" filter alone.
#[component]
fn ExpiringBanner(soon: i64, base: Signal<String>) -> impl IntoView {
    (soon > 0).then(|| {
        let items = crate::domain::format::items_count(soon as u64);
        let within = crate::domain::format::days(EXPIRES_SOON_DAYS);
        view! {
            <div class="banner banner--warning" role="region" aria-label="Expiring soon">
                <p>{format!("{items} will be removed permanently within {within}")}</p>
                <Form method="GET" action=move || base.get()>
                    <input type="hidden" name="expires" value=EXPIRES_SOON_DAYS.to_string() />
                    <button type="submit" class="button">"Show them"</button>
                </Form>
            </div>
        }
    })
}

/// One page of Trash for the query in the URL.
async fn fetch_page(space: String, query: TrashQuery) -> Result<Page, AppError> {
    let (after, before) = query.at.into_cursors();
    let q = Some(query.search).filter(|s| !s.trim().is_empty());
    let (from, to) = (query.from.map(|d| d.as_iso()), query.to.map(|d| d.as_iso()));
    let tz = Some(query.tz).filter(|tz| *tz != 0);
    list_trash(
        space,
        q,
        query.deleted_by,
        query.kind,
        from,
        to,
        tz,
        query.expires_within,
        after,
        before,
    )
    .await
}

/// The exact number of assets in Trash matching `m`, for "Select all {N}
/// matching" when the page only says "1,000+".
async fn count_matching(space: String, m: TrashMatching) -> Option<u64> {
    let q = Some(m.search).filter(|s| !s.trim().is_empty());
    let (from, to) = (m.from.map(|d| d.as_iso()), m.to.map(|d| d.as_iso()));
    count_trash(
        space,
        q,
        m.deleted_by,
        m.kind,
        from,
        to,
        Some(m.tz),
        m.expires_within,
    )
    .await
    .ok()
}

/// "Delete Permanently": confirms deleting the selection for good, sends
/// it, and says on the page what went.
#[component]
fn DeletePermanentlyDialog(
    open: RwSignal<bool>,
    listing: TrashListing,
    message: RwSignal<Option<Result<String, String>>>,
) -> impl IntoView {
    let purge = ServerAction::<DeletePermanently>::new();
    listing.after_change(purge, move |outcome| {
        open.set(false);
        let what = mix_count(outcome.folders, outcome.deleted);
        message.set(Some(Ok(format!("{what} deleted permanently"))));
    });
    // Each opening starts without the last refusal.
    Effect::new(move |was_open: Option<bool>| {
        let is_open = open.get();
        if is_open && was_open != Some(true) {
            purge.value().set(None);
        }
        is_open
    });
    let on_confirm = Callback::new(move |()| {
        let space = listing.space.get_untracked();
        purge.dispatch(DeletePermanently::new(space, listing.target(), false));
    });
    let error = refusal(purge);
    view! {
        <ConfirmDialog
            id="delete-permanently"
            title="Delete Permanently"
            text=purge_text(listing)
            confirm_label="Delete permanently"
            pending_label="Deleting…"
            open
            pending=purge.pending()
            error
            on_confirm
        />
    }
}

/// The Trash page's listing state (see [`ListingPage`]).
type TrashListing = ListingPage<TrashQuery, TrashMatching, Page>;

/// The Delete Permanently dialog's sentence: what goes, in words.
fn purge_text(listing: TrashListing) -> Signal<String> {
    Signal::derive(move || {
        let folders = listing.folders_selected.get();
        let what = match listing.all_matching.get() {
            Some(all) => {
                let what = PHRASING.chosen(&all);
                match folders {
                    0 => what,
                    n => format!(
                        "{what}, and {} with everything deleted with them,",
                        mix_count(n as u64, 0)
                    ),
                }
            }
            None => mix_count(folders as u64, (listing.count.get() - folders) as u64),
        };
        format!("{what} will be deleted permanently, with their files. This cannot be undone.")
    })
}

/// The "Expires" filter's choices: days, and how they read.
const EXPIRES_CHOICES: [(Option<u16>, &str); 4] = [
    (None, "Any time"),
    (Some(1), "Within 1 day"),
    (Some(3), "Within 3 days"),
    (Some(7), "Within 7 days"),
];

/// Search and filters: a GET form, so it works before hydration and every
/// filtered view can be linked. Filtering starts again at the first page.
#[component]
fn TrashFilters(page: Page, query: Memo<TrashQuery>, base: Signal<String>) -> impl IntoView {
    let current = query.get_untracked();
    let is_filtered = current.is_filtered();
    if page.total == 0 && page.folder_total == 0 && !is_filtered {
        return None;
    }
    let selected_by = current.deleted_by;
    let selected_kind = current.kind;
    let selected_expires = current.expires_within;
    let search = current.search.clone();
    let note_term = current.search.clone();
    // Minutes the reader's clock is behind UTC, known once hydrated (the
    // server render, and a browser without WebAssembly, use UTC).
    let reader_tz = RwSignal::new(current.tz);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let offset = js_sys::Date::new_0().get_timezone_offset();
        reader_tz.set(offset.round() as i32);
    });
    Some(view! {
        <div class="filters" role="search">
            <Form method="GET" action=move || base.get()>
                <SearchField label="Search Trash" value=search />
                <label>
                    "Deleted by"
                    <select name="by">
                        <option value="" selected=selected_by.is_none()>"Anyone"</option>
                        {page.deleters.into_iter().map(|d| view! {
                            <option value=d.id.0.to_string() selected=selected_by == Some(d.id)>{d.name}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>
                    "Type"
                    <select name="type">
                        <option value="" selected=selected_kind.is_none()>"All types"</option>
                        {AssetKind::ALL.into_iter().map(|kind| view! {
                            <option value=kind.as_str() selected=selected_kind == Some(kind)>{kind.plural_label()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>
                    "Expires"
                    <select name="expires">
                        {EXPIRES_CHOICES.into_iter().map(|(days, label)| view! {
                            <option
                                value=days.map(|d| d.to_string()).unwrap_or_default()
                                selected=selected_expires == days
                            >{label}</option>
                        }).collect_view()}
                    </select>
                </label>
                <fieldset class="date-range">
                    <legend>"Deleted on"</legend>
                    <label>
                        "From"
                        <input type="date" name="from" value=current.from.map(|d| d.as_iso()).unwrap_or_default() />
                    </label>
                    <label>
                        "To"
                        <input type="date" name="to" value=current.to.map(|d| d.as_iso()).unwrap_or_default() />
                    </label>
                    // The days are the reader's: their clock's offset rides along.
                    <input type="hidden" name="tz" prop:value=move || reader_tz.get().to_string() />
                </fieldset>
                <button type="submit" class="button">"Filter"</button>
                {is_filtered.then(|| view! { <a class="button" href=move || base.get()>"Clear filters"</a> })}
            </Form>
            <p class="filters__count">{
                let assets = listing_count(page.total, page.total_capped);
                match page.folder_total {
                    0 => format!("{assets} in Trash"),
                    1 => format!("1 folder and {assets} in Trash"),
                    n => format!("{n} folders and {assets} in Trash"),
                }
            }</p>
            <PrefixSearchNote term=note_term />
        </div>
    })
}
