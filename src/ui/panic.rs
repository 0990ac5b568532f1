//! The panic hook: a readable panel instead of a dead page.
//!
//! The web build aborts on panic (`panic = "abort"` in `[profile.web]`), and
//! an abort in wasm is a trap: nothing of the app runs after it. Rust still
//! calls the panic hook before aborting, so the hook is where the reader
//! gets told what happened. It logs the message to the console (with
//! `console_error_panic_hook`, as Yew's default hook does) and puts a panel over the page with the
//! message, the page's address to report and a Reset link.
//!
//! Everything in the panel must keep working after the trap, so it has no
//! Rust event handler: Reset is a plain link to the page's path without its
//! query string (a clean start), which the browser follows by itself. The
//! text is set with `set_text_content`, never parsed as HTML, so a message
//! or an address carrying markup shows as text.
//!
//! End-to-end tests trigger a panic through `panic_test` (in `src/main.rs`,
//! so that only the page's module exports it), which JavaScript reaches as
//! `window.wasmBindings.__cplabPanicTest()`: not from a URL, so no link can
//! crash the page on purpose.

use wasm_bindgen::prelude::*;

/// The panel's element id (one panel, however many panics follow).
pub const PANEL_ID: &str = "panic-panel";

/// Installs the hook; call once, before the app is rendered. Through Yew's
/// own setter: Yew's `Renderer` replaces a hook set with
/// `std::panic::set_hook` by its default (console only) unless told so.
pub fn install() {
    yew::set_custom_panic_hook(Box::new(|info| {
        // The message and a JavaScript stack trace, in the console.
        console_error_panic_hook::hook(info);
        show_panel(&info.to_string());
    }));
}

/// Puts the error panel over the page. Every DOM call may fail (no body,
/// a document being torn down): the hook must not panic in turn, so each
/// failure just leaves the panel incomplete.
fn show_panel(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if document.get_element_by_id(PANEL_ID).is_some() {
        return;
    }
    let location = document.location();
    let href = location
        .as_ref()
        .and_then(|l| l.href().ok())
        .unwrap_or_default();
    // The page without its query string or fragment: the default view.
    let reset = location
        .as_ref()
        .and_then(|l| l.pathname().ok())
        .unwrap_or_else(|| "./".into());

    let element = |tag: &str, class: &str, text: &str| {
        let el = document.create_element(tag).ok()?;
        if !class.is_empty() {
            el.set_class_name(class);
        }
        if !text.is_empty() {
            el.set_text_content(Some(text));
        }
        Some(el)
    };
    let Some(panel) = element("div", "panic-panel", "") else {
        return;
    };
    panel.set_id(PANEL_ID);
    let _ = panel.set_attribute("role", "alertdialog");
    let _ = panel.set_attribute("aria-labelledby", "panic-title");
    let _ = panel.set_attribute("aria-describedby", "panic-what");

    let what = "The simulation hit an internal error and stopped. Nothing was sent anywhere. \
                Reset starts the page again with its default settings. To report it, \
                include the address and the error below.";
    let mut children = Vec::new();
    if let Some(title) = element("h2", "", "Something went wrong") {
        title.set_id("panic-title");
        children.push(title);
    }
    if let Some(p) = element("p", "", what) {
        p.set_id("panic-what");
        children.push(p);
    }
    children.extend(element("p", "panic-label", "Address to report:"));
    if let Some(url) = element("code", "panic-url", &href) {
        let _ = url.set_attribute("data-testid", "panic-url");
        children.push(url);
    }
    children.extend(element("p", "panic-label", "Error:"));
    if let Some(text) = element("pre", "panic-message", message) {
        let _ = text.set_attribute("data-testid", "panic-message");
        children.push(text);
    }
    if let Some(link) = element("a", "button panic-reset", "Reset") {
        let _ = link.set_attribute("href", &reset);
        let _ = link.set_attribute("data-testid", "panic-reset");
        children.push(link);
    }
    for child in &children {
        let _ = panel.append_child(child);
    }
    let parent = document
        .body()
        .map(web_sys::Element::from)
        .or_else(|| document.document_element());
    if let Some(parent) = parent {
        let _ = parent.append_child(&panel);
    }
    // Keyboard users land on Reset, the one thing left to do.
    if let Some(link) = children
        .last()
        .and_then(|el| el.dyn_ref::<web_sys::HtmlElement>())
    {
        let _ = link.focus();
    }
}
