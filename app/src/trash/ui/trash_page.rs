use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::SettingsNav;
use crate::assets::model::{AssetKind, MAX_SEARCH_CHARS};
use crate::assets::ui::Thumbnail;
use crate::auth::model::CurrentSpace;
use crate::auth::model::Permission;
use crate::error::AppError;
use crate::format::type_label;
use crate::ids::AssetId;
use crate::paging::PageAt;
use crate::trash::api::{list_trash, DeletePermanently, RestoreFromTrash};
use crate::trash::model::{assets_count, TrashPage as Page, TrashQuery, RETENTION_DAYS};
use crate::ui::confirm_dialog::ConfirmDialog;
use crate::ui::error_notice::ErrorNotice;
use crate::ui::local_time::LocalTime;
use crate::ui::pagination::Pagination;
use crate::ui::selection_checkboxes::{RowCheckbox, SelectAllCheckbox, Selection};
use crate::ui::selection_toolbar::SelectionToolbar;

/// `/spaces/{space}/settings/trash`: trashed assets, newest first, with who
/// deleted them, when, and how long they can still be restored. Filters and
/// page live in the URL; the selection survives paging and filtering.
#[component]
pub fn TrashPage() -> impl IntoView {
    let params = use_params_map();
    let query_map = use_query_map();
    let space = Memo::new(move |_| params.read().get("space").unwrap_or_default());
    let query = Memo::new(move |_| {
        let map = query_map.read();
        TrashQuery::from_pairs(|key| map.get_str(key))
    });
    let base = Signal::derive(move || format!("/spaces/{}/settings/trash", space.get()));
    let can_purge = use_context::<CurrentSpace>().is_some_and(|c| c.allows(Permission::Purge));

    let version = RwSignal::new(0_u32);
    let selection = Selection::new();
    let count = selection.count();
    let message = RwSignal::new(None::<Result<String, String>>);
    let restore = ServerAction::<RestoreFromTrash>::new();
    let purge = ServerAction::<DeletePermanently>::new();
    let dialog_open = RwSignal::new(false);
    let trash = Resource::new(
        move || (space.get(), query.get(), version.get()),
        |(space, query, _)| {
            let (after, before) = query.at.into_cursors();
            let q = Some(query.search).filter(|s| !s.trim().is_empty());
            list_trash(space, q, query.deleted_by, query.kind, after, before)
        },
    );

    Effect::new(move |_| match restore.value().get() {
        Some(Ok(outcome)) => {
            selection.clear();
            message.set(Some(Ok(format!(
                "{} restored",
                assets_count(outcome.restored)
            ))));
            version.update(|v| *v += 1);
        }
        Some(Err(error)) => message.set(Some(Err(error.to_string()))),
        None => {}
    });
    Effect::new(move |_| {
        if let Some(Ok(outcome)) = purge.value().get() {
            dialog_open.set(false);
            selection.clear();
            message.set(Some(Ok(format!(
                "{} deleted permanently",
                assets_count(outcome.deleted)
            ))));
            version.update(|v| *v += 1);
        }
    });
    let run_restore = move |_| {
        message.set(None);
        restore.dispatch(RestoreFromTrash {
            space: space.get_untracked(),
            ids: selection.ids(),
        });
    };
    let open_dialog = move |_| {
        message.set(None);
        purge.value().set(None);
        dialog_open.set(true);
    };
    let confirm_purge = Callback::new(move |()| {
        purge.dispatch(DeletePermanently {
            space: space.get_untracked(),
            ids: selection.ids(),
        });
    });
    let clear = Callback::new(move |()| selection.clear());
    let dialog_text = Signal::derive(move || {
        format!(
            "{} will be deleted permanently, with their files. This cannot be undone.",
            assets_count(count.get() as u64)
        )
    });
    let purge_error = Signal::derive(move || {
        purge
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    });
    let (pending, set_pending) = signal(false);

    view! {
        <Title text="Trash" />
        <h1>"Trash"</h1>
        <div class="settings">
            <SettingsNav />
            <section class="settings__panel" aria-label="Trash">
                <p class="muted">
                    {format!("Items in Trash are removed permanently {RETENTION_DAYS} days after deletion. Until then you can restore them.")}
                </p>
                <div class="toast-region" role="status" aria-live="polite">
                    {move || message.get().map(|m| match m {
                        Ok(text) => view! { <div class="toast">{text}</div> }.into_any(),
                        Err(text) => view! { <div class="toast toast--error">{text}</div> }.into_any(),
                    })}
                </div>
                <SelectionToolbar count on_clear=clear>
                    <button type="button" class="button button--primary" disabled=move || restore.pending().get() on:click=run_restore>
                        {move || if restore.pending().get() { "Restoring…" } else { "Restore" }}
                    </button>
                    {can_purge.then(|| view! {
                        <button type="button" class="button button--danger" on:click=open_dialog>"Delete permanently"</button>
                    })}
                </SelectionToolbar>
                <ConfirmDialog
                    id="delete-permanently"
                    title="Delete Permanently"
                    text=dialog_text
                    confirm_label="Delete permanently"
                    pending_label="Deleting…"
                    open=dialog_open
                    pending=purge.pending()
                    error=purge_error
                    on_confirm=confirm_purge
                />
                <div class="listing" aria-busy=move || pending.get().to_string()>
                    <Transition
                        fallback=|| view! { <p class="loading" role="status">"Loading Trash…"</p> }
                        set_pending
                    >
                        {move || Suspend::new(async move {
                            match trash.await {
                                Ok(page) => {
                                    let link = move |at: PageAt| {
                                        format!("{}{}", base.get_untracked(), query.get_untracked().at(at).to_query_string())
                                    };
                                    let (prev, next) = (page.prev.clone(), page.next.clone());
                                    view! {
                                        <TrashFilters page=page.clone() query base />
                                        <TrashTable page query space selection />
                                        <Pagination prev next link />
                                    }
                                    .into_any()
                                }
                                Err(AppError::Unauthorized) => view! { <crate::auth::ui::SignInRedirect /> }.into_any(),
                                Err(error) => view! {
                                    <ErrorNotice error />
                                    <p><a href=move || base.get()>"Show all of Trash"</a></p>
                                }
                                .into_any(),
                            }
                        })}
                    </Transition>
                </div>
            </section>
        </div>
    }
}

/// Search and filters: a GET form, so it works before hydration and every
/// filtered view can be linked. Filtering starts again at the first page.
#[component]
fn TrashFilters(page: Page, query: Memo<TrashQuery>, base: Signal<String>) -> impl IntoView {
    let current = query.get_untracked();
    let is_filtered = current.is_filtered();
    if page.total == 0 && !is_filtered {
        return None;
    }
    let selected_by = current.deleted_by;
    let selected_kind = current.kind;
    Some(view! {
        <div class="filters" role="search">
            <Form method="GET" action=move || base.get()>
                <input
                    type="search"
                    name="q"
                    aria-label="Search Trash"
                    placeholder="Search Trash"
                    maxlength=MAX_SEARCH_CHARS
                    autocomplete="off"
                    prop:value=current.search.clone()
                />
                <label>
                    "Deleted by"
                    <select name="by">
                        <option value="" selected=selected_by.is_none()>"Anyone"</option>
                        {page.deleters.into_iter().map(|d| view! {
                            <option value=d.id.to_string() selected=selected_by == Some(d.id)>{d.name}</option>
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
                <button type="submit" class="button">"Filter"</button>
                {is_filtered.then(|| view! { <a class="button" href=move || base.get()>"Clear filters"</a> })}
            </Form>
            <p class="filters__count">{format!("{} in Trash", assets_count(page.total.max(0) as u64))}</p>
        </div>
    })
}

#[component]
fn TrashTable(
    page: Page,
    query: Memo<TrashQuery>,
    space: Memo<String>,
    selection: Selection,
) -> impl IntoView {
    if page.items.is_empty() {
        let text = if query.get_untracked().is_filtered() {
            "Nothing in Trash matches these filters."
        } else {
            "Trash is empty"
        };
        return view! { <p class="empty">{text}</p> }.into_any();
    }
    let slug = space.get_untracked();
    let page_ids = StoredValue::new(page.items.iter().map(|a| a.id).collect::<Vec<AssetId>>());
    view! {
        <table class="assets">
            <thead>
                <tr>
                    <th scope="col" class="assets__select">
                        <SelectAllCheckbox selection page_ids />
                    </th>
                    <th scope="col" class="assets__thumb"><span class="visually-hidden">"Preview"</span></th>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Type"</th>
                    <th scope="col">"Deleted by"</th>
                    <th scope="col">"Deleted on"</th>
                    <th scope="col">"Days left"</th>
                </tr>
            </thead>
            <tbody>
                <For each=move || page.items.clone() key=|asset| asset.id let:asset>
                    {
                        let checked = selection.contains(asset.id);
                        let src = asset
                            .has_thumbnail
                            .then(|| format!("/files/{slug}/trash/{}/thumbnail", asset.id.0));
                        view! {
                            <tr class:selected=move || checked.get()>
                                <td class="assets__select">
                                    <RowCheckbox selection page_ids id=asset.id name=asset.name.clone() />
                                </td>
                                <td class="assets__thumb"><Thumbnail src kind=asset.kind /></td>
                                <td class="assets__name"><span class="name">{asset.name.clone()}</span></td>
                                <td>{type_label(&asset.mime_type)}</td>
                                <td>{asset.deleted_by.clone().unwrap_or_else(|| "—".to_owned())}</td>
                                <td><LocalTime millis=asset.deleted_at /></td>
                                <td>{asset.days_left.clone()}</td>
                            </tr>
                        }
                    }
                </For>
            </tbody>
        </table>
    }
    .into_any()
}
