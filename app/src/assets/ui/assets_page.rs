use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::asset_table::AssetTable;
use super::pagination::Pagination;
use super::search_box::SearchBox;
use crate::assets::api::list_assets;
use crate::assets::model::{AssetPage, ListQuery, PageAt};
use crate::ui::error_notice::ErrorNotice;

/// `/spaces/{space}/assets`: the listing of a space's live assets. Search,
/// sort and page live in the URL, so every view can be linked and reloaded.
#[component]
pub fn AssetsPage() -> impl IntoView {
    let params = use_params_map();
    let query_map = use_query_map();
    let space = Memo::new(move |_| params.read().get("space").unwrap_or_default());
    let query = Memo::new(move |_| {
        let map = query_map.read();
        ListQuery::from_pairs(|key| map.get_str(key))
    });

    let page = Resource::new(
        move || (space.get(), query.get()),
        |(space, query)| async move {
            let dir = query.effective_dir();
            let (after, before) = match query.at {
                PageAt::First => (None, None),
                PageAt::After(cursor) => (Some(cursor), None),
                PageAt::Before(cursor) => (None, Some(cursor)),
            };
            let search = Some(query.search).filter(|s| !s.trim().is_empty());
            list_assets(space, search, Some(query.sort), Some(dir), after, before).await
        },
    );
    let (pending, set_pending) = signal(false);
    let base = Signal::derive(move || format!("/spaces/{}/assets", space.get()));

    view! {
        <Title text="Assets" />
        <div class="page-head">
            <h1>"Assets"</h1>
            <Transition>
                {move || Suspend::new(async move {
                    page.await.ok().map(|page| view! { <p class="page-head__count">{count_label(&page)}</p> })
                })}
            </Transition>
        </div>
        <SearchBox query base />
        <div class="listing" aria-busy=move || pending.get().to_string()>
            <Transition
                fallback=|| view! { <p class="loading" role="status">"Loading assets…"</p> }
                set_pending
            >
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! {
                            <AssetTable page=page.clone() query space />
                            <Pagination page query base />
                        }
                        .into_any(),
                        Err(error) => view! {
                            <ErrorNotice error />
                            <p>
                                <a href=move || base.get()>"Go to the first page of assets"</a>
                            </p>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

fn count_label(page: &AssetPage) -> String {
    match page.total {
        1 => "1 asset".to_owned(),
        n => format!("{n} assets"),
    }
}
