use leptos::prelude::*;

use super::not_found::{set_status, NotFound, PageNotice};
use crate::domain::error::AppError;

/// How a page shows an error that stopped it from loading.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    match error {
        AppError::NotFound => view! { <NotFound /> }.into_any(),
        AppError::Forbidden => {
            set_status(http::StatusCode::FORBIDDEN);
            view! {
                <PageNotice
                    heading_id="forbidden-heading"
                    title="No access"
                    heading="You don’t have access to this page"
                >
                    <p>"Your role in this space does not allow it. Ask an owner or admin of the space."</p>
                </PageNotice>
            }
            .into_any()
        }
        other => {
            set_status(other.status());
            view! {
                <div class="notice notice--error" role="alert">
                    <p>{other.to_string()}</p>
                </div>
            }
            .into_any()
        }
    }
}
