//! The "Storage" section of Space Settings → General.

use leptos::prelude::*;

use super::api::space_usage;
use super::model::{bar_parts, BarPart, SpaceStorage};
use crate::auth::ui::use_space_slug;
use crate::domain::format::{assets_count, format_size};

/// A byte count as the page shows it.
fn size(bytes: u64) -> String {
    format_size(i64::try_from(bytes).unwrap_or(i64::MAX))
}

/// "Storage": live assets and Trash (count and size), what emptying Trash
/// frees, the quota when one is set, and a bar of each type's share with a
/// legend that names every part in text (the colours only repeat it).
#[component]
pub fn StorageSection() -> impl IntoView {
    let space = use_space_slug();
    let usage = Resource::new(move || space.get(), space_usage);
    view! {
        <section class="storage" aria-labelledby="storage-heading">
            <h3 id="storage-heading">"Storage"</h3>
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match usage.await {
                        Ok(usage) => view! { <StorageFacts usage /> }.into_any(),
                        Err(error) => view! {
                            <p class="notice notice--error" role="alert">{error.to_string()}</p>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn StorageFacts(usage: SpaceStorage) -> impl IntoView {
    let live = format!(
        "{} ({})",
        assets_count(usage.live.assets),
        size(usage.live.bytes)
    );
    let trash = format!(
        "{} ({})",
        assets_count(usage.trash.assets),
        size(usage.trash.bytes)
    );
    let frees =
        (usage.trash.assets > 0).then(|| format!("Empty Trash frees {}.", size(usage.trash.bytes)));
    let quota = usage.quota_bytes.map(|quota| {
        format!(
            "{} of {} used. Trash counts towards the quota until it is emptied.",
            size(usage.used_bytes),
            size(quota)
        )
    });
    let full = usage
        .quota_bytes
        .is_some_and(|quota| usage.used_bytes >= quota);
    let parts = bar_parts(&usage);
    let counts: Vec<u64> = usage
        .by_kind
        .iter()
        .map(|k| k.live_assets)
        .chain([usage.trash.assets])
        .collect();
    view! {
        <dl class="facts">
            <dt>"Live assets"</dt>
            <dd>{live}</dd>
            <dt>"Trash"</dt>
            <dd>
                {trash}
                {frees.map(|frees| view! { <br /><span class="muted">{frees}</span> })}
            </dd>
            {quota.map(|quota| view! {
                <dt>"Quota"</dt>
                <dd>
                    {quota}
                    {full.then(|| view! {
                        <br /><strong>"This space is full: new uploads are refused."</strong>
                    })}
                </dd>
            })}
        </dl>
        <StorageBar parts=parts.clone() quota=usage.quota_bytes />
        <ul class="storage__legend" aria-label="Storage by type">
            {parts
                .into_iter()
                .zip(counts)
                .map(|(part, count)| view! {
                    <li>
                        <span class=format!("storage__swatch storage__part--{}", part.key) aria-hidden="true"></span>
                        <span class="storage__label">{part.label}</span>
                        " "
                        <span>{format!("{} ({})", size(part.bytes), assets_count(count))}</span>
                    </li>
                })
                .collect_view()}
        </ul>
    }
}

/// The bar: an SVG (its widths are attributes, which the page's
/// Content-Security-Policy allows where it refuses inline styles), one
/// rectangle per part in thousandths of the bar, named as a whole for
/// screen readers.
#[component]
fn StorageBar(parts: Vec<BarPart>, quota: Option<u64>) -> impl IntoView {
    let summary = parts
        .iter()
        .map(|part| format!("{} {}", part.label, size(part.bytes)))
        .collect::<Vec<_>>()
        .join(", ");
    let label = match quota {
        Some(quota) => format!("Storage by type, of a quota of {}: {summary}", size(quota)),
        None => format!("Storage by type: {summary}"),
    };
    let mut x = 0_u64;
    let rects = parts
        .into_iter()
        .filter(|part| part.per_mille > 0)
        .map(|part| {
            let at = x;
            x += part.per_mille;
            view! {
                <rect
                    class=format!("storage__part--{}", part.key)
                    x=at.to_string()
                    y="0"
                    width=part.per_mille.to_string()
                    height="10"
                />
            }
        })
        .collect_view();
    view! {
        <svg
            class="storage__bar"
            role="img"
            aria-label=label
            viewBox="0 0 1000 10"
            preserveAspectRatio="none"
        >
            {rects}
        </svg>
    }
}
