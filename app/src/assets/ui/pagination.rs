use leptos::prelude::*;

use crate::assets::model::{AssetPage, ListQuery, PageAt};

/// "Previous page" / "Next page" by keyset cursor: no page numbers, so deep
/// pages cost the same as the first.
#[component]
pub fn Pagination(page: AssetPage, query: Memo<ListQuery>, base: Signal<String>) -> impl IntoView {
    if page.prev.is_none() && page.next.is_none() {
        return None;
    }
    let link = move |at: PageAt| {
        format!(
            "{}{}",
            base.get_untracked(),
            query.get_untracked().at(at).to_query_string()
        )
    };
    let prev = page.prev.map(|cursor| link(PageAt::Before(cursor)));
    let next = page.next.map(|cursor| link(PageAt::After(cursor)));
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
