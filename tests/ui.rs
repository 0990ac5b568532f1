//! Browser tests of the web app's parts (wasm-bindgen-test, headless Chromium).
#![cfg(target_arch = "wasm32")]

use cplab::sim::Change;
use cplab::sim::models::control_plane::{ControlPlaneChange as C, WebhookHandling};
use cplab::ui::components::App;
use cplab::ui::format;
use cplab::ui::state::{Action, Knob, Params, Switch};
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
    assert_eq!(format::knob_value(Knob::Nodes, 15_000.0), "15,000");
    assert_eq!(format::knob_value(Knob::EtcdFsyncLatency, 0.8), "0.80");
}

#[wasm_bindgen_test]
fn controls_produce_the_right_reconfigure() {
    let start = Rc::new(Params::default());
    let cut = start
        .clone()
        .reduce(Action::Set(Knob::MaxRequestsInflight, 50.0));
    assert_eq!(
        cut.changes_since(&start),
        vec![Change::ControlPlane(C::InflightLimits {
            read_only: 50,
            mutating: 200
        })]
    );
    let nodes = start.clone().reduce(Action::Set(Knob::Nodes, 1e9));
    assert_eq!(nodes.nodes, 15_000.0, "clamped to the slider's range");
    let nan = start.clone().reduce(Action::Set(Knob::Nodes, f64::NAN));
    assert!(Rc::ptr_eq(&nan, &start), "an invalid value changes nothing");
    let switched = start.clone().reduce(Action::Switch(Switch::WebhookHandling(
        WebhookHandling::Dedicated,
    )));
    assert_eq!(
        switched.changes_since(&start),
        vec![Change::ControlPlane(C::WebhookHandling(
            WebhookHandling::Dedicated
        ))]
    );
    let slow = start.clone().reduce(Action::ToggleSlowWebhook);
    assert_eq!(
        slow.changes_since(&start),
        vec![Change::ControlPlane(C::SlowWebhook(50.0))]
    );
    let twice = start
        .clone()
        .reduce(Action::LeaderElection)
        .reduce(Action::LeaderElection);
    assert_eq!(
        twice.changes_since(&start).len(),
        2,
        "each press is one election"
    );
    let paused = start.clone().reduce(Action::TogglePlay);
    assert!(!paused.playing && paused.changes_since(&start).is_empty());
}

#[wasm_bindgen_test]
fn logarithmic_sliders_map_positions_both_ways() {
    let range = Knob::Nodes.range();
    assert_eq!(range.from_position(0.0), 1.0);
    assert_eq!(range.from_position(1000.0), 15_000.0);
    let position = range.to_position(1_000.0);
    assert!((range.from_position(position) - 1_000.0).abs() / 1_000.0 < 0.01);
    let speed = Knob::Speed.range();
    assert!(
        (speed.from_position(500.0) - 1.0).abs() < 1e-9,
        "1× sits in the middle of 0.01×-100×"
    );
    assert_eq!(cplab::ui::chart::nice_ceiling(13.0), 20.0);
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
