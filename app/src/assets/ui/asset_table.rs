use leptos::prelude::*;

use crate::assets::folders::model::{Folder, TOP_LEVEL};
use crate::assets::model::{Asset, AssetPage, ListQuery, SortDir, SortKey};
use crate::assets::ui::Thumbnail;
use crate::assets::usage::model::used_in_label;
use crate::domain::format::{format_date, format_size, iso_datetime, type_label};
use crate::domain::ids::{FolderId, ItemId};
use crate::domain::paging::ListingQuery;
use crate::domain::routes;
use crate::ui::selection_checkboxes::{RowCheckbox, Selection, SelectionHeaderCells};

/// A link to the listing of `folder` (the top level for `None`), keeping
/// the sort.
pub fn folder_href(space: &str, query: &ListQuery, folder: Option<FolderId>) -> String {
    format!(
        "{}{}",
        routes::assets(space),
        query.open(folder).to_query_string()
    )
}

/// The listing table: a checkbox, thumbnail, name, type, size, modified;
/// the folder's subfolders first.
#[component]
pub fn AssetTable(
    page: AssetPage,
    query: Memo<ListQuery>,
    space: Signal<String>,
    selection: Selection,
) -> impl IntoView {
    let current = query.get_untracked();
    if page.items.is_empty() && page.folders.is_empty() {
        let search = current.search.trim().to_owned();
        let message = if !search.is_empty() {
            format!("No assets match “{search}”.")
        } else if current.folder.is_some() {
            "This folder is empty.".to_owned()
        } else {
            "No assets in this space yet.".to_owned()
        };
        return view! { <p class="empty">{message}</p> }.into_any();
    }
    let slug = space.get_untracked();
    let page_ids: Vec<ItemId> = ItemId::page(
        page.folders.iter().map(|f| f.id),
        page.items.iter().map(|a| a.id),
    );
    let page_ids = StoredValue::new(page_ids);
    // A search of every folder says where each result is.
    let searching_everywhere = current.within().is_none();
    let assets: Vec<(Asset, Option<(String, String)>)> = page
        .items
        .iter()
        .map(|asset| {
            let path = match asset.folder {
                _ if !searching_everywhere => None,
                None => Some(TOP_LEVEL.to_owned()),
                Some(folder) => page
                    .locations
                    .iter()
                    .find(|l| l.folder == folder)
                    .map(|l| l.path.clone()),
            };
            let location = path.map(|p| (p, folder_href(&slug, &current, asset.folder)));
            (asset.clone(), location)
        })
        .collect();
    let folder_rows = page.folders;
    view! {
        <table class="assets">
            <thead>
                <tr>
                    <SelectionHeaderCells selection page_ids />
                    <SortHeader label="Name" key=SortKey::Name query space />
                    <th scope="col" class="wide">"Type"</th>
                    <SortHeader label="Size" key=SortKey::Size query space numeric=true wide=true />
                    <SortHeader label="Modified" key=SortKey::Modified query space wide=true />
                </tr>
            </thead>
            <tbody>
                {folder_rows
                    .into_iter()
                    .map(|folder| {
                        let href = folder_href(&slug, &current, Some(folder.id));
                        view! { <FolderRow folder href selection page_ids /> }
                    })
                    .collect_view()}
                {assets
                    .into_iter()
                    .map(|(asset, location)| {
                        view! { <AssetRow asset location space_slug=slug.clone() selection page_ids /> }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn SortHeader(
    label: &'static str,
    key: SortKey,
    query: Memo<ListQuery>,
    space: Signal<String>,
    #[prop(optional)] numeric: bool,
    /// Folded under the name on narrow screens (see `.wide` in the CSS).
    #[prop(optional)]
    wide: bool,
) -> impl IntoView {
    let active_dir = move || {
        let query = query.get();
        (query.sort == key).then(|| query.effective_dir())
    };
    let aria_sort = move || match active_dir() {
        Some(SortDir::Asc) => "ascending",
        Some(SortDir::Desc) => "descending",
        None => "none",
    };
    let href = move || {
        format!(
            "{}{}",
            routes::assets(&space.get()),
            query.get().sorted_by(key).to_query_string()
        )
    };
    let arrow = move || match active_dir() {
        Some(SortDir::Asc) => "▲",
        Some(SortDir::Desc) => "▼",
        None => "",
    };
    view! {
        <th scope="col" aria-sort=aria_sort class:num=numeric class:wide=wide>
            <a class="sort" href=href>
                {label}
                <span class="sort__arrow" aria-hidden="true">{arrow}</span>
            </a>
        </th>
    }
}

/// A folder: "Select {name}", its icon, its name (opens it), its items.
#[component]
fn FolderRow(
    folder: Folder,
    href: String,
    selection: Selection,
    page_ids: StoredValue<Vec<ItemId>>,
) -> impl IntoView {
    let checked = selection.contains(ItemId::Folder(folder.id));
    let items = crate::domain::format::items_count(folder.items.max(0) as u64);
    let date = format_date(folder.updated_at);
    view! {
        <tr class="folder" class:selected=move || checked.get()>
            <td class="assets__select">
                <RowCheckbox selection page_ids id=ItemId::Folder(folder.id) name=folder.name.clone() />
            </td>
            <td class="assets__thumb">
                <span class="thumb thumb--folder" aria-hidden="true"></span>
            </td>
            <td class="assets__name">
                <a class="name" href=href title=folder.name.clone()>{folder.name.clone()}</a>
                <span class="meta meta--narrow">{format!("Folder · {items} · {date}")}</span>
            </td>
            <td class="wide">"Folder"</td>
            <td class="num wide">{items.clone()}</td>
            <td class="wide">
                <time datetime=iso_datetime(folder.updated_at)>{date.clone()}</time>
            </td>
        </tr>
    }
}

#[component]
fn AssetRow(
    asset: Asset,
    /// Where it is (path, link), in a search of every folder.
    location: Option<(String, String)>,
    space_slug: String,
    selection: Selection,
    page_ids: StoredValue<Vec<ItemId>>,
) -> impl IntoView {
    let checked = selection.contains(ItemId::Asset(asset.id));
    let preview = view! { <Thumbnail src=asset.thumbnail_url(&space_slug) kind=asset.kind /> };
    let type_label = type_label(&asset.mime_type);
    let size = format_size(asset.size_bytes);
    let date = format_date(asset.updated_at);
    let dimensions = match (asset.width, asset.height) {
        (Some(w), Some(h)) => Some(format!("{w} × {h}")),
        _ => None,
    };
    view! {
        <tr class:selected=move || checked.get()>
            <td class="assets__select">
                <RowCheckbox selection page_ids id=ItemId::Asset(asset.id) name=asset.name.clone() />
            </td>
            <td class="assets__thumb">{preview}</td>
            <td class="assets__name">
                <a class="name" href=routes::asset(&space_slug, asset.id) title=asset.name.clone()>
                    {asset.name.clone()}
                </a>
                {(asset.used_in > 0).then(|| view! {
                    <span class="in-use" title=used_in_label(asset.used_in)>"In use"</span>
                })}
                {dimensions.map(|d| view! { <span class="meta">{d}</span> })}
                {location.map(|(path, href)| view! {
                    <span class="meta meta--location">"In " <a href=href>{path}</a></span>
                })}
                <span class="meta meta--narrow">{format!("{type_label} · {size} · {date}")}</span>
            </td>
            <td class="wide">{type_label.clone()}</td>
            <td class="num wide">{size.clone()}</td>
            <td class="wide">
                <time datetime=iso_datetime(asset.updated_at)>{date.clone()}</time>
            </td>
        </tr>
    }
}
