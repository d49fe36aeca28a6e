use leptos::prelude::*;

use crate::domain::format::{format_datetime, format_local_datetime, iso_datetime};
use crate::domain::time::Timestamp;

/// A moment in the reader's local time ("Nov 28, 2026, 20:57"). The server
/// renders it in UTC (it does not know the reader's zone) and the browser
/// switches to local time once hydrated, so both renders agree at first.
#[component]
pub fn LocalTime(at: Timestamp) -> impl IntoView {
    let text = RwSignal::new(format_datetime(at));
    // Effects run only in the browser.
    Effect::new(move |_| text.set(local(at)));
    view! { <time datetime=iso_datetime(at)>{text}</time> }
}

#[cfg(feature = "hydrate")]
fn local(at: Timestamp) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at.millis() as f64));
    // Minutes to add to local time to get UTC.
    let offset_minutes = date.get_timezone_offset() as i64;
    format_local_datetime(at.millis() - offset_minutes * crate::domain::time::MILLIS_PER_MINUTE)
}

#[cfg(not(feature = "hydrate"))]
fn local(at: Timestamp) -> String {
    format_local_datetime(at.millis())
}
