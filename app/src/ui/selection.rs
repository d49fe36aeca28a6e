//! Multi-select rules shared by the Assets and Trash tables: pure functions
//! over a set of selected ids and the ids of the page being shown.

use std::collections::BTreeSet;
use std::hash::Hash;

/// How the page's "Select all" box should look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageState {
    None,
    Some,
    All,
}

pub fn page_state<T: Ord>(selected: &BTreeSet<T>, page: &[T]) -> PageState {
    let on_page = page.iter().filter(|id| selected.contains(id)).count();
    match on_page {
        0 => PageState::None,
        n if n == page.len() => PageState::All,
        _ => PageState::Some,
    }
}

/// "Select all": selects every row of the page, or, when all are selected
/// already, clears them. Rows on other pages keep their state.
pub fn toggle_page<T: Ord + Clone>(selected: &mut BTreeSet<T>, page: &[T]) {
    if page_state(selected, page) == PageState::All {
        for id in page {
            selected.remove(id);
        }
    } else {
        selected.extend(page.iter().cloned());
    }
}

/// A click on one row's box. With Shift and an anchor on this page, every row
/// from the anchor to this one takes the clicked box's new state.
pub fn click<T: Ord + Clone + Eq + Hash>(
    selected: &mut BTreeSet<T>,
    page: &[T],
    anchor: Option<&T>,
    target: &T,
    checked: bool,
    shift: bool,
) {
    let range = shift
        .then(|| {
            let from = page.iter().position(|id| Some(id) == anchor)?;
            let to = page.iter().position(|id| id == target)?;
            Some(if from <= to { from..=to } else { to..=from })
        })
        .flatten();
    let ids: Vec<&T> = match range {
        Some(range) => page[range].iter().collect(),
        None => vec![target],
    };
    for id in ids {
        if checked {
            selected.insert(id.clone());
        } else {
            selected.remove(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(ids: &[u32]) -> BTreeSet<u32> {
        ids.iter().copied().collect()
    }

    #[test]
    fn page_state_follows_the_rows_of_this_page_only() {
        let page = [1, 2, 3];
        assert_eq!(page_state(&set(&[]), &page), PageState::None);
        assert_eq!(page_state(&set(&[9]), &page), PageState::None);
        assert_eq!(page_state(&set(&[2, 9]), &page), PageState::Some);
        assert_eq!(page_state(&set(&[1, 2, 3]), &page), PageState::All);
    }

    #[test]
    fn select_all_selects_then_clears_the_page_and_keeps_other_pages() {
        let page = [1, 2, 3];
        let mut selected = set(&[2, 9]);
        toggle_page(&mut selected, &page);
        assert_eq!(selected, set(&[1, 2, 3, 9]));
        toggle_page(&mut selected, &page);
        assert_eq!(selected, set(&[9]));
    }

    #[test]
    fn shift_click_selects_and_clears_a_range_in_either_direction() {
        let page = [10, 20, 30, 40, 50];
        let mut selected = BTreeSet::new();
        click(&mut selected, &page, None, &20, true, false);
        click(&mut selected, &page, Some(&20), &40, true, true);
        assert_eq!(selected, set(&[20, 30, 40]));
        click(&mut selected, &page, Some(&40), &10, true, true);
        assert_eq!(selected, set(&[10, 20, 30, 40]));
        click(&mut selected, &page, Some(&10), &30, false, true);
        assert_eq!(selected, set(&[40]));
        // An anchor from another page: a plain toggle.
        click(&mut selected, &page, Some(&99), &50, true, true);
        assert_eq!(selected, set(&[40, 50]));
    }
}
