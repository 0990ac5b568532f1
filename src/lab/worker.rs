//! The worker's side of [`super::wire`]: what the page's second module
//! does with each message.
//!
//! Files are read and written at once, and so is the default run's table
//! or case study (precomputed); a job replaces the one running and
//! is worked on in steps of a bounded number of events, so the worker can
//! take a newer message between steps. Plain data in and out, tested
//! natively: `src/bin/worker.rs` only moves the bytes and yields to the
//! browser between steps.

use super::jobs::{JobRunner, JobUpdate};
use super::precomputed;
use super::wire::{FromWorker, MetricsExport, ToWorker};
use crate::sim::{Scenario, to_secs};

/// The worker's state: the job in progress, if any.
#[derive(Default)]
pub struct Worker {
    job: Option<JobRunner>,
}

impl Worker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes a message: the answer when there is one at once (a file, a
    /// job that cannot start); a job that starts answers through `step`.
    pub fn receive(&mut self, message: ToWorker) -> Option<FromWorker> {
        match message {
            // The default run's table and case study were computed when
            // the site was built: answered at once, replacing any job.
            ToWorker::Job(request) if let Some(update) = precomputed::answer(&request) => {
                self.job = None;
                Some(FromWorker::Job(update))
            }
            ToWorker::Job(request) => match JobRunner::new(&request) {
                Ok(runner) => {
                    self.job = Some(runner);
                    None
                }
                Err(error) => {
                    self.job = None;
                    Some(FromWorker::Job(JobUpdate::failed(request.id, error)))
                }
            },
            ToWorker::Import { id, text } => Some(FromWorker::Imported {
                id,
                scenario: Scenario::from_toml(&text).map(Box::new),
            }),
            ToWorker::ExportScenario { id, scenario } => Some(FromWorker::Exported {
                id,
                text: scenario_file(&scenario),
            }),
            ToWorker::ExportMetrics { id, metrics } => Some(FromWorker::Exported {
                id,
                text: metrics_json(metrics),
            }),
        }
    }

    /// The id of the job in progress.
    pub fn job(&self) -> Option<u32> {
        self.job.as_ref().map(JobRunner::id)
    }

    /// Works on the job for at most `max_events` events: its progress, or
    /// `None` when no job runs. The update with `done` ends the job.
    pub fn step(&mut self, max_events: u64) -> Option<JobUpdate> {
        let update = self.job.as_mut()?.step(max_events);
        if update.done {
            self.job = None;
        }
        Some(update)
    }
}

/// The page's run as a scenario file that `cplab run` replays.
pub fn scenario_file(scenario: &Scenario) -> String {
    format!(
        "# Exported from Control Plane Lab: `cplab run` on this file prints the page's numbers\n\
         # (the reader's changes are in the timeline, at the simulated times they applied).\n{}",
        scenario.to_toml()
    )
}

/// The page's metrics as JSON: the view, the summary (as `cplab run --json`
/// prints it) and the live windows per class.
pub fn metrics_json(metrics: MetricsExport) -> String {
    let windows: serde_json::Map<String, serde_json::Value> = metrics
        .windows
        .into_iter()
        .map(|(class, windows)| {
            let rows = windows
                .iter()
                .map(|w| {
                    serde_json::json!({
                        "start_s": to_secs(w.start), "completed": w.completed, "mean_s": w.mean,
                        "rejected": w.rejected, "timed_out": w.timed_out,
                        "p50_s": w.p50, "p90_s": w.p90, "p99_s": w.p99,
                    })
                })
                .collect();
            (class, serde_json::Value::Array(rows))
        })
        .collect();
    let document = serde_json::json!({
        "view": metrics.view,
        "summary": crate::sim::RunSummary::from(metrics.summary),
        "windows": windows,
    });
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::jobs::{JobKind, JobRequest, JobResult};
    use crate::lab::params::Params;
    use crate::sim::Simulation;

    #[test]
    fn an_import_answers_with_the_scenario_or_the_error_at_its_field() {
        let mut worker = Worker::new();
        let good = crate::sim::studies::catalog::find("k8s-1.30").expect("shipped");
        let answer = worker.receive(ToWorker::Import {
            id: 4,
            text: good.text().to_owned(),
        });
        assert_eq!(
            answer,
            Some(FromWorker::Imported {
                id: 4,
                scenario: good.scenario().map(Box::new)
            })
        );
        let bad = good.text().replace("nodes = 1000", "nodes = 20000");
        let Some(FromWorker::Imported {
            id: 5,
            scenario: Err(error),
        }) = worker.receive(ToWorker::Import { id: 5, text: bad })
        else {
            panic!("a refusal");
        };
        assert_eq!(error.field, "control_plane.workload.nodes");
        assert!(error.line.is_some());
    }

    #[test]
    fn an_exported_scenario_replays_and_the_metrics_are_json() {
        let scenario = Params::default().scenario().expect("valid");
        let mut worker = Worker::new();
        let Some(FromWorker::Exported { text, .. }) = worker.receive(ToWorker::ExportScenario {
            id: 1,
            scenario: scenario.clone(),
        }) else {
            panic!("a file");
        };
        assert!(text.starts_with("# Exported from Control Plane Lab"));
        assert_eq!(Scenario::from_toml(&text), Ok(scenario.clone()));

        let mut sim = Simulation::new(&scenario, 5).expect("runs");
        sim.run_for(30.0);
        let Some(FromWorker::Exported { text, .. }) = worker.receive(ToWorker::ExportMetrics {
            id: 2,
            metrics: MetricsExport::of(&sim, "seed=5".into()),
        }) else {
            panic!("a file");
        };
        let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(json["view"], "seed=5");
        // Both sides parsed from text: serde_json's default float parser
        // may round the last bit, alike on both.
        let summary = serde_json::to_string(&sim.summary()).expect("a summary");
        assert_eq!(
            json["summary"],
            serde_json::from_str::<serde_json::Value>(&summary).expect("JSON")
        );
        assert!(
            json["windows"]["mutating"]
                .as_array()
                .is_some_and(|w| w.len() > 20)
        );
    }

    #[test]
    fn the_default_table_is_answered_at_once_and_a_changed_one_computed() {
        let mut worker = Worker::new();
        let mut changed = Params::default();
        changed.run.seed = 2;
        let request = JobRequest::new(1, JobKind::Compare, &changed);
        assert_eq!(worker.receive(ToWorker::Job(request)), None);
        assert_eq!(worker.job(), Some(1), "computing");
        let request = JobRequest::new(2, JobKind::Compare, &Params::default());
        let Some(FromWorker::Job(update)) = worker.receive(ToWorker::Job(request)) else {
            panic!("an answer at once");
        };
        assert!(update.done && update.precomputed && update.id == 2);
        assert_eq!(worker.job(), None, "the default replaced the running job");
    }

    #[test]
    fn a_newer_job_replaces_the_running_one_and_a_done_job_ends() {
        let mut params = Params::default();
        params.set(crate::lab::controls::Control::Nodes, 100.0);
        let mut worker = Worker::new();
        assert_eq!(worker.step(1_000), None, "no job, no update");
        assert_eq!(
            worker.receive(ToWorker::Job(JobRequest::new(1, JobKind::Compare, &params))),
            None
        );
        assert_eq!(worker.step(1_000).map(|u| u.id), Some(1));
        worker.receive(ToWorker::Job(JobRequest::new(2, JobKind::Sweep, &params)));
        assert_eq!(worker.job(), Some(2));
        let last = std::iter::from_fn(|| worker.step(200_000))
            .inspect(|update| assert_eq!(update.id, 2))
            .last()
            .expect("updates");
        assert!(last.done && last.error.is_none());
        assert!(matches!(last.result, JobResult::Sweep(ref points) if points.len() == 20));
        assert_eq!((worker.job(), worker.step(1_000)), (None, None));
    }
}
