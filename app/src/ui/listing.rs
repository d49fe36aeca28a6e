use std::future::Future;

use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

use super::error_notice::ErrorNotice;
use super::pagination::Pagination;
use crate::domain::error::AppError;
use crate::domain::paging::{KeysetPage, ListingQuery};

/// Bumped after each change a page makes to its rows, so that its listing
/// is fetched again.
#[derive(Debug, Clone, Copy)]
pub struct Refetch(RwSignal<u32>);

impl Refetch {
    pub fn new() -> Self {
        Self(RwSignal::new(0))
    }

    /// Fetch the listing again.
    pub fn bump(&self) {
        self.0.update(|version| *version += 1);
    }

    /// Read by a resource's source, so that `bump` reruns it.
    pub fn track(&self) -> u32 {
        self.0.get()
    }
}

impl Default for Refetch {
    fn default() -> Self {
        Self::new()
    }
}

/// A listing's page for `key` (the space and the query in the URL): fetched
/// on the server for the first render, and again whenever the key changes
/// or the returned `Refetch` is bumped.
pub fn use_listing<K, T, Fut>(
    key: impl Fn() -> K + Send + Sync + 'static,
    fetch: impl Fn(K) -> Fut + Send + Sync + 'static,
) -> (Resource<Result<T, AppError>>, Refetch)
where
    K: PartialEq + Clone + Send + Sync + 'static,
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
{
    let refetch = Refetch::new();
    let page = Resource::new(move || (key(), refetch.track()), move |(key, _)| fetch(key));
    (page, refetch)
}

/// The listing area under a page's head: busy while a page loads (the last
/// one stays in view), then what `children` makes of the page, followed by
/// "Previous page" / "Next page"; or what went wrong, with a link back to
/// `base` (the listing without filters or position).
#[component]
pub fn Listing<T, Q, C, V>(
    resource: Resource<Result<T, AppError>>,
    /// The listing's state in the URL, for the pagination links.
    query: Memo<Q>,
    /// The listing's own path, e.g. `/spaces/product/assets`.
    base: Signal<String>,
    /// Shown while the first page loads, e.g. "Loading assets…".
    loading: &'static str,
    /// The link under an error, e.g. "Go to the first page of assets".
    start_over: &'static str,
    /// Shown instead of the error when the reader is signed out.
    #[prop(optional, into)]
    signed_out: Option<ViewFn>,
    /// The rows of one page (and whatever goes above them).
    children: C,
) -> impl IntoView
where
    T: KeysetPage + Clone + Send + Sync + 'static,
    Q: ListingQuery + Clone + PartialEq + Send + Sync + 'static,
    C: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let (pending, set_pending) = signal(false);
    view! {
        <div class="listing" aria-busy=move || pending.get().to_string()>
            <Transition
                fallback=move || view! { <p class="loading" role="status">{loading}</p> }
                set_pending
            >
                {move || {
                    let children = children.clone();
                    let signed_out = signed_out.clone();
                    Suspend::new(async move {
                        match (resource.await, signed_out) {
                            (Ok(page), _) => {
                                let (prev, next) = page.cursors();
                                let link = move |at| query.get_untracked().link(&base.get_untracked(), at);
                                view! {
                                    {children(page)}
                                    <Pagination prev next link />
                                }
                                .into_any()
                            }
                            (Err(AppError::Unauthorized), Some(signed_out)) => signed_out.run(),
                            (Err(error), _) => view! {
                                <ErrorNotice error />
                                <p>
                                    <a href=move || base.get()>{start_over}</a>
                                </p>
                            }
                            .into_any(),
                        }
                    })
                }}
            </Transition>
        </div>
    }
}
