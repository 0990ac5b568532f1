use crate::lab::jobs::{JobKind, JobUpdate};
use crate::lab::params::{Params, Run};
use crate::lab::precomputed;
use crate::lab::view::{Figure, Panel, Sweep};
use crate::ui::worker::LazyWorker;
use gloo_timers::callback::Timeout;
use yew::prelude::*;

/// A long computation starts this long after the last change [ms], so a
/// slider being dragged does not restart it at every step.
const JOB_DEBOUNCE_MS: u32 = 400;

/// The page's worker and the latest report of its job.
#[derive(Clone)]
pub struct Jobs {
    /// started by the first job, import or export: a visit that needs none
    /// never downloads the worker's module
    pub worker: LazyWorker,
    pub update: UseStateHandle<Option<JobUpdate>>,
}

/// The job a view needs, if any.
fn job_kind(params: &Params) -> Option<JobKind> {
    match (params.view.embed, params.view.panel) {
        (Some(Figure::Table), _) => Some(JobKind::Compare),
        (Some(_), _) => None,
        (None, Panel::Compare) => Some(JobKind::Compare),
        (None, Panel::CaseStudy) => Some(JobKind::CaseStudy),
        (None, Panel::Sweep) => Some(JobKind::Sweep),
        _ => None,
    }
}

/// What a job depends on: the run (and a sweep's range), so moving what
/// cannot change its answer (faults, playback, the view) does not start
/// the computation again.
fn job_key(params: &Params, kind: JobKind) -> (Run, Option<Sweep>) {
    let sweep = (kind == JobKind::Sweep).then_some(params.view.sweep);
    (params.run.clone(), sweep)
}

/// The panels' long computations, in the worker, after a pause in the
/// reader's changes.
#[hook]
pub fn use_jobs(params: &Params) -> Jobs {
    let update = use_state(|| None::<JobUpdate>);
    let worker = {
        let update = update.clone();
        use_memo((), move |_| {
            LazyWorker::new(move |report| update.set(Some(report)))
        })
    };
    let timer = use_mut_ref(|| None::<Timeout>);
    let jobs = Jobs {
        worker: (*worker).clone(),
        update,
    };
    {
        let (worker, update) = ((*worker).clone(), jobs.update.clone());
        let key = job_kind(params).map(|k| (k, job_key(params, k)));
        let current = params.clone();
        use_effect_with(key, move |key| {
            timer.borrow_mut().take();
            if let Some((kind, (run, _))) = key {
                let kind = *kind;
                update.set(None);
                // The default run's table and case study are precomputed
                // (`lab::precomputed`): the worker answers them at once, so
                // there is nothing to debounce.
                let delay = match precomputed::covers(kind, run) {
                    true => 0,
                    false => JOB_DEBOUNCE_MS,
                };
                *timer.borrow_mut() = Some(Timeout::new(delay, move || {
                    worker.with(|client| client.request_job(kind, &current));
                }));
            }
        });
    }
    jobs
}
