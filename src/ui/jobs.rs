//! The page's side of the long computations: a module worker running the
//! page's own wasm (see `worker.rs`), or, where no worker can start, the
//! same jobs in small steps on the main thread.

use crate::lab::jobs::{JobKind, JobRequest, JobRunner, JobUpdate};
use crate::lab::params::Params;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

/// Events per step when jobs run on the main thread (a few ms a step).
const MAIN_THREAD_STEP: u64 = 15_000;

/// Sends jobs and hands their updates to `on_update`.
pub struct JobClient {
    worker: Option<Worker>,
    _on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
    next_id: Rc<Cell<u32>>,
    on_update: Rc<dyn Fn(JobUpdate)>,
    /// the fallback's current runner
    local: Rc<RefCell<Option<JobRunner>>>,
}

/// The page's own module script and wasm, as absolute addresses: from the
/// loader's data attributes (see Trunk.toml), or Trunk's preload links.
fn module_urls() -> Option<(String, String)> {
    let document = web_sys::window()?.document()?;
    let base = document.base_uri().ok()??;
    let absolute = |relative: String| -> Option<String> {
        web_sys::Url::new_with_base(&relative, &base)
            .ok()
            .map(|url| url.href())
    };
    if let Some(loader) = document.get_element_by_id("cplab-loader")
        && let (Some(js), Some(wasm)) = (
            loader.get_attribute("data-js"),
            loader.get_attribute("data-wasm"),
        )
    {
        return Some((absolute(js)?, absolute(wasm)?));
    }
    let href = |selector: &str| -> Option<String> {
        document
            .query_selector(selector)
            .ok()??
            .dyn_into::<web_sys::HtmlLinkElement>()
            .ok()
            .map(|link| link.href())
    };
    let glue = href("link[rel=modulepreload][href$='.js']")?;
    let wasm = href("link[rel=preload][href$='.wasm']")?;
    Some((glue, wasm))
}

/// A worker and the handler of its messages.
type Started = (Worker, Closure<dyn FnMut(MessageEvent)>);

fn start_worker(on_update: Rc<dyn Fn(JobUpdate)>, latest: Rc<Cell<u32>>) -> Option<Started> {
    let (glue, wasm) = module_urls()?;
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    // Relative to the page: the site works under any sub-path.
    let worker = Worker::new_with_options("worker.js", &options).ok()?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some(text) = event.data().as_string() else {
            return;
        };
        if let Ok(update) = serde_json::from_str::<JobUpdate>(&text)
            && update.id == latest.get()
        {
            on_update(update);
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let start = js_sys::Object::new();
    js_sys::Reflect::set(&start, &"glue".into(), &glue.into()).ok()?;
    js_sys::Reflect::set(&start, &"wasm".into(), &wasm.into()).ok()?;
    worker.post_message(&start).ok()?;
    Some((worker, on_message))
}

impl JobClient {
    pub fn new(on_update: impl Fn(JobUpdate) + 'static) -> Self {
        let on_update: Rc<dyn Fn(JobUpdate)> = Rc::new(on_update);
        let next_id = Rc::new(Cell::new(0));
        let (worker, on_message) = match start_worker(on_update.clone(), next_id.clone()) {
            Some((worker, closure)) => (Some(worker), Some(closure)),
            None => (None, None),
        };
        Self {
            worker,
            _on_message: on_message,
            next_id,
            on_update,
            local: Rc::new(RefCell::new(None)),
        }
    }

    /// Whether jobs run in a worker (false: on the main thread, in steps).
    pub fn in_worker(&self) -> bool {
        self.worker.is_some()
    }

    /// Starts `kind` for the view `params`; an older job is dropped.
    pub fn request(&self, kind: JobKind, params: &Params) {
        let id = self.next_id.get().wrapping_add(1);
        self.next_id.set(id);
        let request = JobRequest::new(id, kind, params);
        if let Some(worker) = &self.worker
            && let Ok(text) = serde_json::to_string(&request)
            && worker.post_message(&JsValue::from_str(&text)).is_ok()
        {
            return;
        }
        match JobRunner::new(&request) {
            Ok(runner) => {
                *self.local.borrow_mut() = Some(runner);
                let (local, latest, on_update) = (
                    self.local.clone(),
                    self.next_id.clone(),
                    self.on_update.clone(),
                );
                wasm_bindgen_futures::spawn_local(async move {
                    loop {
                        if latest.get() != id {
                            return;
                        }
                        let update = local
                            .borrow_mut()
                            .as_mut()
                            .filter(|r| r.id() == id)
                            .map(|r| r.step(MAIN_THREAD_STEP));
                        let Some(update) = update else { return };
                        let done = update.done;
                        on_update(update);
                        if done {
                            return;
                        }
                        // One step per frame's worth of time: the page stays responsive.
                        gloo_timers::future::TimeoutFuture::new(16).await;
                    }
                });
            }
            Err(error) => (self.on_update)(JobUpdate::failed(id, error)),
        }
    }
}

impl Drop for JobClient {
    fn drop(&mut self) {
        if let Some(worker) = &self.worker {
            worker.terminate();
        }
    }
}
