use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::error::AppError;
use crate::format::{format_datetime, iso_datetime, type_label};
use crate::spaces::ui::SettingsNav;
use crate::trash::api::{list_trash, RestoreFromTrash};
use crate::trash::model::{assets_count, TrashedAsset, RETENTION_DAYS};
use crate::ui::error_notice::ErrorNotice;
use crate::ui::selection_checkboxes::{RowCheckbox, SelectAllCheckbox, Selection};
use crate::ui::selection_toolbar::SelectionToolbar;

/// `/spaces/{space}/settings/trash`: trashed assets, newest first, with who
/// deleted them, when, and how long they can still be restored.
#[component]
pub fn TrashPage() -> impl IntoView {
    let params = use_params_map();
    let space = Memo::new(move |_| params.read().get("space").unwrap_or_default());
    let version = RwSignal::new(0_u32);
    let selection = Selection::new();
    let count = selection.count();
    let message = RwSignal::new(None::<Result<String, String>>);
    let restore = ServerAction::<RestoreFromTrash>::new();
    let trash = Resource::new(
        move || (space.get(), version.get()),
        |(space, _)| list_trash(space),
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
    let run_restore = move |_| {
        let ids = selection.ids();
        restore.dispatch(RestoreFromTrash {
            space: space.get_untracked(),
            ids,
        });
    };
    let clear = Callback::new(move |()| selection.clear());

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
                </SelectionToolbar>
                <Transition fallback=|| view! { <p class="loading">"Loading Trash…"</p> }>
                    {move || Suspend::new(async move {
                        match trash.await {
                            Ok(items) if items.is_empty() => view! { <p class="empty">"Trash is empty"</p> }.into_any(),
                            Ok(items) => view! { <TrashTable items selection /> }.into_any(),
                            Err(AppError::Unauthorized) => view! { <crate::auth::ui::SignInRedirect /> }.into_any(),
                            Err(error) => view! { <ErrorNotice error /> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        </div>
    }
}

#[component]
fn TrashTable(items: Vec<TrashedAsset>, selection: Selection) -> impl IntoView {
    let page_ids = StoredValue::new(items.iter().map(|a| a.id).collect::<Vec<_>>());
    view! {
        <table class="assets">
            <thead>
                <tr>
                    <th scope="col" class="assets__select">
                        <SelectAllCheckbox selection page_ids />
                    </th>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Type"</th>
                    <th scope="col">"Deleted by"</th>
                    <th scope="col">"Deleted on"</th>
                    <th scope="col">"Days left"</th>
                </tr>
            </thead>
            <tbody>
                <For each=move || items.clone() key=|asset| asset.id let:asset>
                    {
                        let checked = selection.contains(asset.id);
                        view! {
                            <tr class:selected=move || checked.get()>
                                <td class="assets__select">
                                    <RowCheckbox selection page_ids id=asset.id name=asset.name.clone() />
                                </td>
                                <td class="assets__name"><span class="name">{asset.name.clone()}</span></td>
                                <td>{type_label(&asset.mime_type)}</td>
                                <td>{asset.deleted_by.clone().unwrap_or_else(|| "—".to_owned())}</td>
                                <td>
                                    <time datetime=iso_datetime(asset.deleted_at)>{format_datetime(asset.deleted_at)}</time>
                                </td>
                                <td>{asset.days_left.clone()}</td>
                            </tr>
                        }
                    }
                </For>
            </tbody>
        </table>
    }
}
