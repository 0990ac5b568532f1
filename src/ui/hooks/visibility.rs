use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

/// An intersection observer and the callback it holds.
type Watcher = (
    web_sys::IntersectionObserver,
    Closure<dyn FnMut(js_sys::Array)>,
);

/// Whether `root` is on screen, watched while `embedded` (an embedded
/// figure pauses out of view; the page itself always runs).
#[hook]
pub fn use_visibility(root: &NodeRef, embedded: bool) -> Rc<Cell<bool>> {
    let visible: Rc<Cell<bool>> = use_memo((), |_| Rc::new(Cell::new(true))).as_ref().clone();
    {
        let (root, visible) = (root.clone(), visible.clone());
        use_effect_with(embedded, move |&embedded| {
            let observer = embedded.then(|| watch(&root, visible)).flatten();
            move || {
                if let Some((observer, _callback)) = observer {
                    observer.disconnect();
                }
            }
        });
    }
    visible
}

/// Watches whether `root` is on screen; returns the observer to disconnect.
fn watch(root: &NodeRef, visible: Rc<Cell<bool>>) -> Option<Watcher> {
    let element = root.cast::<web_sys::Element>()?;
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        if let Some(entry) = entries
            .iter()
            .last()
            .and_then(|e| e.dyn_into::<web_sys::IntersectionObserverEntry>().ok())
        {
            visible.set(entry.is_intersecting());
        }
    });
    let observer = web_sys::IntersectionObserver::new(callback.as_ref().unchecked_ref()).ok()?;
    observer.observe(&element);
    Some((observer, callback))
}
