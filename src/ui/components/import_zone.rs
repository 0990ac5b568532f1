use super::share::ImportError;
use crate::lab::controls::Control;
use crate::ui::share;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, HtmlInputElement};
use yew::prelude::*;

/// The element of the page with `id`, as an HTML element.
fn element_by_id(id: &str) -> Option<web_sys::HtmlElement> {
    web_sys::window()?
        .document()?
        .get_element_by_id(id)?
        .dyn_into()
        .ok()
}

#[derive(Properties, PartialEq)]
pub struct ImportZoneProps {
    /// a file's name and text (or why it could not be read), to import
    pub onimport: Callback<(String, Result<String, String>)>,
    /// why the last file was refused
    pub error: Option<ImportError>,
}

/// Where a scenario file is picked or dropped.
#[function_component(ImportZone)]
pub fn import_zone(props: &ImportZoneProps) -> Html {
    let dragging = use_state(|| false);
    let read_file = {
        let onimport = props.onimport.clone();
        Rc::new(move |file: web_sys::File| {
            let onimport = onimport.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let name = file.name();
                let text = share::read_text(file).await;
                onimport.emit((name, text));
            });
        })
    };
    let onpick = {
        let read_file = read_file.clone();
        Callback::from(move |event: Event| {
            let input = event.target_unchecked_into::<HtmlInputElement>();
            if let Some(file) = input.files().and_then(|files| files.get(0)) {
                read_file(file);
            }
            input.set_value("");
        })
    };
    let ondragover = {
        let dragging = dragging.clone();
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            dragging.set(true);
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let ondrop = {
        let dragging = dragging.clone();
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            dragging.set(false);
            if let Some(file) = event
                .data_transfer()
                .and_then(|t| t.files())
                .and_then(|files| files.get(0))
            {
                read_file(file);
            }
        })
    };
    // Scrolls the control's slider into view and focuses it.
    let go_to = |control: Control| {
        Callback::from(move |_: MouseEvent| {
            let element = element_by_id(control.row().key);
            if let Some(element) = element {
                element.scroll_into_view();
                let _ = element.focus();
            }
        })
    };
    html! {
        <div class={classes!("import", dragging.then_some("dragging"))} {ondragover} {ondragleave} {ondrop} data-testid="import-zone">
            <h3>{ "Import" }</h3>
            <p>{ "A scenario file (TOML, as cplab runs it) with a [control_plane]: pick one or drop it here. A file with an error changes nothing." }</p>
            <input type="file" accept=".toml,text/plain" onchange={onpick} aria-label="Import a scenario file" data-testid="import-file" />
            // Every refusal is said here, where the file went in; one at a
            // control is also shown by its slider, a button away.
            if let Some(error) = &props.error {
                <p class="error" role="alert" data-testid="import-error">
                    { error.message.clone() }
                    if let Some(control) = error.control {
                        { " " }<button class="link" onclick={go_to(control)}>{ format!("Show {}", control.row().label) }</button>
                    }
                </p>
            }
        </div>
    }
}
