use leptos::prelude::*;

use crate::auth::model::CurrentSpace;

/// The space a page under `/spaces/{space}` is in and the reader's role
/// there, as the space's frame found it among their memberships: pages ask
/// this instead of re-reading the route parameter. `None` outside a space,
/// where nothing is allowed. A space switch mounts new pages, so the answer
/// holds for as long as the page lives.
pub fn use_current_space() -> Option<CurrentSpace> {
    use_context::<CurrentSpace>()
}

/// The current space's slug, for paths and server calls ("" outside a
/// space), as a `Copy` signal that closures and child components can hold.
pub fn use_space_slug() -> Signal<String> {
    Signal::stored(
        use_current_space()
            .map(|current| current.space.slug)
            .unwrap_or_default(),
    )
}
