use leptos::prelude::*;

use crate::assets::api::upload_limit;
use crate::assets::model::too_large_message;
use crate::domain::routes;

/// Where one file's upload stands.
#[derive(Debug, Clone, PartialEq)]
enum UploadState {
    Uploading,
    Done,
    Failed(String),
    Cancelled,
}

/// One file in the Uploads list.
#[derive(Debug, Clone, Copy)]
struct UploadItem {
    id: u32,
    name: StoredValue<String>,
    /// Percent sent, 0–100.
    progress: RwSignal<f64>,
    state: RwSignal<UploadState>,
}

/// **Upload**: pick several files (or drop them on the listing, which this
/// wraps); each file goes in its own request, so each shows its progress,
/// can be cancelled, and fails alone with the server's reason. Every file
/// that arrives refreshes the listing through `on_uploaded`.
#[component]
pub fn Uploader(
    space: Signal<String>,
    /// Where the files go: the folder shown (the top level for `None`).
    folder: Signal<Option<crate::domain::ids::FolderId>>,
    /// Whether the user may upload (the server checks again).
    can_upload: bool,
    on_uploaded: Callback<()>,
    children: Children,
) -> impl IntoView {
    // Known once loaded; the server enforces it whatever the browser does.
    let limit = LocalResource::new(move || {
        let space = space.get();
        async move {
            if can_upload {
                upload_limit(space).await.ok()
            } else {
                None
            }
        }
    });
    let uploads = Uploads {
        space,
        folder,
        limit,
        items: RwSignal::new(Vec::new()),
        next_id: StoredValue::new(0),
        handles: Handles::new(),
        on_uploaded,
    };
    let items = uploads.items;
    let dragging = RwSignal::new(false);
    // Sending files, and the list of them, is code of its own (`#[lazy]`),
    // fetched with the first files: most visits upload nothing.
    let start = move |files: Files| {
        if !files.is_empty() {
            leptos::task::spawn_local(async move { start_uploads(uploads, files).await });
        }
    };

    view! {
        <div
            class="dropzone"
            class:dropzone--active=move || dragging.get()
            on:dragover=move |event: leptos::ev::DragEvent| {
                if can_upload {
                    event.prevent_default();
                    dragging.set(true);
                }
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=move |event: leptos::ev::DragEvent| {
                dragging.set(false);
                if can_upload {
                    event.prevent_default();
                    start(dropped_files(&event));
                }
            }
        >
            {can_upload.then(|| view! {
                <div class="upload">
                    <input
                        id="upload-input"
                        class="visually-hidden"
                        type="file"
                        multiple
                        on:change=move |event| start(chosen_files(&event))
                    />
                    <label for="upload-input" class="button button--primary">"Upload"</label>
                    <span class="muted upload__hint">"or drop files on the list"</span>
                </div>
            })}
            <Show when=move || !items.read().is_empty()>
                <Suspense>
                    {move || Suspend::new(async move { uploads_list(uploads).await })}
                </Suspense>
            </Show>
            {children()}
        </div>
    }
}

/// The uploads of a page: the files sent so far and what they need.
#[derive(Clone, Copy)]
struct Uploads {
    space: Signal<String>,
    folder: Signal<Option<crate::domain::ids::FolderId>>,
    limit: LocalResource<Option<u64>>,
    items: RwSignal<Vec<UploadItem>>,
    next_id: StoredValue<u32>,
    handles: Handles,
    on_uploaded: Callback<()>,
}

/// Sends each file in its own request (one over the limit fails at once,
/// without sending), listed first in Uploads.
#[lazy]
fn start_uploads(uploads: Uploads, files: Files) {
    let Uploads {
        space,
        folder,
        limit,
        items,
        next_id,
        handles,
        on_uploaded,
    } = uploads;
    let max = limit.get_untracked().flatten();
    for file in files {
        let id = next_id.get_value();
        next_id.set_value(id + 1);
        let item = UploadItem {
            id,
            name: StoredValue::new(file_name(&file)),
            progress: RwSignal::new(0.0),
            state: RwSignal::new(UploadState::Uploading),
        };
        items.update(|list| list.insert(0, item));
        if let Some(max) = max.filter(|max| file_size(&file) > *max) {
            let name = item.name.get_value();
            item.state
                .set(UploadState::Failed(too_large_message(&name, max)));
            continue;
        }
        let url = routes::upload_named(
            &space.get_untracked(),
            &file_name(&file),
            folder.get_untracked(),
        );
        handles.start(item.id, &url, file, item.progress, move |outcome| {
            handles.forget(item.id);
            if item.state.get_untracked() == UploadState::Cancelled {
                return;
            }
            match outcome {
                Ok(_) => {
                    item.progress.set(100.0);
                    item.state.set(UploadState::Done);
                    on_uploaded.run(());
                }
                Err(message) => item.state.set(UploadState::Failed(message)),
            }
        });
    }
}

/// "Uploads": each file with its progress and Cancel, and "Clear finished
/// uploads".
#[lazy]
fn uploads_list(uploads: Uploads) -> AnyView {
    let Uploads { items, handles, .. } = uploads;
    let cancel = move |item: UploadItem| {
        item.state.set(UploadState::Cancelled);
        handles.abort(item.id);
    };
    let clear_finished = move |_| {
        items
            .update(|list| list.retain(|item| item.state.get_untracked() == UploadState::Uploading))
    };
    view! {
        <section class="uploads" aria-label="Uploads">
            <ul>
                <For each=move || items.get() key=|item| item.id let:item>
                    <UploadRow item on_cancel=Callback::new(move |()| cancel(item)) />
                </For>
            </ul>
            <button type="button" class="button button--small" on:click=clear_finished>
                "Clear finished uploads"
            </button>
        </section>
    }
    .into_any()
}

#[component]
fn UploadRow(item: UploadItem, on_cancel: Callback<()>) -> impl IntoView {
    let name = item.name.get_value();
    // Whole percents, formatted as integers (no float formatting in the bundle).
    let percent = move || item.progress.get().round().clamp(0.0, 100.0) as u32;
    let status = move || match item.state.get() {
        UploadState::Uploading => format!("{}%", percent()),
        UploadState::Done => "Uploaded".to_owned(),
        UploadState::Failed(message) => message,
        UploadState::Cancelled => "Cancelled".to_owned(),
    };
    let failed = move || matches!(item.state.get(), UploadState::Failed(_));
    view! {
        <li class="uploads__item" class:uploads__item--failed=failed>
            <span class="uploads__name">{name.clone()}</span>
            <progress max="100" value=percent aria-label=format!("Uploading {name}")></progress>
            <span class="uploads__status" role=move || if failed() { "alert" } else { "status" }>{status}</span>
            <Show when=move || item.state.get() == UploadState::Uploading>
                <button type="button" class="button button--small" aria-label=format!("Cancel upload of {}", item.name.get_value()) on:click=move |_| on_cancel.run(())>
                    "Cancel"
                </button>
            </Show>
        </li>
    }
}

#[cfg(feature = "hydrate")]
use browser::{chosen_files, dropped_files, file_name, file_size, Files, Handles};
#[cfg(not(feature = "hydrate"))]
use server_render::{chosen_files, dropped_files, file_name, file_size, Files, Handles};

/// The browser side: files from the input or a drop, and one
/// `XMLHttpRequest` per file (fetch cannot report upload progress).
#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::rc::Rc;

    use leptos::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{File, ProgressEvent, XmlHttpRequest};

    use crate::assets::model::Asset;
    use crate::domain::error::AppError;

    /// What the server said, in words for people.
    fn failure_message(status: u16, body: &str) -> String {
        if status == 0 {
            return AppError::Network.to_string();
        }
        serde_json::from_str::<AppError>(body)
            .map(|error| error.to_string())
            .unwrap_or_else(|_| format!("The upload failed ({status})."))
    }

    pub type Files = Vec<File>;

    pub fn file_name(file: &File) -> String {
        file.name()
    }

    pub fn file_size(file: &File) -> u64 {
        file.size() as u64
    }

    fn list(files: Option<web_sys::FileList>) -> Files {
        let Some(files) = files else {
            return Vec::new();
        };
        (0..files.length()).filter_map(|i| files.get(i)).collect()
    }

    pub fn chosen_files(event: &leptos::ev::Event) -> Files {
        let input: web_sys::HtmlInputElement = event_target(event);
        let files = list(input.files());
        // Choosing the same file again must fire `change` again.
        input.set_value("");
        files
    }

    pub fn dropped_files(event: &leptos::ev::DragEvent) -> Files {
        list(event.data_transfer().and_then(|data| data.files()))
    }

    /// A request in flight and the callbacks it must keep alive.
    struct InFlight {
        xhr: XmlHttpRequest,
        _progress: Closure<dyn FnMut(ProgressEvent)>,
        _done: Closure<dyn FnMut(ProgressEvent)>,
    }

    /// The uploads in flight, by item id (browser-only values, so kept in
    /// local storage of the reactive system).
    #[derive(Clone, Copy)]
    pub struct Handles(StoredValue<HashMap<u32, InFlight>, LocalStorage>);

    impl Handles {
        pub fn new() -> Self {
            Self(StoredValue::new_local(HashMap::new()))
        }

        pub fn start(
            &self,
            id: u32,
            url: &str,
            file: File,
            progress: RwSignal<f64>,
            on_done: impl FnOnce(Result<Asset, String>) + 'static,
        ) {
            match send(url, &file, progress) {
                Ok((xhr, progress_cb)) => {
                    let on_done = Rc::new(RefCell::new(Some(on_done)));
                    let request = xhr.clone();
                    let done = Closure::<dyn FnMut(ProgressEvent)>::new(move |_| {
                        let Some(callback) = on_done.borrow_mut().take() else {
                            return;
                        };
                        let status = request.status().unwrap_or(0);
                        let body = request.response_text().ok().flatten().unwrap_or_default();
                        let outcome = if (200..300).contains(&status) {
                            serde_json::from_str::<Asset>(&body)
                                .map_err(|_| failure_message(status, &body))
                        } else {
                            Err(failure_message(status, &body))
                        };
                        callback(outcome);
                    });
                    xhr.set_onloadend(Some(done.as_ref().unchecked_ref()));
                    self.0.update_value(|map| {
                        map.insert(
                            id,
                            InFlight {
                                xhr,
                                _progress: progress_cb,
                                _done: done,
                            },
                        );
                    });
                }
                Err(_) => on_done(Err("The browser could not start the upload.".to_owned())),
            }
        }

        pub fn abort(&self, id: u32) {
            self.0.with_value(|map| {
                if let Some(flight) = map.get(&id) {
                    let _ = flight.xhr.abort();
                }
            });
        }

        /// Lets go of a finished request (after its callback has run).
        pub fn forget(&self, id: u32) {
            // Dropping the closures inside their own call is not allowed:
            // let the current event finish first.
            let handles = *self;
            request_animation_frame(move || {
                handles.0.update_value(|map| {
                    map.remove(&id);
                })
            });
        }
    }

    type OnProgress = Closure<dyn FnMut(ProgressEvent)>;

    /// Sends the file; returns the request and its progress callback.
    fn send(
        url: &str,
        file: &File,
        progress: RwSignal<f64>,
    ) -> Result<(XmlHttpRequest, OnProgress), wasm_bindgen::JsValue> {
        // The file is the body (its name is in the URL): nothing for the
        // server to unwrap, unlike multipart/form-data.
        let xhr = XmlHttpRequest::new()?;
        xhr.open("POST", url)?;
        let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
            if event.length_computable() && event.total() > 0.0 {
                // Stop short of 100 until the server has answered.
                progress.set((event.loaded() / event.total() * 100.0).min(99.0));
            }
        });
        xhr.upload()?
            .set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        xhr.send_with_opt_blob(Some(file))?;
        Ok((xhr, on_progress))
    }
}

/// On the server nothing is ever uploaded from: the handlers never run
/// there, but the view is rendered, so these stand in for the types.
#[cfg(not(feature = "hydrate"))]
mod server_render {
    use leptos::prelude::*;

    use crate::assets::model::Asset;

    pub type Files = Vec<String>;

    pub fn file_name(name: &str) -> String {
        name.to_owned()
    }

    pub fn file_size(_: &str) -> u64 {
        0
    }

    pub fn chosen_files(_: &leptos::ev::Event) -> Files {
        Vec::new()
    }

    pub fn dropped_files(_: &leptos::ev::DragEvent) -> Files {
        Vec::new()
    }

    #[derive(Clone, Copy)]
    pub struct Handles;

    impl Handles {
        pub fn new() -> Self {
            Self
        }

        pub fn start(
            &self,
            _: u32,
            _: &str,
            _: String,
            _: RwSignal<f64>,
            on_done: impl FnOnce(Result<Asset, String>) + 'static,
        ) {
            on_done(Err("Uploads need the page to finish loading.".to_owned()))
        }

        pub fn abort(&self, _: u32) {}

        pub fn forget(&self, _: u32) {}
    }
}
