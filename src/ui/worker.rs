//! The page's side of its worker: the second WebAssembly module
//! (`cplab-worker`, see `src/bin/worker.rs`), which holds the long
//! computations and the TOML and JSON files the live page does without.
//!
//! The worker starts with the first request, so a visit that never opens
//! a panel, imports or exports never downloads it. Requests and answers
//! are postcard bytes (`lab::wire`). A job's updates go to one handler
//! (only the newest job's); an import or export is answered once, to the
//! callback given with it. Should the worker fail to start or stop (a
//! panic, a module that does not load), every pending request is answered
//! with the reason, so no panel waits forever.

use crate::lab::jobs::{JobKind, JobRequest, JobUpdate};
use crate::lab::params::Params;
use crate::lab::wire::{self, FromWorker, MetricsExport, ToWorker};
use crate::sim::{Scenario, ScenarioError};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, WorkerOptions, WorkerType};

/// What waits for the worker's answer.
enum Pending {
    Import(Box<dyn FnOnce(Result<Scenario, ScenarioError>)>),
    Export(Box<dyn FnOnce(Result<String, String>)>),
}

impl Pending {
    fn fail(self, reason: &str) {
        match self {
            Pending::Import(done) => done(Err(ScenarioError::new("", reason))),
            Pending::Export(done) => done(Err(reason.to_owned())),
        }
    }
}

/// The state shared with the worker's message handler.
struct Shared {
    /// id of the newest job; only its updates are shown
    latest_job: Cell<u32>,
    /// whether the newest job has yet to send its last update
    job_running: Cell<bool>,
    next_id: Cell<u32>,
    on_job: Box<dyn Fn(JobUpdate)>,
    pending: RefCell<Vec<(u32, Pending)>>,
    /// why the worker cannot answer, once it has failed
    failed: RefCell<Option<String>>,
}

impl Shared {
    fn next_id(&self) -> u32 {
        let id = self.next_id.get().wrapping_add(1);
        self.next_id.set(id);
        id
    }

    fn answer(&self, message: FromWorker) {
        match message {
            FromWorker::Job(update) => {
                if update.id == self.latest_job.get() {
                    self.job_running.set(!update.done);
                    (self.on_job)(update);
                }
            }
            FromWorker::Imported { id, scenario } => {
                if let Some(Pending::Import(done)) = self.take(id) {
                    done(scenario.map(|boxed| *boxed));
                }
            }
            FromWorker::Exported { id, text } => {
                if let Some(Pending::Export(done)) = self.take(id) {
                    done(Ok(text));
                }
            }
        }
    }

    fn take(&self, id: u32) -> Option<Pending> {
        let mut pending = self.pending.borrow_mut();
        let at = pending.iter().position(|(waiting, _)| *waiting == id)?;
        Some(pending.remove(at).1)
    }

    /// The worker cannot answer: everything waiting hears why.
    fn fail(&self, reason: String) {
        web_sys::console::error_1(&format!("worker: {reason}").into());
        if self.job_running.replace(false) {
            (self.on_job)(JobUpdate::failed(self.latest_job.get(), reason.clone()));
        }
        let waiting = std::mem::take(&mut *self.pending.borrow_mut());
        for (_, pending) in waiting {
            pending.fail(&reason);
        }
        *self.failed.borrow_mut() = Some(reason);
    }
}

/// A worker and the handlers of its messages and errors.
struct Started {
    worker: web_sys::Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

/// The page's build, as the content hash in its script's name (Trunk's
/// loader tag carries the name, see Trunk.toml); empty where unknown.
fn build_hash() -> String {
    let name = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("cplab-loader"))
        .and_then(|tag| tag.get_attribute("data-js"))
        .unwrap_or_default();
    let stem = name.trim_end_matches(".js");
    let hash = stem.rsplit('-').next().unwrap_or_default();
    match hash.len() >= 8 && hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        true => hash.to_owned(),
        false => String::new(),
    }
}

fn start(shared: &Rc<Shared>) -> Result<Started, String> {
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    // Relative to the page: the site works under any sub-path. The query
    // ties the worker's unhashed files to this build (see static/worker.js).
    let script = match build_hash() {
        hash if hash.is_empty() => "worker.js".to_owned(),
        hash => format!("worker.js?v={hash}"),
    };
    let worker = web_sys::Worker::new_with_options(&script, &options)
        .map_err(|error| format!("this browser cannot start the worker ({error:?})"))?;
    let on_message = {
        let shared = shared.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            if let Some(reason) = data.as_string() {
                return shared.fail(reason);
            }
            let Some(bytes) = data.dyn_ref::<js_sys::Uint8Array>().map(|b| b.to_vec()) else {
                return;
            };
            match wire::unpack::<FromWorker>(&bytes) {
                Ok(message) => shared.answer(message),
                Err(error) => shared.fail(error),
            }
        })
    };
    let on_error = {
        let shared = shared.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_event: web_sys::Event| {
            shared.fail("the worker could not load".to_owned());
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(Started {
        worker,
        _on_message: on_message,
        _on_error: on_error,
    })
}

/// The page's handle on its worker.
pub struct WorkerClient {
    started: Result<Started, String>,
    shared: Rc<Shared>,
}

impl WorkerClient {
    /// Starts the worker; `on_job` receives the newest job's updates.
    pub fn new(on_job: impl Fn(JobUpdate) + 'static) -> Self {
        let shared = Rc::new(Shared {
            latest_job: Cell::new(0),
            job_running: Cell::new(false),
            next_id: Cell::new(0),
            on_job: Box::new(on_job),
            pending: RefCell::new(Vec::new()),
            failed: RefCell::new(None),
        });
        Self {
            started: start(&shared),
            shared,
        }
    }

    /// Whether the worker has failed and answers nothing more.
    pub fn has_failed(&self) -> bool {
        self.started.is_err() || self.shared.failed.borrow().is_some()
    }

    /// Sends `message`, or `Err` with why the worker cannot take it.
    fn send(&self, message: &ToWorker) -> Result<(), String> {
        if let Some(reason) = self.shared.failed.borrow().clone() {
            return Err(reason);
        }
        let started = self.started.as_ref().map_err(Clone::clone)?;
        let bytes = wire::pack(message)?;
        started
            .worker
            .post_message(&js_sys::Uint8Array::from(bytes.as_slice()))
            .map_err(|error| format!("the worker cannot take a message ({error:?})"))
    }

    /// Starts `kind` for the view `params`; an older job is dropped.
    pub fn request_job(&self, kind: JobKind, params: &Params) {
        let id = self.shared.next_id();
        self.shared.latest_job.set(id);
        let request = JobRequest::new(id, kind, params);
        match self.send(&ToWorker::Job(request)) {
            Ok(()) => self.shared.job_running.set(true),
            Err(reason) => {
                self.shared.job_running.set(false);
                (self.shared.on_job)(JobUpdate::failed(id, reason));
            }
        }
    }

    /// Reads the scenario file `text`; `done` gets the scenario or the error.
    pub fn import(
        &self,
        text: String,
        done: impl FnOnce(Result<Scenario, ScenarioError>) + 'static,
    ) {
        let message = |id| ToWorker::Import { id, text };
        self.ask(message, Pending::Import(Box::new(done)));
    }

    /// Writes `scenario` as a scenario file; `done` gets its text.
    pub fn export_scenario(
        &self,
        scenario: Scenario,
        done: impl FnOnce(Result<String, String>) + 'static,
    ) {
        let message = |id| ToWorker::ExportScenario { id, scenario };
        self.ask(message, Pending::Export(Box::new(done)));
    }

    /// Writes `metrics` as JSON; `done` gets its text.
    pub fn export_metrics(
        &self,
        metrics: MetricsExport,
        done: impl FnOnce(Result<String, String>) + 'static,
    ) {
        let message = |id| ToWorker::ExportMetrics { id, metrics };
        self.ask(message, Pending::Export(Box::new(done)));
    }

    /// Sends the request `message(id)` under a fresh id; `pending` gets the answer.
    fn ask(&self, message: impl FnOnce(u32) -> ToWorker, pending: Pending) {
        let id = self.shared.next_id();
        match self.send(&message(id)) {
            Ok(()) => self.shared.pending.borrow_mut().push((id, pending)),
            Err(reason) => pending.fail(&reason),
        }
    }
}

impl Drop for WorkerClient {
    fn drop(&mut self) {
        if let Ok(started) = &self.started {
            started.worker.terminate();
        }
    }
}

/// The page's worker, started by its first use.
#[derive(Clone)]
pub struct LazyWorker {
    client: Rc<RefCell<Option<WorkerClient>>>,
    on_job: Rc<dyn Fn(JobUpdate)>,
}

impl PartialEq for LazyWorker {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.client, &other.client)
    }
}

impl LazyWorker {
    /// A worker not started yet; `on_job` will receive job updates.
    pub fn new(on_job: impl Fn(JobUpdate) + 'static) -> Self {
        Self {
            client: Rc::new(RefCell::new(None)),
            on_job: Rc::new(on_job),
        }
    }

    /// Runs `use_it` with the worker, starting it if need be. A worker that
    /// failed (its module did not load, or it stopped) is replaced by a
    /// fresh one: what failed has been answered, the next request retries.
    pub fn with<R>(&self, use_it: impl FnOnce(&WorkerClient) -> R) -> R {
        let mut client = self.client.borrow_mut();
        if client.as_ref().is_some_and(WorkerClient::has_failed) {
            *client = None;
        }
        let on_job = self.on_job.clone();
        use_it(client.get_or_insert_with(|| WorkerClient::new(move |update| on_job(update))))
    }
}
