use leptos::prelude::*;

use crate::domain::paging::PageAt;

/// "Previous page" / "Next page" links by keyset cursor: no page numbers,
/// so deep pages cost the same as the first. Takes the page's two cursors
/// (none when there is no such page) and how to link to a position;
/// renders nothing for a single page.
#[component]
pub fn Pagination(
    prev: Option<String>,
    next: Option<String>,
    link: impl Fn(PageAt) -> String,
) -> impl IntoView {
    if prev.is_none() && next.is_none() {
        return None;
    }
    let prev = prev.map(|cursor| link(PageAt::Before(cursor)));
    let next = next.map(|cursor| link(PageAt::After(cursor)));
    Some(view! {
        <nav class="pagination" aria-label="Pagination">
            {match prev {
                Some(href) => view! { <a class="button" href=href rel="prev">"Previous page"</a> }.into_any(),
                None => view! { <span class="button" aria-disabled="true">"Previous page"</span> }.into_any(),
            }}
            {match next {
                Some(href) => view! { <a class="button" href=href rel="next">"Next page"</a> }.into_any(),
                None => view! { <span class="button" aria-disabled="true">"Next page"</span> }.into_any(),
            }}
        </nav>
    })
}
