//! The checkboxes of a selectable table (Assets and Trash), over the pure
//! rules of [`super::selection`].

use std::collections::BTreeSet;

use leptos::prelude::*;

use super::selection::{self, PageState};
use crate::domain::ids::{AssetId, FolderId, ItemId};

/// A table's selection, kept by the page outside the table so that it
/// survives paging and searching.
#[derive(Debug, Clone, Copy)]
pub struct Selection {
    pub selected: RwSignal<BTreeSet<ItemId>>,
    /// The last row clicked without Shift: one end of a Shift+click range.
    pub anchor: RwSignal<Option<ItemId>>,
}

impl Selection {
    pub fn new() -> Self {
        Self {
            selected: RwSignal::new(BTreeSet::new()),
            anchor: RwSignal::new(None),
        }
    }

    pub fn clear(&self) {
        self.selected.set(BTreeSet::new());
        self.anchor.set(None);
    }

    pub fn count(&self) -> Signal<usize> {
        let selected = self.selected;
        Signal::derive(move || selected.with(BTreeSet::len))
    }

    /// The selected assets' ids.
    pub fn ids(&self) -> Vec<AssetId> {
        self.selected.with_untracked(|s| {
            s.iter()
                .filter_map(|item| match item {
                    ItemId::Asset(id) => Some(*id),
                    ItemId::Folder(_) => None,
                })
                .collect()
        })
    }

    /// The selected folders' ids.
    pub fn folder_ids(&self) -> Vec<FolderId> {
        self.selected.with_untracked(|s| {
            s.iter()
                .filter_map(|item| match item {
                    ItemId::Folder(id) => Some(*id),
                    ItemId::Asset(_) => None,
                })
                .collect()
        })
    }

    /// How many folders are selected (reactive).
    pub fn folder_count(&self) -> Signal<usize> {
        let selected = self.selected;
        Signal::derive(move || {
            selected.with(|s| s.iter().filter(|i| matches!(i, ItemId::Folder(_))).count())
        })
    }

    pub fn contains(&self, id: ItemId) -> Memo<bool> {
        let selected = self.selected;
        Memo::new(move |_| selected.with(|s| s.contains(&id)))
    }
}

impl Default for Selection {
    fn default() -> Self {
        Self::new()
    }
}

/// The first two header cells of a table of folders and assets: "Select all" over the
/// checkbox column and the unnamed-on-screen "Preview" column.
#[component]
pub fn SelectionHeaderCells(
    selection: Selection,
    page_ids: StoredValue<Vec<ItemId>>,
) -> impl IntoView {
    view! {
        <th scope="col" class="assets__select">
            <SelectAllCheckbox selection page_ids />
        </th>
        <th scope="col" class="assets__thumb"><span class="visually-hidden">"Preview"</span></th>
    }
}

/// "Select all": the rows of this page; indeterminate when some are selected.
#[component]
fn SelectAllCheckbox(selection: Selection, page_ids: StoredValue<Vec<ItemId>>) -> impl IntoView {
    let state = Memo::new(move |_| {
        page_ids.with_value(|ids| selection.selected.with(|s| selection::page_state(s, ids)))
    });
    let toggle = move |_| {
        page_ids.with_value(|ids| {
            selection
                .selected
                .update(|s| selection::toggle_page(s, ids))
        });
    };
    view! {
        <label class="hit">
            <input
                type="checkbox"
                aria-label="Select all"
                prop:checked=move || state.get() == PageState::All
                prop:indeterminate=move || state.get() == PageState::Some
                on:change=toggle
            />
        </label>
    }
}

/// "Select {name}": a click toggles the row, Shift+click a range from the anchor.
#[component]
pub fn RowCheckbox(
    selection: Selection,
    page_ids: StoredValue<Vec<ItemId>>,
    id: ItemId,
    name: String,
) -> impl IntoView {
    let checked = selection.contains(id);
    let on_click = move |event: leptos::ev::MouseEvent| {
        let now_checked = event_target_checked(&event);
        let shift = event.shift_key();
        let anchor = selection.anchor.get_untracked();
        page_ids.with_value(|ids| {
            selection
                .selected
                .update(|s| selection::click(s, ids, anchor.as_ref(), &id, now_checked, shift))
        });
        if !shift || anchor.is_none() {
            selection.anchor.set(Some(id));
        }
    };
    // The label around it is the tap target (40 px on narrow screens).
    view! {
        <label class="hit">
            <input
                type="checkbox"
                aria-label=format!("Select {name}")
                prop:checked=move || checked.get()
                on:click=on_click
            />
        </label>
    }
}
