//! The most load a control plane sustains: ramp the workload until the
//! latency objectives break, then narrow the bracket.
//!
//! The article's "API server throughput (req/s)" is a single number per
//! version. The model computes its own: the same mix of requests as the
//! scenario's workload, scaled by a load factor, probed in short runs.
//! A probe is **sustainable** when, over its measured seconds,
//!
//! - every API class's p99 is within its SLO (1 s for mutating and
//!   single-object reads, 30 s for LISTs: sig-scalability's SLOs),
//! - at most 1% of requests were rejected (429) or timed out, and
//! - the backlog did not grow: requests in flight at the end exceed those
//!   at the start of measurement by less than 1% of the arrivals (a queue
//!   that grows is unsustainable even while its p99 still looks fine).
//!
//! The search doubles the factor until a probe fails (or halves it until
//! one passes), then bisects in log space until the bracket is within 5%.
//! The throughput is the completion rate of the API classes at the highest
//! sustainable factor. It runs in steps with an event budget, so the page
//! can run it between frames or in a worker and show its progress.

use crate::sim::engine::time::{Nanos, from_secs, to_secs};
use crate::sim::models::control_plane::MetricClass;
use crate::sim::models::request::RequestClass;
use crate::sim::scenario::{Scenario, ScenarioError};
use crate::sim::simulation::Simulation;
use serde::{Deserialize, Serialize};

/// Simulated seconds before a probe measures (queues fill in well under
/// a second at these rates).
pub const PROBE_WARMUP: f64 = 1.0;
/// Simulated seconds a probe measures.
pub const PROBE_MEASURED: f64 = 4.0;
/// The search stops when the bracket's upper end is within this ratio of
/// its lower end.
pub const PRECISION: f64 = 1.05;
/// Smallest and largest load factors tried.
pub const MIN_FACTOR: f64 = 1e-3;
pub const MAX_FACTOR: f64 = 1_000.0;
/// Most probes in one search (a bound, not the usual count: about 10).
pub const MAX_PROBES: u32 = 24;

/// One probe's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeResult {
    /// the workload's rates × this
    pub load_factor: f64,
    /// API requests arriving per simulated second
    pub offered: f64,
    /// API requests completed per simulated second
    pub throughput: f64,
    /// the worst p99 relative to its SLO over the API classes (≤ 1: met)
    pub worst_p99_to_slo: f64,
    /// fraction of API requests rejected or timed out
    pub errors: f64,
    pub sustainable: bool,
    /// why not, when not
    pub reason: String,
}

/// The search's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityResult {
    /// API requests per second completed at the highest sustainable load;
    /// 0 when even the lightest load tried fails
    pub throughput: f64,
    /// that load factor
    pub load_factor: f64,
    /// the load reached the largest factor tried without failing: the
    /// capacity is at least `throughput`
    pub at_least: bool,
    pub probes: Vec<ProbeResult>,
}

/// How far a search has got.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// probes done, and a rough fraction of the work done in [0, 1)
    Running {
        probes: u32,
        fraction: f64,
    },
    Done(CapacityResult),
}

struct Probe {
    factor: f64,
    sim: Simulation,
    /// requests in flight when measurement started (None: not yet there)
    backlog_at_start: Option<u64>,
}

/// A capacity search in progress.
pub struct CapacitySearch {
    base: Scenario,
    seed: u64,
    /// highest sustainable probe so far
    passed: Option<ProbeResult>,
    /// lowest failing factor so far
    failed: Option<f64>,
    probes: Vec<ProbeResult>,
    current: Option<Probe>,
    done: Option<CapacityResult>,
}

impl CapacitySearch {
    /// A search over `scenario` (a control plane), starting at its own
    /// load (or at `start`, a factor on top of it, when a previous answer
    /// is a better first guess).
    pub fn new(scenario: &Scenario, seed: u64, start: Option<f64>) -> Result<Self, ScenarioError> {
        let Some(spec) = &scenario.control_plane else {
            return Err(ScenarioError::new(
                "",
                "the capacity search needs a [control_plane] scenario",
            ));
        };
        let mut base = scenario.clone();
        base.duration = PROBE_WARMUP + PROBE_MEASURED;
        base.warmup = PROBE_WARMUP;
        // A probe is a steady load: the scenario's scheduled faults would
        // measure the fault, not the capacity.
        base.timeline.clear();
        let base_factor = spec.workload.load_factor;
        let mut search = Self {
            base,
            seed,
            passed: None,
            failed: None,
            probes: Vec::new(),
            current: None,
            done: None,
        };
        let first = start.unwrap_or(1.0).clamp(MIN_FACTOR, MAX_FACTOR) * base_factor;
        search.start_probe(first.clamp(MIN_FACTOR, MAX_FACTOR))?;
        Ok(search)
    }

    fn start_probe(&mut self, factor: f64) -> Result<(), ScenarioError> {
        let mut scenario = self.base.clone();
        if let Some(spec) = &mut scenario.control_plane {
            spec.workload.load_factor = factor;
        }
        let sim = Simulation::new(&scenario, self.seed)?;
        self.current = Some(Probe {
            factor,
            sim,
            backlog_at_start: None,
        });
        Ok(())
    }

    /// Works on the search for at most `max_events` events.
    pub fn step(&mut self, max_events: u64) -> Progress {
        if let Some(done) = &self.done {
            return Progress::Done(done.clone());
        }
        let Some(probe) = self.current.as_mut() else {
            return self.finish();
        };
        let warmup: Nanos = from_secs(PROBE_WARMUP);
        let end: Nanos = from_secs(PROBE_WARMUP + PROBE_MEASURED);
        let mut budget = max_events;
        if probe.backlog_at_start.is_none() {
            let advance = probe.sim.advance_bounded(warmup, budget);
            budget = budget.saturating_sub(advance.events);
            if !advance.reached {
                return self.running();
            }
            probe.backlog_at_start = Some(api_in_flight(&probe.sim));
        }
        let advance = probe.sim.advance_bounded(end, budget);
        if !advance.reached {
            return self.running();
        }
        let result = judge(probe);
        self.current = None;
        let factor = result.load_factor;
        if result.sustainable {
            if self.passed.as_ref().is_none_or(|p| p.load_factor < factor) {
                self.passed = Some(result.clone());
            }
        } else if self.failed.is_none_or(|f| f > factor) {
            self.failed = Some(factor);
        }
        self.probes.push(result);
        match self.next_factor() {
            Some(next) => match self.start_probe(next) {
                Ok(()) => self.running(),
                Err(_) => self.finish(),
            },
            None => self.finish(),
        }
    }

    /// Runs the whole search.
    pub fn run(&mut self) -> CapacityResult {
        loop {
            if let Progress::Done(result) = self.step(u64::MAX) {
                return result;
            }
        }
    }

    /// The next factor to probe, or None when the answer is known.
    fn next_factor(&self) -> Option<f64> {
        if self.probes.len() as u32 >= MAX_PROBES {
            return None;
        }
        match (&self.passed, self.failed) {
            (Some(p), None) if p.load_factor >= MAX_FACTOR => None,
            (Some(p), None) => Some((p.load_factor * 2.0).min(MAX_FACTOR)),
            (None, Some(f)) if f <= MIN_FACTOR => None,
            (None, Some(f)) => Some((f / 2.0).max(MIN_FACTOR)),
            (Some(p), Some(f)) if f / p.load_factor <= PRECISION => None,
            (Some(p), Some(f)) => Some((p.load_factor * f).sqrt()),
            (None, None) => None,
        }
    }

    fn running(&self) -> Progress {
        let probes = self.probes.len() as u32;
        // About ten probes make a search; the current one counts by its clock.
        let within = self.current.as_ref().map_or(0.0, |p| {
            to_secs(p.sim.now()) / (PROBE_WARMUP + PROBE_MEASURED)
        });
        let fraction = ((probes as f64 + within) / 10.0).min(0.95);
        Progress::Running { probes, fraction }
    }

    fn finish(&mut self) -> Progress {
        let result = CapacityResult {
            throughput: self.passed.as_ref().map_or(0.0, |p| p.throughput),
            load_factor: self.passed.as_ref().map_or(0.0, |p| p.load_factor),
            at_least: self.failed.is_none() && self.passed.is_some(),
            probes: self.probes.clone(),
        };
        self.done = Some(result.clone());
        Progress::Done(result)
    }
}

/// API requests in flight (the three latency classes).
fn api_in_flight(sim: &Simulation) -> u64 {
    MetricClass::api_of(sim.metrics())
        .map(|class| {
            let c = class.all;
            c.arrived - c.completed - c.rejected - c.timed_out
        })
        .sum()
}

fn judge(probe: &Probe) -> ProbeResult {
    let summary = probe.sim.summary();
    let measured = PROBE_MEASURED;
    let (mut arrived, mut completed, mut errors) = (0u64, 0u64, 0u64);
    let mut worst: f64 = 0.0;
    let mut reasons = Vec::new();
    for class in RequestClass::ALL {
        let Some(c) = summary.classes.get(class.name()) else {
            continue;
        };
        arrived += c.arrived;
        completed += c.completed;
        errors += c.rejected + c.timed_out;
        if c.completed > 0 {
            let ratio = c.p99_s / class.slo();
            worst = worst.max(ratio);
            if ratio > 1.0 {
                reasons.push(format!(
                    "{} p99 {:.2} s over its {} s SLO",
                    class.name(),
                    c.p99_s,
                    class.slo()
                ));
            }
        }
    }
    let error_fraction = if arrived > 0 {
        errors as f64 / arrived as f64
    } else {
        0.0
    };
    if error_fraction > 0.01 {
        reasons.push(format!(
            "{:.1}% rejected or timed out",
            error_fraction * 100.0
        ));
    }
    let backlog_start = probe.backlog_at_start.unwrap_or(0);
    let growth = api_in_flight(&probe.sim).saturating_sub(backlog_start);
    if growth as f64 > 0.01 * arrived as f64 && growth > 20 {
        reasons.push(format!("the backlog grew by {growth} requests"));
    }
    ProbeResult {
        load_factor: probe.factor,
        offered: arrived as f64 / measured,
        throughput: completed as f64 / measured,
        worst_p99_to_slo: worst,
        errors: error_fraction,
        sustainable: reasons.is_empty(),
        reason: reasons.join("; "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::models::control_plane::ControlPlaneSpec;

    #[test]
    fn a_tiny_cluster_with_two_seats_saturates_and_the_search_brackets_it() {
        // Two seats, the API server's 1 ms of processing each: about
        // 2,000 requests a second at most, whatever the load.
        let mut spec = ControlPlaneSpec::upstream(50);
        spec.max_requests_inflight = 1;
        spec.max_mutating_requests_inflight = 1;
        spec.flow_control = crate::sim::models::flow_control::FlowControlKind::MaxInflight;
        let scenario = Scenario {
            control_plane: Some(spec),
            ..Scenario::default()
        };
        let result = CapacitySearch::new(&scenario, 3, None)
            .expect("valid")
            .run();
        assert!(!result.at_least);
        assert!(result.throughput > 0.0, "{result:?}");
        let failed = result
            .probes
            .iter()
            .filter(|p| !p.sustainable)
            .map(|p| p.load_factor)
            .fold(f64::INFINITY, f64::min);
        assert!(
            failed / result.load_factor <= PRECISION + 1e-9,
            "{result:?}"
        );
        assert!(
            result
                .probes
                .iter()
                .all(|p| p.sustainable == p.reason.is_empty())
        );
    }
}
