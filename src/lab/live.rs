//! The running simulation behind the page.
//!
//! It lives outside Yew state (in a `use_mut_ref`): the animation loop
//! advances it every frame and draws from it without re-rendering any
//! component, and the reducer's new `Params` reach it as `reconfigure` calls
//! (another scenario, a new seed or Reset starts a new run instead).
//!
//! It records when each of the reader's changes applied, in simulated
//! time, so the run can be exported as a scenario whose timeline replays
//! it exactly (`cplab run` then prints the page's numbers).

use super::charts::figures;
use super::params::Params;
use super::readouts::{self, READOUT_WINDOWS, Readouts};
use crate::sim::models::control_plane::Bottleneck;
use crate::sim::scenario::MAX_DURATION;
use crate::sim::timeline::{MAX_ENTRIES, TimedChange};
use crate::sim::{Change, Nanos, Scenario, ScenarioError, Simulation, from_secs, to_secs};
use std::collections::VecDeque;

/// Longest wall-clock step of one frame [ms]: after a stall (a hidden tab,
/// a debugger) the simulation resumes rather than jumping ahead.
const MAX_FRAME_STEP_MS: f64 = 100.0;
/// Wall time the simulation may use per frame [ms], leaving the rest of a
/// 16.7 ms frame for drawing.
const FRAME_WORK_MS: f64 = 8.0;
/// One press of Step advances the simulated clock this much [s].
pub const STEP_SECONDS: f64 = 0.1;
/// Most events one press of Step may handle: 0.1 s is a few thousand
/// events in any configuration the sliders allow, but a press must never
/// hold the page for long, so a heavier step stops short (its clock shows
/// how far it got) and the next press goes on from there.
const STEP_EVENT_BUDGET: u64 = 500_000;

pub struct LiveRun {
    simulation: Simulation,
    /// the scenario the run started from
    started_with: Scenario,
    applied: Params,
    /// the reader's changes and when they applied [ns], for export
    history: Vec<(Nanos, Change)>,
    /// changes the scenario's timeline made that the controls must mirror
    absorbed: Vec<Change>,
    last_frame_ms: Option<f64>,
    /// smoothed achieved speed
    speed: f64,
    /// events allowed per frame, adapted to the machine
    budget: u64,
    limited: bool,
    /// the run reached the pause its playback asks for, not yet taken
    reached_pause: bool,
    /// the latest changes to the run (the timeline's and the reader's),
    /// when they applied [ns] and what the charts call them
    marks: VecDeque<(Nanos, String)>,
}

/// Marks kept for the charts: a minute of a busy reader's changes.
const MAX_MARKS: usize = 16;

impl LiveRun {
    /// Starts a run; `Err` says why the configuration cannot run.
    pub fn new(params: &Params) -> Result<Self, ScenarioError> {
        let mut scenario = params.scenario()?;
        scenario.duration = MAX_DURATION;
        let mut simulation = Simulation::new(&scenario, params.run.seed)?;
        // Faults already on (from a link) apply from the start; presses
        // made before happened in the run before.
        let mut before = params.clone();
        before.faults.values = params.faults.values.without_toggles();
        let changes = params.changes_since(&before);
        let verdicts = simulation.reconfigure_all(&changes);
        let history = changes
            .into_iter()
            .zip(verdicts)
            .filter(|(_, verdict)| verdict.is_ok())
            .map(|(change, _)| (0, change))
            .collect();
        Ok(Self {
            simulation,
            started_with: scenario,
            applied: params.clone(),
            history,
            absorbed: Vec::new(),
            last_frame_ms: None,
            speed: 0.0,
            budget: 20_000,
            limited: false,
            reached_pause: false,
            marks: VecDeque::new(),
        })
    }

    pub fn params(&self) -> &Params {
        &self.applied
    }

    pub fn simulation(&self) -> &Simulation {
        &self.simulation
    }

    /// Brings the running simulation to the reader's latest settings;
    /// returns why any change was refused (none can be: the controls keep
    /// their values in range).
    pub fn apply(&mut self, params: &Params) -> Result<Vec<String>, ScenarioError> {
        if params.needs_new_run(&self.applied) {
            *self = Self::new(params)?;
            return Ok(Vec::new());
        }
        let now = self.simulation.now();
        let mut refused = Vec::new();
        let changes = params.changes_since(&self.applied);
        for (change, verdict) in changes
            .iter()
            .zip(self.simulation.reconfigure_all(&changes))
        {
            match verdict {
                Ok(()) => {
                    if self.history.len() < MAX_ENTRIES {
                        self.history.push((now, *change));
                    }
                    self.mark(now, change);
                }
                Err(error) => refused.push(error),
            }
        }
        let playback = &params.playback;
        if playback.steps != self.applied.playback.steps && !playback.playing {
            self.advance_to(
                now.saturating_add(from_secs(STEP_SECONDS)),
                STEP_EVENT_BUDGET,
            );
        }
        self.applied = params.clone();
        Ok(refused)
    }

    /// Advances within a budget; the timeline's changes are mirrored.
    fn advance_to(&mut self, target: Nanos, budget: u64) -> crate::sim::Advance {
        let advance = self.simulation.advance_bounded(target, budget);
        let now = self.simulation.now();
        for change in self.simulation.take_fired() {
            self.applied.absorb(&change);
            self.mark(now, &change);
            self.absorbed.push(change);
        }
        advance
    }

    /// What limits the control plane over about the readouts' window
    /// (the last 10 simulated seconds), `None` before anything was busy.
    pub fn limit_now(&self) -> Option<Bottleneck> {
        self.simulation.recent_bottleneck(READOUT_WINDOWS)
    }

    fn mark(&mut self, at: Nanos, change: &Change) {
        let spec = self.started_with.control_plane.as_ref();
        if self.marks.len() == MAX_MARKS {
            self.marks.pop_front();
        }
        self.marks
            .push_back((at, figures::change_label(change, spec)));
    }

    /// The run's latest changes, oldest first: how long ago each applied
    /// [s of simulated time] and what it was.
    pub fn marks(&self) -> impl Iterator<Item = (f64, &str)> {
        let now = self.simulation.now();
        self.marks
            .iter()
            .map(move |(at, label)| (to_secs(now.saturating_sub(*at)), label.as_str()))
    }

    /// Whether the run has reached its pause since the last call (the page
    /// then pauses, and a story measures its promises).
    pub fn take_reached_pause(&mut self) -> bool {
        std::mem::take(&mut self.reached_pause)
    }

    /// The timeline's changes since the last call (the page dispatches
    /// them so its controls show them).
    pub fn take_absorbed(&mut self) -> Vec<Change> {
        std::mem::take(&mut self.absorbed)
    }

    /// Advances by the wall time since the last frame (`timestamp` from
    /// requestAnimationFrame [ms]) × speed, within the frame's budget.
    pub fn frame(&mut self, timestamp: f64, clock_ms: impl Fn() -> f64) {
        let step_ms = match self.last_frame_ms {
            Some(last) => (timestamp - last).clamp(0.0, MAX_FRAME_STEP_MS),
            None => 0.0,
        };
        self.last_frame_ms = Some(timestamp);
        if !self.applied.playback.playing || step_ms <= 0.0 {
            self.speed = 0.0;
            self.limited = false;
            return;
        }
        let before = self.simulation.now();
        let pause = self.applied.playback.pause_at.map(from_secs);
        let target = before
            .saturating_add(from_secs(step_ms / 1e3 * self.applied.playback.speed))
            .min(from_secs(MAX_DURATION))
            .min(pause.unwrap_or(Nanos::MAX));
        let started = clock_ms();
        let advance = self.advance_to(target, self.budget);
        let spent = (clock_ms() - started).max(0.01);
        // Adapt the budget so the simulation takes about FRAME_WORK_MS.
        if advance.events > 0 {
            let per_ms = advance.events as f64 / spent;
            let ideal = (per_ms * FRAME_WORK_MS) as u64;
            self.budget = ((self.budget + ideal) / 2).clamp(2_000, 2_000_000);
        }
        self.limited = !advance.reached;
        if pause.is_some_and(|at| self.simulation.now() >= at) {
            self.reached_pause = true;
        }
        let achieved = to_secs(self.simulation.now() - before) / (step_ms / 1e3);
        self.speed += (achieved - self.speed) * 0.1;
    }

    pub fn readouts(&self) -> Readouts {
        let mut values = readouts::recent(&self.simulation, READOUT_WINDOWS);
        let playing = self.applied.playback.playing;
        values.speed = if playing { self.speed } else { 0.0 };
        values.limited = self.limited && playing;
        values
    }

    /// The run so far as a scenario file: what it started from, the
    /// reader's changes at the simulated times they applied, and the
    /// duration reached. `cplab run` on it prints this run's numbers.
    pub fn export_scenario(&self) -> Scenario {
        let mut scenario = self.started_with.clone();
        let spec = scenario.control_plane.clone();
        let now = to_secs(self.simulation.now());
        scenario.duration = now.max(1.0);
        // The warm-up stays as the run had it, so the summary replays
        // exactly; a run exported before its warm-up ended has none left
        // to measure, and is written with none.
        if scenario.warmup >= scenario.duration {
            scenario.warmup = 0.0;
        }
        scenario.seed = Some(self.simulation.seed());
        scenario
            .timeline
            .retain(|entry| entry.at <= scenario.duration);
        let room = MAX_ENTRIES.saturating_sub(scenario.timeline.len());
        scenario.timeline.extend(
            self.history
                .iter()
                .take(room)
                .map(|(at, change)| TimedChange::from_change(to_secs(*at), change, spec.as_ref())),
        );
        if !scenario.name.contains("(exported") {
            scenario.name = format!("{} (exported from Control Plane Lab)", scenario.name);
        }
        scenario
    }
}
