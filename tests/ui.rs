//! Browser tests of the web app's parts (wasm-bindgen-test, headless Chromium).
#![cfg(target_arch = "wasm32")]

use cplab::sim::{Change, StationChange};
use cplab::ui::components::App;
use cplab::ui::format;
use cplab::ui::state::{Action, Params};
use gloo_timers::future::TimeoutFuture;
use std::rc::Rc;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use yew::Reducible;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn readouts_always_carry_a_unit() {
    assert_eq!(format::latency(0.000_42), "420 µs");
    assert_eq!(format::latency(0.0123), "12.3 ms");
    assert_eq!(format::latency(0.212), "212 ms");
    assert_eq!(format::latency(1.25), "1.25 s");
    assert_eq!(format::latency(0.0), "–");
    assert_eq!(format::latency(f64::NAN), "–");
    assert_eq!(format::clock(42.04), "42.0 s");
    assert_eq!(format::clock(725.0), "12 min 5 s");
    assert_eq!(format::rate(97.34), "97.3 req/s");
    assert_eq!(format::speed(1.0), "1.00×");
}

#[wasm_bindgen_test]
fn the_reducer_clamps_and_produces_the_right_changes() {
    let start = Rc::new(Params::default());
    let fewer = start.clone().reduce(Action::SetSeats(3));
    assert_eq!(
        fewer.changes_since(&start),
        vec![Change::Station(StationChange::Servers(3))]
    );
    let clamped = start.clone().reduce(Action::SetSeats(10_000));
    assert_eq!(clamped.seats, 64);
    let nan = start.clone().reduce(Action::SetArrivalRate(f64::NAN));
    assert!(Rc::ptr_eq(&nan, &start), "an invalid value changes nothing");
    let paused = start.clone().reduce(Action::TogglePlay);
    assert!(!paused.playing && paused.changes_since(&start).is_empty());
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
    let document = document();
    let root = document.create_element("div").expect("div");
    document
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
    assert_eq!(text_of("seats-value"), "8");
}
