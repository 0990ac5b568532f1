use crate::lab::params::Params;
use crate::ui::state::Action;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::KeyboardEvent;
use yew::prelude::*;

/// Space plays and pauses, `.` steps while paused, `r` resets, `?` opens
/// the help (not while typing or on a button, whose own keys they are).
#[hook]
pub fn use_shortcuts(dispatcher: UseReducerDispatcher<Params>) {
    use_effect_with((), move |_| {
        let handler = Closure::<dyn Fn(KeyboardEvent)>::new(move |event: KeyboardEvent| {
            let tag = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .map(|e| e.tag_name())
                .unwrap_or_default();
            if matches!(tag.as_str(), "INPUT" | "BUTTON" | "SELECT" | "TEXTAREA") {
                return;
            }
            match event.key().as_str() {
                " " => {
                    event.prevent_default();
                    dispatcher.dispatch(Action::TogglePlay);
                }
                "?" => dispatcher.dispatch(Action::ToggleHelp),
                "." => dispatcher.dispatch(Action::Step),
                "r" | "R" if !event.ctrl_key() && !event.meta_key() => {
                    dispatcher.dispatch(Action::Reset)
                }
                _ => {}
            }
        });
        let document = web_sys::window().and_then(|w| w.document());
        if let Some(document) = &document {
            let _ = document
                .add_event_listener_with_callback("keydown", handler.as_ref().unchecked_ref());
        }
        move || {
            if let Some(document) = document {
                let _ = document.remove_event_listener_with_callback(
                    "keydown",
                    handler.as_ref().unchecked_ref(),
                );
            }
        }
    });
}
