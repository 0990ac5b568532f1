//! Browser tests of the web app's parts (wasm-bindgen-test, headless Chromium).
#![cfg(target_arch = "wasm32")]

use cplab::lab::Control;
use cplab::lab::params::Params;
use cplab::ui::components::App;
use cplab::ui::state::Action;
use gloo_timers::future::TimeoutFuture;
use std::rc::Rc;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use yew::Reducible;

wasm_bindgen_test_configure!(run_in_browser);

// The state, the reducer and the page's formats are plain data in
// `cplab::lab`, tested natively; here, what only the browser has.

#[wasm_bindgen_test]
fn an_action_that_changes_nothing_keeps_the_state_so_yew_skips_the_render() {
    let start = Rc::new(Params::default());
    let nan = start.clone().reduce(Action::Set(Control::Nodes, f64::NAN));
    assert!(Rc::ptr_eq(&nan, &start), "an invalid value changes nothing");
    let moved = start.clone().reduce(Action::Set(Control::Nodes, 5.0));
    assert!(!Rc::ptr_eq(&moved, &start));
    assert_eq!(moved.get(Control::Nodes), 5.0);
}

fn text_of(test_id: &str) -> String {
    document()
        .query_selector(&format!("[data-testid='{test_id}']"))
        .ok()
        .flatten()
        .and_then(|node| node.text_content())
        .unwrap_or_default()
}

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|window| window.document())
        .expect("a document")
}

#[wasm_bindgen_test]
async fn the_app_mounts_and_its_clock_runs() {
    let root = document().create_element("div").expect("div");
    document()
        .body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    yew::Renderer::<App>::with_root(root).render();
    TimeoutFuture::new(1_500).await;
    let clock = text_of("sim-time");
    assert!(
        clock.ends_with(" s") && clock != "0.0 s",
        "clock shows {clock:?}"
    );
    let p99 = text_of("p99-latency");
    assert!(
        p99.ends_with("ms") || p99.ends_with(" s"),
        "p99 shows {p99:?}"
    );
    assert_eq!(text_of("max-requests-inflight-value"), "400");
    assert_eq!(text_of("nodes-value"), "1,000");
}
