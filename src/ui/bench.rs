//! Benchmarks inside the page, for the scripts `e2e/bench-*.mjs`, chosen by
//! the URL's `bench` parameter. Without it the page is the normal app.
//!
//! - `?bench=engine`: the textbook M/M/10 of `benches/simpy_vs_cplab.sh`
//!   (λ = 9/s, μ = 1/s, c = 10, 200,000 customers), to compare the wasm
//!   build with SimPy and the native CLI on equal work;
//! - `?bench=model`: 60 simulated seconds of the upstream control plane
//!   with 5,000 nodes (`&nodes=` and `&seconds=` change them);
//! - `&runs=N` (both): after one untimed run, repeat N times (default 3) and
//!   report the fastest, as the native benchmarks do; `&seed=N`: the seed
//!   (default 1).
//!
//! Each replaces the app with one `<pre data-testid="bench-result">` holding
//! the result as JSON, timed with `performance.now()`.
//!
//! - `?bench=frames`: the normal app, plus what the responsiveness, start-up
//!   and memory scripts read: after each frame is drawn, the animation
//!   loop's frame count in `<html data-frame>` and the settings that frame
//!   ran with in `<html data-applied>` (see [`frame_drawn`]); and the wasm
//!   memory as `window.cplabMemory` (a `WebAssembly.Memory`).

use crate::lab::controls::CONTROLS;
use crate::lab::params::Params;
use crate::sim::models::control_plane::ControlPlaneSpec;
use crate::sim::{Scenario, Simulation};
use std::cell::Cell;

/// Longest run the URL may ask for, so a typo cannot hang the tab.
const MAX_SIMULATED_SECONDS: u64 = 3_600;
const MAX_CUSTOMERS: u64 = 10_000_000;
const MAX_RUNS: u64 = 20;

thread_local! {
    /// Frames drawn so far; `None` unless the page runs with `?bench=frames`.
    static FRAMES: Cell<Option<u64>> = const { Cell::new(None) };
}

/// The value of `name` in the page's query string, if present.
fn query(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// A whole number from the query string, within `range`, or `default`.
/// (Whole numbers only: parsing floats would add 10 KB of tables to the
/// page.)
fn number(name: &str, range: std::ops::RangeInclusive<u64>, default: u64) -> u64 {
    query(name)
        .and_then(|text| text.parse::<u64>().ok())
        .filter(|value| range.contains(value))
        .unwrap_or(default)
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Runs the benchmark the URL asks for. Returns true when it replaced the
/// app (the caller then does not mount it).
pub fn run_if_requested() -> bool {
    let result = match query("bench").as_deref() {
        Some("engine") => engine(),
        Some("model") => model(),
        Some("frames") => {
            instrument();
            return false;
        }
        _ => return false,
    };
    show(&result);
    true
}

/// The fastest of `runs` runs of `scenario` to its end: (wall ms, the run).
/// One untimed run comes first: Chromium starts wasm in its baseline
/// compiler and moves hot functions to the optimizing one while they run,
/// so the timed runs measure the code a page that has been open for a
/// while runs.
fn fastest(scenario: &Scenario, runs: u64) -> Result<(f64, Simulation), String> {
    let seed = number("seed", 0..=u64::MAX, 1);
    Simulation::new(scenario, seed)
        .map_err(|e| e.to_string())?
        .run_to_end();
    let mut best: Option<(f64, Simulation)> = None;
    for _ in 0..runs.max(1) {
        let started = now_ms();
        let mut simulation = Simulation::new(scenario, seed).map_err(|e| e.to_string())?;
        simulation.run_to_end();
        let elapsed = now_ms() - started;
        if best.as_ref().is_none_or(|(ms, _)| elapsed < *ms) {
            best = Some((elapsed, simulation));
        }
    }
    best.ok_or_else(|| "no run".to_owned())
}

fn runs() -> u64 {
    number("runs", 1..=MAX_RUNS, 3)
}

/// M/M/10 at λ = 9/s, μ = 1/s: the same workload as the SimPy comparison.
fn engine() -> String {
    let customers = number("customers", 1..=MAX_CUSTOMERS, 200_000) as f64;
    let scenario = Scenario::mm10_benchmark(customers);
    match fastest(&scenario, runs()) {
        Ok((ms, simulation)) => {
            // The station's one class; its summary, not the run's, keeps
            // the run summary's maps and serde_json out of the page.
            let (completed, wait) = simulation
                .metrics()
                .first()
                .map(|class| class.summary())
                .map_or((0, 0.0), |c| (c.completed, c.mean_queue_wait_s));
            format!(
                r#"{{"bench":"engine","elapsed_ms":{ms},"events":{},"completed":{completed},"mean_queue_wait_s":{wait}}}"#,
                simulation.events()
            )
        }
        Err(error) => failure("engine", &error),
    }
}

/// The upstream control plane at 5,000 nodes, three API servers (as the
/// Kubernetes presets run it), for 60 simulated seconds.
fn model() -> String {
    let nodes = number("nodes", 1..=15_000, 5_000) as u32;
    let seconds = number("seconds", 1..=MAX_SIMULATED_SECONDS, 60) as f64;
    let scenario = Scenario {
        name: format!("upstream, {nodes} nodes"),
        duration: seconds,
        control_plane: Some(ControlPlaneSpec {
            api_servers: 3,
            ..ControlPlaneSpec::upstream(nodes)
        }),
        ..Scenario::default()
    };
    match fastest(&scenario, runs()) {
        Ok((ms, simulation)) => format!(
            r#"{{"bench":"model","nodes":{nodes},"simulated_s":{seconds},"elapsed_ms":{ms},"events":{}}}"#,
            simulation.events()
        ),
        Err(error) => failure("model", &error),
    }
}

/// A result saying why the benchmark could not run.
fn failure(bench: &str, error: &str) -> String {
    // Only characters that need no escaping in a JSON string.
    let quoted: String = error
        .chars()
        .filter(|c| !matches!(c, '"' | '\\') && !c.is_control())
        .collect();
    format!(r#"{{"bench":"{bench}","error":"{quoted}"}}"#)
}

/// Replaces the page's body with the result (JSON).
fn show(result: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let (Some(body), Ok(pre)) = (document.body(), document.create_element("pre")) else {
        return;
    };
    let _ = pre.set_attribute("data-testid", "bench-result");
    pre.set_text_content(Some(result));
    body.set_text_content(None);
    let _ = body.append_child(&pre);
}

/// Turns on the frame counter and exposes the wasm memory.
fn instrument() {
    FRAMES.with(|frames| frames.set(Some(0)));
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::set(&window, &"cplabMemory".into(), &wasm_bindgen::memory());
    }
}

/// Called by the animation loop after it has drawn a frame with the
/// simulation at the settings `applied`: when instrumented, publishes the
/// frame count and those settings on `<html>` (`data-frame`, and
/// `data-applied` as `id=value` pairs joined by `;`), so a script can tell
/// the first frame that reflects a control's change. Otherwise does nothing.
pub fn frame_drawn(applied: &Params) {
    FRAMES.with(|frames| {
        let Some(count) = frames.get() else {
            return;
        };
        frames.set(Some(count + 1));
        let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        else {
            return;
        };
        let settings: Vec<String> = CONTROLS
            .iter()
            .filter(|row| row.range().is_some())
            .map(|row| format!("{}={}", row.key, applied.get(row.control)))
            .collect();
        let _ = root.set_attribute("data-applied", &settings.join(";"));
        let _ = root.set_attribute("data-frame", &(count + 1).to_string());
    });
}
