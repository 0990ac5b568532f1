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
//! The search runs in three phases:
//!
//! 1. **Scouting** with short probes (1 s + 4 s): double the factor until a
//!    probe fails (or halve it until one passes), then bisect in log space
//!    until the bracket is within 5%. Short probes are cheap but miss what
//!    happens less often than every few seconds (a controller's relist of
//!    every pod, a burst of discovery), so they only give a first guess.
//! 2. **Verifying** with probes of 1 s + 60 s, long enough that every
//!    source of the workload fires within it: from the guess, step down by
//!    a tenth until one passes, then bisect to 5% again.
//! 3. **Confirming** the answer with one run of 1 s + 90 s; if it fails,
//!    verification goes on below it.
//!
//! The throughput is the completion rate of the API classes in the
//! confirming run. It runs in steps with an event budget, so the page can
//! run it between frames or in a worker and show its progress.

use crate::sim::engine::time::{Nanos, from_secs, to_secs};
use crate::sim::models::control_plane::{Bottleneck, MetricClass};
use crate::sim::models::request::RequestClass;
use crate::sim::scenario::{Scenario, ScenarioError};
use crate::sim::simulation::Simulation;
use serde::{Deserialize, Serialize};

/// Simulated seconds before a probe measures (queues fill in well under
/// a second at these rates).
pub const PROBE_WARMUP: f64 = 1.0;
/// Simulated seconds a scouting probe measures.
pub const SCOUT_MEASURED: f64 = 4.0;
/// Simulated seconds a verifying probe measures: every source fires in it.
pub const PROBE_MEASURED: f64 = 60.0;
/// Simulated seconds the confirming run measures.
pub const CONFIRM_MEASURED: f64 = 90.0;
/// A failed verifying probe's next factor is this much lower.
const VERIFY_STEP: f64 = 1.1;
/// The search stops when the bracket's upper end is within this ratio of
/// its lower end.
pub const PRECISION: f64 = 1.05;
/// Smallest and largest load factors tried.
pub const MIN_FACTOR: f64 = 1e-3;
pub const MAX_FACTOR: f64 = 1_000.0;
/// Most probes in one search (a bound, not the usual count: about 12).
pub const MAX_PROBES: u32 = 40;

/// Which phase a probe belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    Scout,
    Verify,
    Confirm,
}

impl Phase {
    /// Simulated seconds a probe of this phase measures.
    pub fn measured(self) -> f64 {
        match self {
            Phase::Scout => SCOUT_MEASURED,
            Phase::Verify => PROBE_MEASURED,
            Phase::Confirm => CONFIRM_MEASURED,
        }
    }
}

/// One probe's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeResult {
    /// the workload's rates × this
    pub load_factor: f64,
    pub phase: Phase,
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
    /// what limits the control plane at that load: its busiest resources
    #[serde(default)]
    pub bottleneck: Option<Bottleneck>,
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
    phase: Phase,
    sim: Simulation,
    /// requests in flight when measurement started (None: not yet there)
    backlog_at_start: Option<u64>,
}

/// A capacity search in progress.
pub struct CapacitySearch {
    base: Scenario,
    seed: u64,
    phase: Phase,
    /// the phase's highest sustainable probe so far
    passed: Option<ProbeResult>,
    /// the phase's lowest failing factor so far
    failed: Option<f64>,
    /// the scouts' answer, where verification starts
    guess: Option<f64>,
    probes: Vec<ProbeResult>,
    /// what limited each probe (kept apart: only the answer's is reported)
    bottlenecks: Vec<Option<Bottleneck>>,
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
        base.warmup = PROBE_WARMUP;
        // A probe is a steady load: the scenario's scheduled faults would
        // measure the fault, not the capacity.
        base.timeline.clear();
        let base_factor = spec.workload.load_factor;
        let mut search = Self {
            base,
            seed,
            phase: Phase::Scout,
            passed: None,
            failed: None,
            guess: None,
            probes: Vec::new(),
            bottlenecks: Vec::new(),
            current: None,
            done: None,
        };
        let first = start.unwrap_or(1.0).clamp(MIN_FACTOR, MAX_FACTOR) * base_factor;
        search.start_probe(first.clamp(MIN_FACTOR, MAX_FACTOR))?;
        Ok(search)
    }

    fn start_probe(&mut self, factor: f64) -> Result<(), ScenarioError> {
        let mut scenario = self.base.clone();
        scenario.duration = PROBE_WARMUP + self.phase.measured();
        if let Some(spec) = &mut scenario.control_plane {
            spec.workload.load_factor = factor;
        }
        let sim = Simulation::new(&scenario, self.seed)?;
        self.current = Some(Probe {
            factor,
            phase: self.phase,
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
        let end: Nanos = from_secs(PROBE_WARMUP + probe.phase.measured());
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
        let (result, bottleneck) = judge(probe);
        self.current = None;
        let factor = result.load_factor;
        let confirmed = result.phase == Phase::Confirm && result.sustainable;
        if result.phase == Phase::Confirm && !result.sustainable {
            // Not confirmed: verification goes on below it.
            self.passed = None;
        }
        if result.sustainable {
            if self.passed.as_ref().is_none_or(|p| p.load_factor < factor) {
                self.passed = Some(result.clone());
            }
        } else if self.failed.is_none_or(|f| f > factor) {
            self.failed = Some(factor);
        }
        self.probes.push(result);
        self.bottlenecks.push(bottleneck);
        if confirmed {
            return self.finish();
        }
        match self.next_probe() {
            Some((phase, next)) => {
                self.phase = phase;
                match self.start_probe(next) {
                    Ok(()) => self.running(),
                    Err(_) => self.finish(),
                }
            }
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

    /// The next probe (its phase and factor), or None when the answer is
    /// known.
    fn next_probe(&mut self) -> Option<(Phase, f64)> {
        if self.probes.len() as u32 >= MAX_PROBES {
            return None;
        }
        match self.phase {
            Phase::Scout => match self.scout_next() {
                Some(next) => Some((Phase::Scout, next)),
                None => {
                    // The scouts' answer; nothing to verify if even the
                    // lightest load failed.
                    let guess = self.passed.as_ref()?.load_factor;
                    self.guess = Some(guess);
                    self.passed = None;
                    self.failed = None;
                    Some((Phase::Verify, guess))
                }
            },
            Phase::Verify | Phase::Confirm => match (&self.passed, self.failed) {
                (Some(p), None) => Some((Phase::Confirm, p.load_factor)),
                (Some(p), Some(f)) if f / p.load_factor <= PRECISION => {
                    Some((Phase::Confirm, p.load_factor))
                }
                (Some(p), Some(f)) => Some((Phase::Verify, (p.load_factor * f).sqrt())),
                (None, Some(f)) if f <= MIN_FACTOR => None,
                (None, Some(f)) => Some((Phase::Verify, (f / VERIFY_STEP).max(MIN_FACTOR))),
                (None, None) => self.guess.map(|g| (Phase::Verify, g)),
            },
        }
    }

    /// The next scouting factor, or None when the scouts have bracketed it.
    fn scout_next(&self) -> Option<f64> {
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
        // The simulated seconds done against a usual search's: ten scouts,
        // two verifying probes and the confirming run.
        let usual = 10.0 * (PROBE_WARMUP + SCOUT_MEASURED)
            + 2.0 * (PROBE_WARMUP + PROBE_MEASURED)
            + PROBE_WARMUP
            + CONFIRM_MEASURED;
        let done: f64 = self
            .probes
            .iter()
            .map(|p| PROBE_WARMUP + p.phase.measured())
            .sum::<f64>()
            + self.current.as_ref().map_or(0.0, |p| to_secs(p.sim.now()));
        let fraction = (done / usual).min(0.95);
        Progress::Running { probes, fraction }
    }

    fn finish(&mut self) -> Progress {
        // The answer is the confirmed run's; else (the search ran out of
        // probes) the best long probe below every long failure; else the
        // scouts'.
        let long = |p: &&ProbeResult| p.phase != Phase::Scout;
        let lowest_long_failure = self
            .probes
            .iter()
            .filter(long)
            .filter(|p| !p.sustainable)
            .map(|p| p.load_factor)
            .fold(f64::INFINITY, f64::min);
        let confirmed = self
            .probes
            .iter()
            .rev()
            .find(|p| p.sustainable && p.phase == Phase::Confirm);
        let verified = self
            .probes
            .iter()
            .filter(long)
            .filter(|p| p.sustainable && p.load_factor < lowest_long_failure)
            .max_by(|a, b| a.load_factor.total_cmp(&b.load_factor));
        let scouted = self
            .probes
            .iter()
            .filter(|p| p.sustainable && p.phase == Phase::Scout)
            .max_by(|a, b| a.load_factor.total_cmp(&b.load_factor));
        let answer = confirmed.or(verified).or(scouted).cloned();
        let result = CapacityResult {
            throughput: answer.as_ref().map_or(0.0, |p| p.throughput),
            load_factor: answer.as_ref().map_or(0.0, |p| p.load_factor),
            // Nothing failed: the capacity is at least the answer.
            at_least: answer.is_some() && self.probes.iter().all(|p| p.sustainable),
            bottleneck: answer
                .as_ref()
                .and_then(|a| self.probes.iter().rposition(|p| p == a))
                .and_then(|i| self.bottlenecks[i].clone()),
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

/// The probe's verdict, and what limited it.
fn judge(probe: &Probe) -> (ProbeResult, Option<Bottleneck>) {
    let summary = probe.sim.summary();
    let measured = probe.phase.measured();
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
    let result = ProbeResult {
        load_factor: probe.factor,
        phase: probe.phase,
        offered: arrived as f64 / measured,
        throughput: completed as f64 / measured,
        worst_p99_to_slo: worst,
        errors: error_fraction,
        sustainable: reasons.is_empty(),
        reason: reasons.join("; "),
    };
    (result, summary.bottleneck)
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
        let last = result.probes.last().expect("probes");
        assert_eq!((last.phase, last.sustainable), (Phase::Confirm, true));
    }
}
