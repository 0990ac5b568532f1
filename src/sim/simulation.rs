//! The facade: build a run from a scenario, drive it, change it, read it.
//!
//! ```
//! use cplab::sim::{Scenario, Simulation, Change, StationChange};
//! let scenario = Scenario::from_toml(r#"
//!     [station]
//!     arrival_rate = 8.0
//!     servers = 1
//!     service = { distribution = "exponential", mean = 0.1 }
//! "#).unwrap();
//! let mut sim = Simulation::new(&scenario, 42).unwrap();
//! sim.run_for(60.0);                                   // simulated seconds
//! sim.reconfigure(Change::Station(StationChange::Servers(2))).unwrap();
//! sim.run_for(60.0);
//! assert!(sim.summary().classes["request"].completed > 0);
//! ```

use super::calendar::Calendar;
use super::metrics::{ClassMetrics, ClassSummary};
use super::random::SimRng;
use super::scenario::{Scenario, ScenarioError};
use super::station::{Station, StationChange, StationEvent, StationSnapshot};
use super::time::{Nanos, from_secs, to_secs};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A change to a running simulation, applied at its current time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Change {
    Station(StationChange),
}

/// How far a bounded advance got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Advance {
    /// events handled
    pub events: u64,
    /// the target time was reached (false: the event budget ran out first)
    pub reached: bool,
}

/// The state of a run at one instant, for drawing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snapshot {
    /// simulated time [s]
    pub time: f64,
    pub station: StationSnapshot,
}

/// The measured results of a run, as the CLI prints them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    pub scenario: String,
    pub seed: u64,
    /// simulated time so far [s]
    pub simulated_s: f64,
    /// excluded from the statistics [s]
    pub warmup_s: f64,
    /// events handled
    pub events: u64,
    /// fraction of server capacity busy over the measured period
    pub utilisation: f64,
    /// per request class
    pub classes: BTreeMap<String, ClassSummary>,
}

/// A running simulation.
#[derive(Debug, Clone)]
pub struct Simulation {
    scenario: Scenario,
    seed: u64,
    now: Nanos,
    calendar: Calendar<StationEvent>,
    rng: SimRng,
    station: Station,
    metrics: ClassMetrics,
    events: u64,
}

impl Simulation {
    /// Checks the scenario and sets up a run at time 0 with the given seed.
    pub fn new(scenario: &Scenario, seed: u64) -> Result<Self, ScenarioError> {
        scenario.check()?;
        let mut calendar = Calendar::new();
        let mut rng = SimRng::new(seed);
        let warmup = from_secs(scenario.warmup);
        let station = Station::new(&scenario.station, warmup, &mut calendar, &mut rng);
        Ok(Self {
            scenario: scenario.clone(),
            seed,
            now: 0,
            calendar,
            rng,
            station,
            metrics: ClassMetrics::new("request"),
            events: 0,
        })
    }

    /// The scenario with every change applied so far.
    pub fn scenario(&self) -> Scenario {
        Scenario {
            station: self.station.spec().clone(),
            ..self.scenario.clone()
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Current simulated time [ns].
    pub fn now(&self) -> Nanos {
        self.now
    }

    /// Events handled so far.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Handles every event up to `time` [ns] and moves the clock there.
    pub fn advance_to(&mut self, time: Nanos) -> u64 {
        self.advance_bounded(time, u64::MAX).events
    }

    /// Handles events up to `time` [ns], at most `max_events` of them. When
    /// the budget runs out first, the clock stops at the last event handled:
    /// a heavy run slows its simulated clock rather than the caller.
    pub fn advance_bounded(&mut self, time: Nanos, max_events: u64) -> Advance {
        let mut events = 0;
        while events < max_events {
            let Some((at, event)) = self.calendar.pop_until(time) else {
                break;
            };
            self.now = at;
            self.station.handle(
                at,
                event,
                &mut self.calendar,
                &mut self.rng,
                &mut self.metrics,
            );
            events += 1;
        }
        let reached = self.calendar.next_time().is_none_or(|next| next > time);
        if reached {
            self.now = self.now.max(time);
        }
        self.metrics.windows.roll_to(self.now);
        self.events += events;
        Advance { events, reached }
    }

    /// Runs for `seconds` more simulated seconds.
    pub fn run_for(&mut self, seconds: f64) -> u64 {
        self.advance_to(self.now.saturating_add(from_secs(seconds)))
    }

    /// Runs to the scenario's `duration`.
    pub fn run_to_end(&mut self) -> u64 {
        self.advance_to(from_secs(self.scenario.duration))
    }

    /// Applies a change now. An invalid value is refused with the reason and
    /// changes nothing.
    pub fn reconfigure(&mut self, change: Change) -> Result<(), String> {
        match change {
            Change::Station(change) => {
                change.check()?;
                self.station.reconfigure(
                    self.now,
                    change,
                    &mut self.calendar,
                    &mut self.rng,
                    &mut self.metrics,
                );
            }
        }
        Ok(())
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            time: to_secs(self.now),
            station: self.station.snapshot(),
        }
    }

    /// Per-class metrics, live windows included.
    pub fn metrics(&self) -> &[ClassMetrics] {
        std::slice::from_ref(&self.metrics)
    }

    /// Events waiting in the calendar (bounded: see the conservation tests).
    pub fn pending_events(&self) -> usize {
        self.calendar.len()
    }

    pub fn summary(&self) -> RunSummary {
        RunSummary {
            scenario: self.scenario.name.clone(),
            seed: self.seed,
            simulated_s: to_secs(self.now),
            warmup_s: self.scenario.warmup,
            events: self.events,
            utilisation: self.station.utilisation(self.now),
            classes: self
                .metrics()
                .iter()
                .map(|class| (class.name.clone(), class.summary()))
                .collect(),
        }
    }

    /// A 64-bit FNV-1a digest of the summary's JSON: equal digests mean
    /// bit-identical results (used to compare native and wasm runs).
    pub fn digest(&self) -> u64 {
        let json = serde_json::to_string(&self.summary()).unwrap_or_default();
        json.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
            (hash ^ byte as u64).wrapping_mul(0x0000_0100_0000_01b3)
        })
    }
}
