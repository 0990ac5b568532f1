//! The answers a first visitor's panels ask for, computed when the site is
//! built: the article's table and the case study for the page's default
//! settings and seed. Every visitor would otherwise wait for the same
//! numbers (tens of seconds in the worker); the worker answers a request
//! for exactly the default run from here at once, and computes any other.
//!
//! `precomputed.bin` is the jobs' results packed with postcard, as
//! `catalog.bin` is the scenarios: a test computes them afresh with the
//! worker's own [`JobRunner`] and fails when they differ (rewrite it with
//! `CPLAB_BLESS=1 cargo test --lib precomputed`). Only the worker's module
//! reads it, so the page does not carry it.

use super::jobs::{JobKind, JobRequest, JobResult, JobUpdate};
use super::params::{Params, Run};
use std::sync::OnceLock;

/// The jobs precomputed for the default run, in the order they are packed.
pub const KINDS: [JobKind; 2] = [JobKind::Compare, JobKind::CaseStudy];

/// Each of `KINDS` with its result for the default run, packed with postcard.
const PACKED: &[u8] = include_bytes!("precomputed.bin");

/// The packed results, unpacked once (empty if they cannot be read: the
/// worker then computes them, as for any other run).
fn unpacked() -> &'static [(JobKind, JobResult)] {
    static UNPACKED: OnceLock<Vec<(JobKind, JobResult)>> = OnceLock::new();
    UNPACKED.get_or_init(|| postcard::from_bytes(PACKED).unwrap_or_default())
}

/// Whether a job of `kind` for `run` is precomputed: one of `KINDS`, for
/// exactly the page's default run (its preset, every setting, its seed).
pub fn covers(kind: JobKind, run: &Run) -> bool {
    KINDS.contains(&kind) && *run == Params::default().run
}

/// The final update of `request`, without computing it, when `covers` its
/// job; `None` for anything else, an imported scenario included.
pub fn answer(request: &JobRequest) -> Option<JobUpdate> {
    let params = request.params().ok()?;
    if request.imported.is_some() || !covers(request.kind, &params.run) {
        return None;
    }
    let (_, result) = unpacked().iter().find(|(kind, _)| *kind == request.kind)?;
    Some(JobUpdate {
        id: request.id,
        progress: 1.0,
        done: true,
        result: result.clone(),
        error: None,
        elapsed_ms: None,
        precomputed: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::controls::Control;
    use crate::lab::jobs::JobRunner;
    use crate::lab::view::{Figure, Panel};

    /// What the worker computes for `request`, in its steps.
    fn computed(request: &JobRequest) -> JobResult {
        let mut runner = JobRunner::new(request).expect("the default run is valid");
        loop {
            let update = runner.step(60_000);
            if update.done {
                return update.result;
            }
        }
    }

    #[test]
    fn the_precomputed_results_are_the_default_jobs_computed_afresh() {
        let params = Params::default();
        // One thread per job: the slower one (the table) sets the time.
        let fresh: Vec<(JobKind, JobResult)> = std::thread::scope(|scope| {
            let threads: Vec<_> = KINDS
                .iter()
                .map(|&kind| {
                    let request = JobRequest::new(1, kind, &params);
                    scope.spawn(move || (kind, computed(&request)))
                })
                .collect();
            threads
                .into_iter()
                .map(|thread| thread.join().expect("a job runs"))
                .collect()
        });
        let packed = postcard::to_allocvec(&fresh).expect("results pack");
        if packed != PACKED {
            if std::env::var_os("CPLAB_BLESS").is_some() {
                let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/lab/precomputed.bin");
                std::fs::write(path, &packed).expect("precomputed.bin is writable");
                eprintln!("wrote {path} ({} bytes): rebuild to use it", packed.len());
            } else {
                panic!(
                    "src/lab/precomputed.bin is not the default table and case study computed afresh \
                     (the model, a shipped scenario, the default settings or a result type changed): \
                     rewrite it with `CPLAB_BLESS=1 cargo test --lib precomputed`"
                );
            }
        }
    }

    #[test]
    fn only_a_request_for_exactly_the_default_run_is_answered_at_once() {
        let default = Params::default();
        for kind in KINDS {
            let update = answer(&JobRequest::new(7, kind, &default)).expect("precomputed");
            assert_eq!((update.id, update.done, update.progress), (7, true, 1.0));
            assert!(update.precomputed && update.error.is_none());
            let complete = match &update.result {
                JobResult::Compare(columns) => columns
                    .iter()
                    .all(|c| c.measured.is_some() && c.capacity.is_some()),
                JobResult::CaseStudy(rows) => rows.len() == crate::lab::jobs::case_masks().len(),
                JobResult::Sweep(_) => false,
            };
            assert!(complete, "{kind:?}: every figure");
        }
        // The view is not part of the run: the panel and the table embed
        // get the same answer.
        let mut panel = default.clone();
        panel.view.panel = Panel::Compare;
        let mut embed = default.clone();
        embed.view.embed = Some(Figure::Table);
        assert_eq!(
            answer(&JobRequest::new(1, JobKind::Compare, &panel)).map(|u| u.result),
            answer(&JobRequest::new(2, JobKind::Compare, &embed)).map(|u| u.result)
        );
        assert!(answer(&JobRequest::new(1, JobKind::Sweep, &default)).is_none());

        // Any change of the run is computed.
        let mut seed = default.clone();
        seed.run.seed = 2;
        let mut slider = default.clone();
        slider.set(Control::EtcdFsyncLatency, 20.0);
        let mut nodes = default.clone();
        nodes.set(Control::Nodes, 500.0);
        let preset = default.with_preset("k8s-1.30").expect("shipped");
        let mut imported = default.clone();
        imported.run.base = crate::lab::params::Base::Imported(std::rc::Rc::new(
            default.scenario().expect("valid"),
        ));
        for changed in [seed, slider, nodes, preset, imported] {
            for kind in KINDS {
                assert_eq!(answer(&JobRequest::new(1, kind, &changed)), None);
            }
        }
    }
}
