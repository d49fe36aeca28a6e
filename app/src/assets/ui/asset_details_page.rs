use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::assets::api::{get_asset, RenameAsset};
use crate::assets::folders::model::path_label;
use crate::assets::model::{AssetDetails, ListQuery, MAX_NAME_CHARS};
use crate::assets::ui::{folder_href, Thumbnail};
use crate::assets::usage::api::asset_usage;
use crate::assets::usage::model::Source;
use crate::auth::model::Permission;
use crate::auth::ui::{use_current_space, use_space_slug};
use crate::domain::format::{format_size, type_label};
use crate::domain::ids::AssetId;
use crate::ui::error_notice::ErrorNotice;
use crate::ui::local_time::LocalTime;

/// `/spaces/{space}/assets/{id}`: one asset's details, its download and,
/// with the upload permission, renaming it.
#[component]
pub fn AssetDetailsPage() -> impl IntoView {
    let params = use_params_map();
    let space = use_space_slug();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let rename = ServerAction::<RenameAsset>::new();
    let details = Resource::new(
        move || (space.get(), id.get(), rename.version().get()),
        |(space, id, _)| get_asset(space, id),
    );
    let usage = Resource::new(
        move || (space.get(), id.get()),
        |(space, id)| asset_usage(space, AssetId(id)),
    );
    let can_edit = use_current_space().is_some_and(|c| c.allows(Permission::Upload));
    // Back to the folder it is in: known with the details, so the link is
    // drawn with them (the server and the browser then draw the same).
    let back = move |folder| {
        view! {
            <p class="breadcrumb">
                <a href=folder_href(&space.get_untracked(), &ListQuery::default(), folder)>"← Assets"</a>
            </p>
        }
    };

    view! {
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match details.await {
                    Ok(details) => view! {
                        {back(details.asset.folder)}
                        <Title text=details.asset.name.clone() />
                        <DetailsView details=details.clone() space=space.get_untracked() />
                        {can_edit.then(|| view! { <RenameForm details rename space /> })}
                        <UsedIn usage />
                    }
                    .into_any(),
                    Err(error) => view! { {back(None)} <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn DetailsView(details: AssetDetails, space: String) -> impl IntoView {
    let asset = details.asset;
    let dimensions = match (asset.width, asset.height) {
        (Some(w), Some(h)) => format!("{w} × {h} px"),
        _ => "—".to_owned(),
    };
    let download = asset.download_url(&space);
    let preview = asset.thumbnail_url(&space);
    view! {
        <div class="details">
            <div class="details__preview">
                {match preview {
                    Some(src) => view! { <img src=src alt=format!("Preview of {}", asset.name) /> }.into_any(),
                    None => view! { <Thumbnail src=None kind=asset.kind /> }.into_any(),
                }}
            </div>
            <div class="details__body">
                <h1>{asset.name.clone()}</h1>
                <dl class="details__facts">
                    <dt>"Type"</dt>
                    <dd>{type_label(&asset.mime_type)}</dd>
                    <dt>"Size"</dt>
                    <dd>{format_size(asset.size_bytes)}</dd>
                    <dt>"Dimensions"</dt>
                    <dd>{dimensions}</dd>
                    <dt>"Uploaded by"</dt>
                    <dd>{details.uploaded_by.unwrap_or_else(|| "—".to_owned())}</dd>
                    <dt>"Uploaded on"</dt>
                    <dd><LocalTime at=details.uploaded_at /></dd>
                    <dt>"Folder"</dt>
                    <dd>
                        <a href=folder_href(&space, &ListQuery::default(), asset.folder)>
                            {path_label(details.location.iter().map(|c| c.name.as_str()))}
                        </a>
                    </dd>
                </dl>
                <a class="button button--primary" href=download download=asset.name.clone() rel="external">
                    "Download"
                </a>
            </div>
        </div>
    }
}

/// "Used in": the sources that use the asset (`PUT /api/references`),
/// each its title (a link to it, when it has an address) and its system;
/// "Not used anywhere" when none does.
#[component]
fn UsedIn(usage: Resource<Result<Vec<Source>, crate::domain::error::AppError>>) -> impl IntoView {
    view! {
        <section class="usage" aria-labelledby="used-in">
            <h2 id="used-in">"Used in"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match usage.await {
                        Ok(sources) if sources.is_empty() => view! { <p>"Not used anywhere"</p> }.into_any(),
                        Ok(sources) => view! {
                            <ul>
                                {sources.into_iter().map(|source| view! { <li><SourceLink source /></li> }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// A source's title, a link when it has a web address (the server
/// stores only `http(s)` ones; checked again here, so no other scheme is
/// ever a link), and its system.
#[component]
fn SourceLink(source: Source) -> impl IntoView {
    let href = source
        .url
        .filter(|url| url.starts_with("https://") || url.starts_with("http://"));
    let title = match href {
        Some(href) => {
            view! { <a href=href rel="external noopener noreferrer">{source.title}</a> }.into_any()
        }
        None => view! { <span>{source.title}</span> }.into_any(),
    };
    view! { {title} " " <span class="usage__system">{format!("({})", source.system)}</span> }
}

#[component]
fn RenameForm(
    details: AssetDetails,
    rename: ServerAction<RenameAsset>,
    space: Signal<String>,
) -> impl IntoView {
    let name = RwSignal::new(details.asset.name.clone());
    let id = details.asset.id.0;
    let result = move || {
        rename.value().get().map(|outcome| match outcome {
            Ok(details) => view! {
                <p class="notice" role="status">{format!("Renamed to {}", details.asset.name)}</p>
            }
            .into_any(),
            Err(error) => view! {
                <p class="notice notice--error" role="alert">{error.to_string()}</p>
            }
            .into_any(),
        })
    };
    view! {
        <form
            class="rename"
            on:submit=move |event| {
                event.prevent_default();
                rename.dispatch(RenameAsset {
                    space: space.get_untracked(),
                    id,
                    name: name.get_untracked(),
                });
            }
        >
            <label for="asset-name">"Name"</label>
            <input
                id="asset-name"
                type="text"
                required
                maxlength=MAX_NAME_CHARS
                prop:value=move || name.get()
                on:input=move |event| name.set(event_target_value(&event))
            />
            <button type="submit" class="button" disabled=move || rename.pending().get()>
                {move || if rename.pending().get() { "Renaming…" } else { "Rename" }}
            </button>
        </form>
        {result}
    }
}
