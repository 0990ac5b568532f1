//! `cplab-worker`: the page's second WebAssembly module, run in a worker
//! (`static/worker.js`) and loaded only when the page first asks for what
//! it holds: the article's long computations and reading and writing files
//! (TOML and JSON). The page itself carries neither (see `lab::wire`).
//!
//! Each message from the page (postcard bytes) goes to `lab::worker`; a
//! job runs in steps of a bounded number of events, and between steps the
//! worker yields to its event loop, so a newer message is read at once.
//! Progress goes back at most every `REPORT_MS`.

#[cfg(target_arch = "wasm32")]
mod web {
    use cplab::lab::wire::{self, FromWorker, ToWorker};
    use cplab::lab::worker::Worker;
    use std::cell::{Cell, RefCell};
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;
    use web_sys::DedicatedWorkerGlobalScope;

    /// Events per step: a few milliseconds of work.
    const STEP_EVENTS: u64 = 60_000;
    /// Least wall time between two progress reports [ms].
    const REPORT_MS: f64 = 120.0;

    thread_local! {
        static WORKER: RefCell<Worker> = RefCell::new(Worker::new());
        /// whether the loop that steps jobs is running
        static STEPPING: Cell<bool> = const { Cell::new(false) };
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

    /// Sends `message` to the page; a string tells the page the worker failed.
    fn post(message: &FromWorker) {
        let Some(scope) = scope() else { return };
        let _ = match wire::pack(message) {
            Ok(bytes) => scope.post_message(&js_sys::Uint8Array::from(bytes.as_slice())),
            Err(error) => scope.post_message(&JsValue::from_str(&error)),
        };
    }

    /// A panic aborts this module: the page hears of it and says so,
    /// instead of waiting for an answer that will not come.
    pub fn install_panic_hook() {
        std::panic::set_hook(Box::new(|info| {
            web_sys::console::error_1(&info.to_string().into());
            if let Some(scope) = scope() {
                let _ = scope.post_message(&JsValue::from_str(&format!(
                    "the background worker stopped: {info}"
                )));
            }
        }));
    }

    /// A message from the page.
    #[wasm_bindgen]
    pub fn worker_message(data: JsValue) {
        let Some(bytes) = data.dyn_ref::<js_sys::Uint8Array>().map(|b| b.to_vec()) else {
            return;
        };
        let message = match wire::unpack::<ToWorker>(&bytes) {
            Ok(message) => message,
            Err(error) => {
                web_sys::console::warn_1(&format!("worker: {error}").into());
                return;
            }
        };
        if let Some(answer) = WORKER.with_borrow_mut(|worker| worker.receive(message)) {
            post(&answer);
        }
        if WORKER.with_borrow(|worker| worker.job().is_some()) && !STEPPING.get() {
            STEPPING.set(true);
            wasm_bindgen_futures::spawn_local(step_jobs());
        }
    }

    /// Steps the job in progress, and whichever replaces it, until none is left.
    async fn step_jobs() {
        let mut job = None;
        let (mut started, mut last_report) = (0.0, f64::NEG_INFINITY);
        while let Some(mut update) = WORKER.with_borrow_mut(|worker| worker.step(STEP_EVENTS)) {
            if job != Some(update.id) {
                job = Some(update.id);
                (started, last_report) = (now_ms(), f64::NEG_INFINITY);
            }
            let now = now_ms();
            update.elapsed_ms = Some(now - started);
            if update.done || now - last_report >= REPORT_MS {
                last_report = now;
                post(&FromWorker::Job(update));
            }
            // Let a newer message in.
            gloo_timers::future::TimeoutFuture::new(0).await;
        }
        STEPPING.set(false);
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {
    web::install_panic_hook();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "cplab-worker is the web page's worker module: Trunk builds it for the page (see index.html). \
         The command-line tool is `cplab`."
    );
}
