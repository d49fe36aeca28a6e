use leptos::prelude::*;

use crate::assets::model::AssetKind;

/// A 48 px preview: the thumbnail when there is one, otherwise a badge for
/// the asset's family. Decorative (the row names the asset).
#[component]
pub fn Thumbnail(src: Option<String>, kind: AssetKind) -> impl IntoView {
    match src {
        Some(src) => view! {
            <img src=src alt="" width="48" height="48" loading="lazy" decoding="async" />
        }
        .into_any(),
        None => view! {
            <span class="badge" data-kind=kind.as_str() aria-hidden="true">
                {kind.badge()}
            </span>
        }
        .into_any(),
    }
}
