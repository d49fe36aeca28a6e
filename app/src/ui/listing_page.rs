//! The state of a page that lists selectable rows from its URL (Assets,
//! Trash): the query read from the URL, the listing fetched for it, the
//! selection with its "Select all {N} matching" choice, and what a bulk
//! change names. Each page adds only its own actions and words.

use std::future::Future;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;
use serde::{de::DeserializeOwned, Serialize};

use super::listing::{use_listing, Refetch};
use super::select_all_matching::{
    changed_count, follow_count_change, use_all_matching, AllMatching,
};
use super::selection_checkboxes::Selection;
use crate::domain::bulk_target::{BulkTarget, Items};
use crate::domain::error::AppError;

/// One listing page's state; `Q` is its URL query, `M` what "all matching"
/// names (its filters), `T` a page of its rows.
pub struct ListingPage<Q, M, T>
where
    Q: Send + Sync + 'static,
    M: Send + Sync + 'static,
    T: Send + Sync + 'static,
{
    pub space: Signal<String>,
    pub query: Memo<Q>,
    /// The listing's filters now, as "all matching" names them.
    pub matching: fn(&Q) -> M,
    pub selection: Selection,
    pub all_matching: RwSignal<Option<AllMatching<M>>>,
    /// How many folders are ticked.
    pub folders_selected: Signal<usize>,
    /// The number the Selection toolbar shows: the whole result when
    /// chosen (with the folders ticked beside it), else the ticked rows.
    pub count: Signal<usize>,
    pub page: Resource<Result<T, AppError>>,
    pub refetch: Refetch,
}

impl<Q, M, T> Clone for ListingPage<Q, M, T>
where
    Q: Send + Sync + 'static,
    M: Send + Sync + 'static,
    T: Send + Sync + 'static,
{
    fn clone(&self) -> Self {
        *self
    }
}

impl<Q, M, T> Copy for ListingPage<Q, M, T>
where
    Q: Send + Sync + 'static,
    M: Send + Sync + 'static,
    T: Send + Sync + 'static,
{
}

impl<Q, M, T> ListingPage<Q, M, T>
where
    Q: Clone + PartialEq + Send + Sync + 'static,
    M: Clone + PartialEq + Send + Sync + 'static,
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
{
    /// The page's state in `space`: `parse` reads its query from the URL,
    /// `fetch` loads a page of rows for the space and query (on the server
    /// for the first render, again when either changes or after a change).
    pub fn new<Fut>(
        space: Signal<String>,
        parse: impl Fn(&ParamsMap) -> Q + Send + Sync + 'static,
        matching: fn(&Q) -> M,
        fetch: impl Fn(String, Q) -> Fut + Send + Sync + 'static,
    ) -> Self
    where
        Fut: Future<Output = Result<T, AppError>> + Send + 'static,
    {
        let query_map = use_query_map();
        let query = Memo::new(move |_| query_map.with(&parse));
        // Selection lives on the page, outside the table: it survives
        // paging and searching, and a space switch mounts a new page.
        let selection = Selection::new();
        let (all_matching, ticked_or_all) = use_all_matching::<M, _>(selection, query);
        let folders_selected = selection.folder_count();
        // Folders ticked beside "all matching" assets count too.
        let count = Signal::derive(move || match all_matching.get() {
            Some(all) => all.count as usize + folders_selected.get(),
            None => ticked_or_all.get(),
        });
        let (page, refetch) = use_listing(
            move || (space.get(), query.get()),
            move |(space, query)| fetch(space, query),
        );
        Self {
            space,
            query,
            matching,
            selection,
            all_matching,
            folders_selected,
            count,
            page,
            refetch,
        }
    }

    /// The listing's filters now (tracked).
    pub fn matching_now(&self) -> M {
        self.query.with(self.matching)
    }

    /// What a bulk change names now: everything matching with the number
    /// the person saw, or the ticked assets; the ticked folders either way.
    pub fn target(&self) -> BulkTarget<M> {
        let folders = self.selection.folder_ids();
        match self.all_matching.get_untracked() {
            Some(all) => BulkTarget {
                items: Items::Matching {
                    filters: all.matching,
                    expected: all.count,
                },
                folders,
            },
            None => BulkTarget::ids(self.selection.ids(), folders),
        }
    }

    /// After each change `action` makes: on success the selection is
    /// cleared, `done` sees the outcome and the listing is fetched again;
    /// a 409 `count_changed` updates the number the next confirmation is
    /// for (the set changed under the person).
    pub fn after_change<S>(&self, action: ServerAction<S>, done: impl Fn(S::Output) + 'static)
    where
        S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
        S::Output: Clone + Send + Sync + 'static,
    {
        let (selection, refetch) = (self.selection, self.refetch);
        follow_count_change(self.all_matching, move || {
            action.value().with(changed_count)
        });
        Effect::new(move |_| {
            if let Some(Ok(outcome)) = action.value().get() {
                selection.clear();
                done(outcome);
                refetch.bump();
            }
        });
    }
}
