use leptos::prelude::*;

use super::asset_table::folder_href;
use crate::assets::folders::model::{Crumb, TOP_LEVEL};
use crate::assets::model::ListQuery;

/// `nav` "Breadcrumb": "All assets / Marketing / Spring 25", each a link to
/// that folder's listing; the last is the page shown (`aria-current`).
#[component]
pub fn Breadcrumb(path: Vec<Crumb>, query: ListQuery, space: String) -> impl IntoView {
    let at_top = path.is_empty();
    let last = path.len().saturating_sub(1);
    let crumbs = path
        .into_iter()
        .enumerate()
        .map(|(i, crumb)| {
            let href = folder_href(&space, &query, Some(crumb.id));
            let current = (i == last).then_some("page");
            view! { <li><a href=href aria-current=current>{crumb.name}</a></li> }
        })
        .collect_view();
    view! {
        <nav class="breadcrumb" aria-label="Breadcrumb">
            <ol>
                <li>
                    <a href=folder_href(&space, &query, None) aria-current=at_top.then_some("page")>
                        {TOP_LEVEL}
                    </a>
                </li>
                {crumbs}
            </ol>
        </nav>
    }
}
