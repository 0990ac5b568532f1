//! The long computations behind the comparison table, the case study and
//! the sweep: each a [`JobRunner`] that works in steps of a bounded number
//! of events, so a worker can answer a newer request between steps (and
//! the page could run one between frames).
//!
//! Requests and updates are plain serde data: they cross to the worker
//! packed (see `wire.rs`). A request carries the view as its URL query (the
//! same text a link carries, see `url.rs`), plus the imported scenario if
//! there is one.

use super::controls::{CONTROLS, Control};
use super::params::{Base, Params, Run, Values};
use super::url;
use crate::sim::models::control_plane::MetricClass;
use crate::sim::studies::capacity::{CapacityResult, CapacitySearch, Progress};
use crate::sim::studies::case_study::{self, ALL_CHANGES, CHANGES, CaseResult};
use crate::sim::studies::comparison::{COLUMNS, Measured, column_scenario, measured};
use crate::sim::{Scenario, Simulation};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// What to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobKind {
    /// the article's table: every column's latency rows and capacity
    Compare,
    /// the case study: before, each change, after
    CaseStudy,
    /// p99 against the sweep slider's range
    Sweep,
}

/// A request to the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRequest {
    /// answers carry it back; a newer request supersedes older ones
    pub id: u32,
    pub kind: JobKind,
    /// the view, as its URL query
    pub query: String,
    /// the imported scenario, when the view's base is one
    pub imported: Option<Scenario>,
}

impl JobRequest {
    pub fn new(id: u32, kind: JobKind, params: &Params) -> Self {
        Self {
            id,
            kind,
            query: url::to_query(params),
            imported: match &params.run.base {
                Base::Imported(scenario) => Some((**scenario).clone()),
                Base::Preset(_) => None,
            },
        }
    }

    /// The view the request describes.
    pub fn params(&self) -> Result<Params, String> {
        let (mut params, _) = url::from_query(&self.query);
        if let Some(scenario) = &self.imported {
            scenario.check().map_err(|e| e.to_string())?;
            params.run.base = Base::Imported(std::rc::Rc::new(scenario.clone()));
        }
        Ok(params)
    }
}

/// One column of the comparison, as far as it is computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnResult {
    pub preset: String,
    pub measured: Option<Measured>,
    pub capacity: Option<CapacityResult>,
}

/// One row of the case study.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseRow {
    /// bits of `case_study::CHANGES` applied
    pub mask: u8,
    pub result: CaseResult,
}

/// One point of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    /// the slider's value
    pub value: f64,
    /// p50 and p99 of API requests after the warm-up [s]
    pub p50_s: f64,
    pub p99_s: f64,
    /// 429s and timeouts per simulated second
    pub rejected_rate: f64,
    pub timeout_rate: f64,
}

impl SweepPoint {
    /// Requests that failed (429s and timeouts) per simulated second.
    pub fn failed_rate(&self) -> f64 {
        self.rejected_rate + self.timeout_rate
    }
}

/// What a job has computed so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum JobResult {
    Compare(Vec<ColumnResult>),
    CaseStudy(Vec<CaseRow>),
    Sweep(Vec<SweepPoint>),
}

/// A progress report (the last one has `done`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobUpdate {
    pub id: u32,
    /// of the whole job, in [0, 1]
    pub progress: f64,
    pub done: bool,
    pub result: JobResult,
    /// why the job could not run
    pub error: Option<String>,
    /// wall time since the job started [ms], where the runner's host
    /// measures it (the worker does; the simulation itself has no clock)
    #[serde(default)]
    pub elapsed_ms: Option<f64>,
    /// the result was computed when the site was built, not now (see
    /// `precomputed.rs`)
    #[serde(default)]
    pub precomputed: bool,
}

impl JobUpdate {
    /// The one, final update of job `id`, which could not run.
    pub fn failed(id: u32, error: String) -> Self {
        Self {
            id,
            progress: 1.0,
            done: true,
            result: JobResult::Sweep(Vec::new()),
            error: Some(error),
            elapsed_ms: None,
            precomputed: false,
        }
    }
}

/// The case study's rows, in order: before, each change alone, after.
pub fn case_masks() -> Vec<u8> {
    let mut masks = vec![0];
    masks.extend((0..CHANGES.len()).map(|i| 1u8 << i));
    masks.push(ALL_CHANGES);
    masks
}

/// Points in a sweep.
pub const SWEEP_POINTS: usize = 20;
/// Simulated seconds of one sweep point, and of its warm-up.
pub const SWEEP_SECONDS: f64 = 60.0;
pub const SWEEP_WARMUP: f64 = 10.0;

/// The sliders the comparison and the case study take from the reader:
/// every setting's slider the reader moved, except the size of the cluster
/// (each column or case fixes its own).
fn carried(control: Control) -> bool {
    control.row().is_model_slider() && control != Control::Nodes
}

/// The reader's moved sliders, applied to `scenario` (a preset's).
fn with_readers_sliders(reader: &Run, reader_base: &Run, scenario: &mut Scenario) {
    let Some(spec) = scenario.control_plane.as_mut() else {
        return;
    };
    let own = Values::of_spec(spec);
    let mut target = own;
    for row in CONTROLS.iter().filter(|r| carried(r.control)) {
        let control = row.control;
        if !row.same(reader.settings[control], reader_base.settings[control]) {
            target[control] = reader.settings[control];
        }
    }
    target.apply_differences(&own, spec);
}

enum Work {
    Measure(usize, Box<Simulation>),
    Capacity(usize, Box<CapacitySearch>),
    Run(usize, Box<Simulation>),
}

/// A job in progress.
pub struct JobRunner {
    id: u32,
    result: JobResult,
    /// what is left, in order
    queue: VecDeque<Work>,
    /// steps of work in all (for progress)
    total: usize,
    /// the sweep's values
    values: Vec<f64>,
}

impl JobRunner {
    pub fn new(request: &JobRequest) -> Result<Self, String> {
        let params = request.params()?;
        let reader = &params.run;
        let reader_base = reader.base_run().map_err(|e| e.to_string())?;
        let seed = reader.seed;
        let mut queue = VecDeque::new();
        let mut values = Vec::new();
        let result = match request.kind {
            JobKind::Compare => {
                for (i, column) in COLUMNS.iter().enumerate() {
                    let scenario =
                        column_scenario(column, |s| with_readers_sliders(reader, &reader_base, s))
                            .map_err(|e| e.to_string())?;
                    let sim = Simulation::new(&scenario, seed).map_err(|e| e.to_string())?;
                    queue.push_back(Work::Measure(i, Box::new(sim)));
                }
                for (i, column) in COLUMNS.iter().enumerate() {
                    let scenario =
                        column_scenario(column, |s| with_readers_sliders(reader, &reader_base, s))
                            .map_err(|e| e.to_string())?;
                    let search =
                        CapacitySearch::new(&scenario, seed, None).map_err(|e| e.to_string())?;
                    queue.push_back(Work::Capacity(i, Box::new(search)));
                }
                JobResult::Compare(
                    COLUMNS
                        .iter()
                        .map(|c| ColumnResult {
                            preset: c.preset.to_owned(),
                            measured: None,
                            capacity: None,
                        })
                        .collect(),
                )
            }
            JobKind::CaseStudy => {
                for (i, mask) in case_masks().into_iter().enumerate() {
                    let scenario = case_study::variant(mask, |s| {
                        with_readers_sliders(reader, &reader_base, s)
                    })
                    .map_err(|e| e.to_string())?;
                    let sim = Simulation::new(&scenario, seed).map_err(|e| e.to_string())?;
                    queue.push_back(Work::Run(i, Box::new(sim)));
                }
                JobResult::CaseStudy(Vec::new())
            }
            JobKind::Sweep => {
                let sweep = params.view.sweep;
                let range = sweep
                    .control
                    .row()
                    .range()
                    .ok_or("the sweep needs a slider")?;
                let (from, to) = (sweep.from, sweep.to);
                for i in 0..SWEEP_POINTS {
                    let t = i as f64 / (SWEEP_POINTS - 1) as f64;
                    let value = if i == 0 {
                        from
                    } else if i == SWEEP_POINTS - 1 {
                        to
                    } else if range.logarithmic && from > 0.0 && to > 0.0 {
                        (from.ln() + t * (to.ln() - from.ln())).exp()
                    } else {
                        from + t * (to - from)
                    };
                    let value = range.clamp(value).unwrap_or(range.min);
                    let mut point = params.clone();
                    point.set(sweep.control, value);
                    let mut scenario = point.scenario().map_err(|e| e.to_string())?;
                    scenario.duration = SWEEP_SECONDS;
                    scenario.warmup = SWEEP_WARMUP;
                    let sim = Simulation::new(&scenario, seed).map_err(|e| e.to_string())?;
                    values.push(value);
                    queue.push_back(Work::Run(i, Box::new(sim)));
                }
                JobResult::Sweep(Vec::new())
            }
        };
        Ok(Self {
            id: request.id,
            result,
            total: queue.len(),
            queue,
            values,
        })
    }

    pub fn id(&self) -> u32 {
        self.id
    }

    /// Works for at most `max_events` events.
    pub fn step(&mut self, max_events: u64) -> JobUpdate {
        let mut budget = max_events;
        let mut within = 0.0;
        while budget > 0 {
            let Some(work) = self.queue.front_mut() else {
                break;
            };
            match work {
                Work::Measure(_, sim) | Work::Run(_, sim) => {
                    let end = sim.end();
                    let advance = sim.advance_bounded(end, budget);
                    budget = budget.saturating_sub(advance.events.max(1));
                    if !advance.reached {
                        within = sim.now() as f64 / end.max(1) as f64;
                        continue;
                    }
                }
                Work::Capacity(_, search) => match search.step(budget) {
                    Progress::Running { fraction, .. } => {
                        within = fraction;
                        budget = 0;
                        continue;
                    }
                    Progress::Done(_) => budget = budget.saturating_sub(1),
                },
            }
            // The front item is finished: record it.
            if let Some(work) = self.queue.pop_front() {
                self.record(work);
            }
            within = 0.0;
        }
        let done_items = self.total - self.queue.len();
        JobUpdate {
            id: self.id,
            progress: ((done_items as f64 + within) / self.total.max(1) as f64).min(1.0),
            done: self.queue.is_empty(),
            result: self.result.clone(),
            error: None,
            elapsed_ms: None,
            precomputed: false,
        }
    }

    fn record(&mut self, work: Work) {
        match (work, &mut self.result) {
            (Work::Measure(i, sim), JobResult::Compare(columns)) => {
                if let Some(column) = columns.get_mut(i) {
                    column.measured = Some(measured(&sim));
                }
            }
            (Work::Capacity(i, mut search), JobResult::Compare(columns)) => {
                if let (Some(column), Progress::Done(result)) = (columns.get_mut(i), search.step(0))
                {
                    column.capacity = Some(result);
                }
            }
            (Work::Run(i, sim), JobResult::CaseStudy(rows)) => {
                let mask = case_masks().get(i).copied().unwrap_or(0);
                rows.push(CaseRow {
                    mask,
                    result: case_study::figures(&sim),
                });
            }
            (Work::Run(i, sim), JobResult::Sweep(points)) => {
                let summary = sim.summary();
                let mut latency = crate::sim::LatencyHistogram::<u64>::new();
                let (mut rejected, mut timed_out) = (0u64, 0u64);
                for class in MetricClass::api_of(sim.metrics()) {
                    latency.merge(class.response());
                    rejected += class.measured.rejected;
                    timed_out += class.measured.timed_out;
                }
                let measured_s = (summary.simulated_s - summary.warmup_s).max(1e-9);
                points.push(SweepPoint {
                    value: self.values.get(i).copied().unwrap_or(0.0),
                    p50_s: latency.quantile(0.5),
                    p99_s: latency.quantile(0.99),
                    rejected_rate: rejected as f64 / measured_s,
                    timeout_rate: timed_out as f64 / measured_s,
                });
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finish(request: &JobRequest) -> JobUpdate {
        let mut runner = JobRunner::new(request).expect("valid");
        let mut last_progress = 0.0;
        loop {
            let update = runner.step(50_000);
            assert!(
                update.progress >= last_progress - 1e-9,
                "progress never goes back"
            );
            last_progress = update.progress;
            if update.done {
                return update;
            }
        }
    }

    #[test]
    fn the_case_study_job_matches_the_batch_runs() {
        let params = Params::default();
        let update = finish(&JobRequest::new(3, JobKind::CaseStudy, &params));
        let JobResult::CaseStudy(rows) = update.result else {
            panic!("a case study");
        };
        assert_eq!(rows.len(), case_masks().len());
        let before =
            case_study::run(&case_study::before().expect("valid"), params.run.seed).expect("runs");
        assert_eq!(rows[0].result, before, "the same seed, the same numbers");
    }

    #[test]
    fn a_sweep_covers_its_range_and_a_moved_slider_reaches_every_column() {
        let mut params = Params::default();
        params.view.sweep = crate::lab::view::Sweep {
            control: Control::EtcdFsyncLatency,
            from: 0.1,
            to: 100.0,
        };
        params.set(Control::Nodes, 100.0);
        let update = finish(&JobRequest::new(1, JobKind::Sweep, &params));
        let JobResult::Sweep(points) = update.result else {
            panic!("a sweep");
        };
        assert_eq!(points.len(), SWEEP_POINTS);
        assert_eq!(
            (points[0].value, points[SWEEP_POINTS - 1].value),
            (0.1, 100.0)
        );
        assert!(
            points[0].p99_s * 5.0 < points[SWEEP_POINTS - 1].p99_s,
            "{points:?}"
        );

        // The fsync slider moved: every column's write p99 follows it.
        let mut slow = Params::default();
        slow.set(Control::EtcdFsyncLatency, 20.0);
        let runner = JobRunner::new(&JobRequest::new(2, JobKind::Compare, &slow)).expect("valid");
        for work in &runner.queue {
            if let Work::Measure(_, sim) = work {
                let spec = sim.scenario().control_plane.expect("control plane");
                assert!((spec.etcd.fsync.mean() - 0.02).abs() < 1e-12);
                assert_eq!(spec.workload.nodes, 1_000, "the table stays at 1,000 nodes");
            }
        }
    }
}
