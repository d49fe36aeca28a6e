use leptos::prelude::*;

/// Where a page says what the last action did. The region stays in the
/// page, so screen readers announce each new message; `children` shows the
/// current one (a `Toast`), if any.
#[component]
pub fn StatusRegion(children: Children) -> impl IntoView {
    view! {
        <div class="toast-region" role="status" aria-live="polite">
            {children()}
        </div>
    }
}

/// One message in a `StatusRegion`: what was done or, with `error`, what
/// failed.
#[component]
pub fn Toast(#[prop(optional)] error: bool, children: Children) -> impl IntoView {
    let class = if error { "toast toast--error" } else { "toast" };
    view! { <div class=class>{children()}</div> }
}

/// A `StatusRegion` with a plain message: `Ok` what was done, `Err` what
/// failed.
#[component]
pub fn StatusMessage(
    #[prop(into)] message: Signal<Option<Result<String, String>>>,
) -> impl IntoView {
    view! {
        <StatusRegion>
            {move || message.get().map(|message| match message {
                Ok(text) => view! { <Toast>{text}</Toast> }.into_any(),
                Err(text) => view! { <Toast error=true>{text}</Toast> }.into_any(),
            })}
        </StatusRegion>
    }
}
