//! The running simulation behind the page.
//!
//! It lives outside Yew state (in a `use_mut_ref`): the animation loop
//! advances it every frame and draws from it without re-rendering any
//! component, and the reducer's new `Params` reach it as `reconfigure` calls.

use super::state::Params;
use crate::sim::{
    DurationLaw, Scenario, ScenarioError, Simulation, StationSpec, from_secs, to_secs,
};

/// Most events handled per animation frame. A frame that would need more
/// stops the simulated clock early: the simulation slows, the page does not.
pub const EVENTS_PER_FRAME: u64 = 200_000;
/// Longest wall-clock step of one frame [ms]: after a stall (a hidden tab,
/// a debugger) the simulation resumes rather than jumping ahead.
const MAX_FRAME_STEP_MS: f64 = 100.0;
/// The readouts summarise this many of the most recent 1-second windows.
pub const READOUT_WINDOWS: usize = 10;

/// The page's model: requests with a 50 ms exponential service time, a
/// queue of at most 5,000 requests and a 15 s queue-wait limit (the API
/// server's default APF queue wait, kubernetes.md).
pub fn page_scenario(params: &Params) -> Scenario {
    Scenario {
        name: "Textbook station".into(),
        description: "Poisson arrivals, seats as servers, one FIFO queue".into(),
        duration: 86_400.0,
        warmup: 0.0,
        station: Some(StationSpec {
            arrival_rate: params.arrival_rate,
            servers: params.seats,
            queue_capacity: Some(5_000),
            queue_timeout: Some(15.0),
            service: DurationLaw::Exponential { mean: 0.05 },
        }),
        ..Scenario::default()
    }
}

/// What the readouts show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Readouts {
    /// response-time quantiles over the last `READOUT_WINDOWS` seconds [s]
    pub p50: f64,
    pub p99: f64,
    /// completions per simulated second over the same windows [1/s]
    pub throughput: f64,
    /// simulated clock [s]
    pub sim_time: f64,
    /// simulated seconds per wall second, as achieved
    pub speed: f64,
    pub queue_length: u32,
    pub busy: u32,
    pub seats: u32,
}

pub struct LiveRun {
    simulation: Simulation,
    applied: Params,
    last_frame_ms: Option<f64>,
    /// smoothed achieved speed (simulated s per wall s)
    speed: f64,
}

impl LiveRun {
    /// Starts a run of the page scenario; `Err` says why it cannot run.
    pub fn new(params: &Params, seed: u64) -> Result<Self, ScenarioError> {
        let simulation = Simulation::new(&page_scenario(params), seed)?;
        Ok(Self {
            simulation,
            applied: params.clone(),
            last_frame_ms: None,
            speed: 0.0,
        })
    }

    pub fn simulation(&self) -> &Simulation {
        &self.simulation
    }

    /// Brings the running simulation to the reader's latest settings.
    pub fn apply(&mut self, params: &Params) {
        for change in params.changes_since(&self.applied) {
            if let Err(error) = self.simulation.reconfigure(change) {
                web_sys::console::warn_1(&format!("change refused: {error}").into());
            }
        }
        self.applied = params.clone();
    }

    /// Advances the simulation by the wall time since the last frame
    /// (`timestamp` from requestAnimationFrame [ms]), within the frame's budget.
    pub fn frame(&mut self, timestamp: f64) {
        let step_ms = match self.last_frame_ms {
            Some(last) => (timestamp - last).clamp(0.0, MAX_FRAME_STEP_MS),
            None => 0.0,
        };
        self.last_frame_ms = Some(timestamp);
        if !self.applied.playing || step_ms <= 0.0 {
            self.speed = 0.0;
            return;
        }
        let before = self.simulation.now();
        let target = before.saturating_add(from_secs(step_ms / 1e3));
        self.simulation.advance_bounded(target, EVENTS_PER_FRAME);
        let achieved = to_secs(self.simulation.now() - before) / (step_ms / 1e3);
        // Exponential smoothing over roughly half a second of frames.
        self.speed += (achieved - self.speed) * 0.1;
    }

    pub fn readouts(&self) -> Readouts {
        let snapshot = self.simulation.snapshot();
        let class = &self.simulation.metrics()[0];
        let (recent, since) = class.windows.recent_latency(READOUT_WINDOWS);
        let span = to_secs(self.simulation.now().saturating_sub(since));
        Readouts {
            p50: recent.quantile(0.5),
            p99: recent.quantile(0.99),
            throughput: if span > 0.0 {
                recent.count() as f64 / span
            } else {
                0.0
            },
            sim_time: snapshot.time,
            speed: if self.applied.playing {
                self.speed
            } else {
                0.0
            },
            queue_length: snapshot.waiting,
            busy: snapshot.seats_in_use,
            seats: snapshot.seats,
        }
    }
}
