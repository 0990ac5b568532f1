//! The running simulation behind the page.
//!
//! It lives outside Yew state (in a `use_mut_ref`): the animation loop
//! advances it every frame and draws from it without re-rendering any
//! component, and the reducer's new `Params` reach it as `reconfigure` calls
//! (a new seed or Reset starts a new run instead).

use super::state::Params;
use crate::sim::control_plane::ControlPlaneSpec;
use crate::sim::{
    LatencyHistogram, Nanos, Scenario, ScenarioError, Simulation, from_secs, to_secs,
};

/// Longest wall-clock step of one frame [ms]: after a stall (a hidden tab,
/// a debugger) the simulation resumes rather than jumping ahead.
const MAX_FRAME_STEP_MS: f64 = 100.0;
/// Wall time the simulation may use per frame [ms], leaving the rest of a
/// 16.7 ms frame for drawing.
const FRAME_WORK_MS: f64 = 8.0;
/// The readouts summarise this many of the most recent 1-second windows.
pub const READOUT_WINDOWS: usize = 10;
/// The API's latency classes (the first three metric classes).
pub const API_CLASSES: std::ops::Range<usize> = 0..3;
/// One press of Step advances the simulated clock this much [s].
pub const STEP_SECONDS: f64 = 0.1;

/// The scenario the page runs: upstream defaults, then every control.
pub fn page_scenario(params: &Params) -> Scenario {
    let n = |x: f64| x.round() as u32;
    let mut spec = ControlPlaneSpec::upstream(n(params.nodes));
    spec.flow_control = params.flow_control;
    spec.max_requests_inflight = n(params.max_requests_inflight);
    spec.max_mutating_requests_inflight = n(params.max_mutating_requests_inflight);
    spec.webhook_handling = params.webhook_handling;
    spec.webhook_concurrency = n(params.webhook_concurrency);
    for hook in &mut spec.webhooks {
        hook.latency = hook.latency.with_mean(params.webhook_latency / 1e3);
        hook.timeout = params.webhook_timeout;
    }
    spec.cache_locking = params.cache_locking;
    spec.discovery = params.discovery;
    spec.workload.namespaces = n(params.namespaces);
    spec.etcd.fsync = spec.etcd.fsync.with_mean(params.etcd_fsync_latency / 1e3);
    spec.etcd_client.kind = params.etcd_client;
    spec.etcd_client.pool_connections = n(params.etcd_connections);
    Scenario {
        name: "Control Plane Lab".into(),
        duration: 30.0 * 86_400.0,
        control_plane: Some(spec),
        ..Scenario::default()
    }
}

/// What the readouts show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Readouts {
    /// API request latency quantiles over the last `READOUT_WINDOWS` s [s]
    pub p50: f64,
    pub p99: f64,
    /// API requests completed per simulated second
    pub throughput: f64,
    /// HTTP 429s per simulated second
    pub rejected_rate: f64,
    /// requests timed out or failed per simulated second
    pub timeout_rate: f64,
    /// simulated clock [s]
    pub sim_time: f64,
    /// simulated seconds per wall second, as achieved
    pub speed: f64,
    /// the frame budget, not the Speed control, is holding the clock back
    pub limited: bool,
}

pub struct LiveRun {
    simulation: Simulation,
    applied: Params,
    last_frame_ms: Option<f64>,
    /// smoothed achieved speed
    speed: f64,
    /// events allowed per frame, adapted to the machine
    budget: u64,
    limited: bool,
}

impl LiveRun {
    /// Starts a run; `Err` says why the configuration cannot run.
    pub fn new(params: &Params) -> Result<Self, ScenarioError> {
        let mut simulation = Simulation::new(&page_scenario(params), params.seed)?;
        // Faults already on in `params` apply from the start.
        let mut before = params.clone();
        before.slow_webhook = false;
        before.fsync_spike = false;
        for change in params.changes_since(&before) {
            let _ = simulation.reconfigure(change);
        }
        Ok(Self {
            simulation,
            applied: params.clone(),
            last_frame_ms: None,
            speed: 0.0,
            budget: 20_000,
            limited: false,
        })
    }

    pub fn params(&self) -> &Params {
        &self.applied
    }

    pub fn simulation(&self) -> &Simulation {
        &self.simulation
    }

    /// Brings the running simulation to the reader's latest settings.
    pub fn apply(&mut self, params: &Params) -> Result<(), ScenarioError> {
        if params.seed != self.applied.seed || params.run != self.applied.run {
            *self = Self::new(params)?;
            return Ok(());
        }
        for change in params.changes_since(&self.applied) {
            if let Err(error) = self.simulation.reconfigure(change) {
                web_sys::console::warn_1(&format!("change refused: {error}").into());
            }
        }
        if params.steps != self.applied.steps && !params.playing {
            self.simulation.run_for(STEP_SECONDS);
        }
        self.applied = params.clone();
        Ok(())
    }

    /// Advances by the wall time since the last frame (`timestamp` from
    /// requestAnimationFrame [ms]) × speed, within the frame's budget.
    pub fn frame(&mut self, timestamp: f64, clock_ms: impl Fn() -> f64) {
        let step_ms = match self.last_frame_ms {
            Some(last) => (timestamp - last).clamp(0.0, MAX_FRAME_STEP_MS),
            None => 0.0,
        };
        self.last_frame_ms = Some(timestamp);
        if !self.applied.playing || step_ms <= 0.0 {
            self.speed = 0.0;
            self.limited = false;
            return;
        }
        let before = self.simulation.now();
        let target = before.saturating_add(from_secs(step_ms / 1e3 * self.applied.speed));
        let started = clock_ms();
        let advance = self.simulation.advance_bounded(target, self.budget);
        let spent = (clock_ms() - started).max(0.01);
        // Adapt the budget so the simulation takes about FRAME_WORK_MS.
        if advance.events > 0 {
            let per_ms = advance.events as f64 / spent;
            let ideal = (per_ms * FRAME_WORK_MS) as u64;
            self.budget = ((self.budget + ideal) / 2).clamp(2_000, 2_000_000);
        }
        self.limited = !advance.reached;
        let achieved = to_secs(self.simulation.now() - before) / (step_ms / 1e3);
        self.speed += (achieved - self.speed) * 0.1;
    }

    pub fn readouts(&self) -> Readouts {
        let sim = &self.simulation;
        let metrics = sim.metrics();
        let mut latency: LatencyHistogram<u32> = LatencyHistogram::new();
        let mut since: Nanos = sim.now();
        let (mut rejected, mut timed_out) = (0u64, 0u64);
        for class in &metrics[API_CLASSES] {
            let (recent, start) = class.windows.recent_latency(READOUT_WINDOWS);
            latency.merge(&recent);
            since = since.min(start);
            for window in class.windows.windows().iter().rev().take(READOUT_WINDOWS) {
                rejected += window.rejected;
                timed_out += window.timed_out;
            }
        }
        let span = to_secs(sim.now().saturating_sub(since));
        let per_second = |count: u64| if span > 0.0 { count as f64 / span } else { 0.0 };
        Readouts {
            p50: latency.quantile(0.5),
            p99: latency.quantile(0.99),
            throughput: per_second(latency.count()),
            rejected_rate: per_second(rejected),
            timeout_rate: per_second(timed_out),
            sim_time: to_secs(sim.now()),
            speed: if self.applied.playing {
                self.speed
            } else {
                0.0
            },
            limited: self.limited && self.applied.playing,
        }
    }
}
