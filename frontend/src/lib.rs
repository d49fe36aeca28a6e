//! The browser half of Trove: it only hydrates the server-rendered app.
// The release build computes the layout of the pages' nested view types;
// the Assets page's is deeper than the default limit of 128.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(app::App);
}
