use leptos::prelude::*;

use crate::assets::ui::Thumbnail;
use crate::assets::usage::model::still_used_in_label;
use crate::domain::format::{assets_count, type_label};
use crate::domain::ids::ItemId;
use crate::domain::routes;
use crate::trash::model::{TrashPage, TrashQuery, TrashedAsset, TrashedFolder};
use crate::ui::local_time::LocalTime;
use crate::ui::selection_checkboxes::{RowCheckbox, Selection, SelectionHeaderCells};

/// Trash's rows: deleted folders first (one row each, with what was
/// deleted inside them), then assets; each with where it was ("Original
/// location"), who deleted it, when, and the days left.
#[component]
pub fn TrashTable(
    page: TrashPage,
    query: Memo<TrashQuery>,
    space: Signal<String>,
    selection: Selection,
) -> impl IntoView {
    if page.items.is_empty() && page.folders.is_empty() {
        let text = if query.get_untracked().is_filtered() {
            "Nothing in Trash matches these filters."
        } else {
            "Trash is empty"
        };
        return view! { <p class="empty">{text}</p> }.into_any();
    }
    let slug = space.get_untracked();
    let page_ids: Vec<ItemId> = ItemId::page(
        page.folders.iter().map(|f| f.id),
        page.items.iter().map(|a| a.id),
    );
    let page_ids = StoredValue::new(page_ids);
    view! {
        <table class="assets">
            <thead>
                <tr>
                    <SelectionHeaderCells selection page_ids />
                    <th scope="col">"Name"</th>
                    <th scope="col" class="wide">"Type"</th>
                    <th scope="col" class="wide">"Original location"</th>
                    <th scope="col" class="wide">"Deleted by"</th>
                    <th scope="col" class="wide">"Deleted on"</th>
                    <th scope="col" class="wide">"Days left"</th>
                </tr>
            </thead>
            <tbody>
                {page
                    .folders
                    .into_iter()
                    .map(|folder| view! { <FolderRow folder selection page_ids /> })
                    .collect_view()}
                {page
                    .items
                    .into_iter()
                    .map(|asset| view! { <AssetRow asset slug=slug.clone() selection page_ids /> })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn FolderRow(
    folder: TrashedFolder,
    selection: Selection,
    page_ids: StoredValue<Vec<ItemId>>,
) -> impl IntoView {
    let id = ItemId::Folder(folder.id);
    let checked = selection.contains(id);
    let deleted_by = folder.deleted_by.clone().unwrap_or_else(|| "—".to_owned());
    let inside = format!(
        "Folder, {} inside",
        assets_count(folder.assets.max(0) as u64)
    );
    view! {
        <tr class="folder" class:selected=move || checked.get()>
            <td class="assets__select">
                <RowCheckbox selection page_ids id name=folder.name.clone() />
            </td>
            <td class="assets__thumb"><span class="thumb thumb--folder" aria-hidden="true"></span></td>
            <td class="assets__name">
                <span class="name" title=folder.name.clone()>{folder.name.clone()}</span>
                <span class="meta meta--narrow">
                    {format!("{inside} · from {} · {deleted_by} · {}{}", folder.location, folder.days_left, soon_note(folder.expires_soon))}
                </span>
            </td>
            <td class="wide">{inside.clone()}</td>
            <td class="wide">{folder.location.clone()}</td>
            <td class="wide">{deleted_by.clone()}</td>
            <td class="wide"><LocalTime at=folder.deleted_at /></td>
            <td class="wide"><DaysLeft label=folder.days_left.clone() soon=folder.expires_soon /></td>
        </tr>
    }
}

#[component]
fn AssetRow(
    asset: TrashedAsset,
    slug: String,
    selection: Selection,
    page_ids: StoredValue<Vec<ItemId>>,
) -> impl IntoView {
    let id = ItemId::Asset(asset.id);
    let checked = selection.contains(id);
    let type_label = type_label(&asset.mime_type);
    let deleted_by = asset.deleted_by.clone().unwrap_or_else(|| "—".to_owned());
    let src = asset
        .has_thumbnail
        .then(|| routes::trash_thumbnail(&slug, asset.id));
    view! {
        <tr class:selected=move || checked.get()>
            <td class="assets__select">
                <RowCheckbox selection page_ids id name=asset.name.clone() />
            </td>
            <td class="assets__thumb"><Thumbnail src kind=asset.kind /></td>
            <td class="assets__name">
                <span class="name" title=asset.name.clone()>{asset.name.clone()}</span>
                {(asset.used_in > 0).then(|| view! {
                    <span class="in-use">{still_used_in_label(asset.used_in)}</span>
                })}
                <span class="meta meta--narrow">
                    {format!("{type_label} · from {} · {deleted_by} · {}{}", asset.location, asset.days_left, soon_note(asset.expires_soon))}
                </span>
            </td>
            <td class="wide">{type_label.clone()}</td>
            <td class="wide">{asset.location.clone()}</td>
            <td class="wide">{deleted_by.clone()}</td>
            <td class="wide"><LocalTime at=asset.deleted_at /></td>
            <td class="wide"><DaysLeft label=asset.days_left.clone() soon=asset.expires_soon /></td>
        </tr>
    }
}

/// The days left, and "Expires soon" in words (not colour alone) when less
/// than three are.
#[component]
fn DaysLeft(label: String, soon: bool) -> impl IntoView {
    view! {
        {label}
        {soon.then(|| view! { " " <strong class="expiring">"Expires soon"</strong> })}
    }
}

/// The narrow layout's line ends with the same words.
fn soon_note(soon: bool) -> &'static str {
    if soon {
        " · Expires soon"
    } else {
        ""
    }
}
