use leptos::prelude::*;

use crate::assets::model::{Asset, AssetPage, ListQuery, SortDir, SortKey};
use crate::assets::ui::Thumbnail;
use crate::format::{format_date, format_size, iso_datetime, type_label};
use crate::ids::AssetId;
use crate::paging::ListingQuery;
use crate::routes;
use crate::ui::selection_checkboxes::{RowCheckbox, Selection, SelectionHeaderCells};

/// The listing table: a checkbox, thumbnail, name, type, size, modified.
#[component]
pub fn AssetTable(
    page: AssetPage,
    query: Memo<ListQuery>,
    space: Signal<String>,
    selection: Selection,
) -> impl IntoView {
    if page.items.is_empty() {
        let search = query.get_untracked().search;
        let message = if search.trim().is_empty() {
            "No assets in this space yet.".to_owned()
        } else {
            format!("No assets match “{}”.", search.trim())
        };
        return view! { <p class="empty">{message}</p> }.into_any();
    }
    let slug = space.get_untracked();
    let page_ids: Vec<AssetId> = page.items.iter().map(|a| a.id).collect();
    let page_ids = StoredValue::new(page_ids);
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
                <For each=move || page.items.clone() key=|asset| asset.id let:asset>
                    <AssetRow asset space_slug=slug.clone() selection page_ids />
                </For>
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

#[component]
fn AssetRow(
    asset: Asset,
    space_slug: String,
    selection: Selection,
    page_ids: StoredValue<Vec<AssetId>>,
) -> impl IntoView {
    let checked = selection.contains(asset.id);
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
                <RowCheckbox selection page_ids id=asset.id name=asset.name.clone() />
            </td>
            <td class="assets__thumb">{preview}</td>
            <td class="assets__name">
                <a class="name" href=routes::asset(&space_slug, asset.id) title=asset.name.clone()>
                    {asset.name.clone()}
                </a>
                {dimensions.map(|d| view! { <span class="meta">{d}</span> })}
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
