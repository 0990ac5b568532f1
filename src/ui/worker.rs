//! The worker side of the page's long computations.
//!
//! The page starts a module worker (`static/worker.js`) that imports this
//! same wasm module; `main` sees no window and does nothing, and every
//! message reaches [`worker_message`]: a JSON [`JobRequest`]. The newest
//! request replaces whatever was running. The job runs in steps of a
//! bounded number of events; between steps the worker yields to its event
//! loop (so a newer request can arrive) and posts progress at most every
//! `REPORT_MS`.

use crate::lab::jobs::{JobRequest, JobRunner, JobUpdate};
use std::cell::{Cell, RefCell};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::DedicatedWorkerGlobalScope;

/// Events per step: a few milliseconds of work.
const STEP_EVENTS: u64 = 60_000;
/// Least wall time between two progress reports [ms].
const REPORT_MS: f64 = 120.0;

thread_local! {
    static RUNNER: RefCell<Option<JobRunner>> = const { RefCell::new(None) };
    /// the id of the newest request: an older loop stops when it sees another
    static LATEST: Cell<u32> = const { Cell::new(0) };
}

fn scope() -> Option<DedicatedWorkerGlobalScope> {
    js_sys::global()
        .dyn_into::<DedicatedWorkerGlobalScope>()
        .ok()
}

fn now_ms() -> f64 {
    scope()
        .and_then(|s| s.performance())
        .map_or(0.0, |p| p.now())
}

fn post(update: &JobUpdate) {
    if let (Some(scope), Ok(text)) = (scope(), serde_json::to_string(update)) {
        let _ = scope.post_message(&JsValue::from_str(&text));
    }
}

/// A message from the page.
#[wasm_bindgen]
pub fn worker_message(data: JsValue) {
    let Some(text) = data.as_string() else {
        return;
    };
    let request: JobRequest = match serde_json::from_str(&text) {
        Ok(request) => request,
        Err(error) => {
            web_sys::console::warn_1(&format!("worker: bad request: {error}").into());
            return;
        }
    };
    LATEST.with(|latest| latest.set(request.id));
    match JobRunner::new(&request) {
        Ok(runner) => {
            RUNNER.with(|slot| *slot.borrow_mut() = Some(runner));
            wasm_bindgen_futures::spawn_local(run(request.id));
        }
        Err(error) => post(&JobUpdate::failed(request.id, error)),
    }
}

/// Steps job `id` until it is done or superseded.
async fn run(id: u32) {
    let started = now_ms();
    let mut last_report = f64::NEG_INFINITY;
    loop {
        if LATEST.with(Cell::get) != id {
            return;
        }
        let update = RUNNER.with(|slot| {
            slot.borrow_mut()
                .as_mut()
                .filter(|runner| runner.id() == id)
                .map(|runner| runner.step(STEP_EVENTS))
        });
        let Some(mut update) = update else {
            return;
        };
        let now = now_ms();
        update.elapsed_ms = Some(now - started);
        if update.done || now - last_report >= REPORT_MS {
            post(&update);
            last_report = now;
        }
        if update.done {
            return;
        }
        // Let a newer request in.
        gloo_timers::future::TimeoutFuture::new(0).await;
    }
}
