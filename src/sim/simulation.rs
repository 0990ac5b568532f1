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

use crate::sim::engine::calendar::Calendar;
use crate::sim::engine::context::Cx;
use crate::sim::engine::metrics::ClassMetrics;
use crate::sim::engine::random::SimRng;
use crate::sim::engine::time::{Nanos, from_secs, to_secs};
use crate::sim::models::closed_loop::{ClosedLoop, ClosedLoopEvent};
use crate::sim::models::control_plane::{ControlPlane, ControlPlaneChange, CpEvent};
use crate::sim::models::station::{Station, StationChange, StationEvent};
use crate::sim::scenario::{Scenario, ScenarioError};
use crate::sim::summary::{RunSummary, SummaryRows};
use crate::sim::timeline::TimedChange;
use serde::{Deserialize, Serialize};

/// A change to a running simulation, applied at its current time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Change {
    Station(StationChange),
    ControlPlane(ControlPlaneChange),
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
    /// requests waiting for a seat
    pub waiting: u32,
    /// seats (servers) in use
    pub seats_in_use: u32,
    /// seats available (the current limit)
    pub seats: u32,
}

#[derive(Debug, Clone)]
enum Model {
    Station {
        calendar: Calendar<StationEvent>,
        station: Station,
        metrics: Vec<ClassMetrics>,
    },
    ClosedLoop {
        calendar: Calendar<ClosedLoopEvent>,
        bench: ClosedLoop,
    },
    ControlPlane {
        calendar: Calendar<CpEvent>,
        model: Box<ControlPlane>,
    },
}

/// A running simulation.
#[derive(Debug, Clone)]
pub struct Simulation {
    scenario: Scenario,
    seed: u64,
    now: Nanos,
    rng: SimRng,
    model: Model,
    events: u64,
    /// the scenario's timeline, by time (ties in file order) [ns]
    timeline: Vec<(Nanos, TimedChange)>,
    /// entries of `timeline` applied so far
    timeline_done: usize,
    /// changes the timeline made and nobody has read yet (see `take_fired`)
    fired: Vec<Change>,
}

/// The simulated clock never passes 2^62 ns (about 146 years): every event
/// handled is at most that late, and what it schedules (a draw of at most
/// `MAX_DRAW`, a bounded setting) stays far from `u64` overflow. Without it
/// `advance_to(u64::MAX)` on a model whose calendar runs dry puts the clock
/// at `u64::MAX`, and the next `now + delay` overflows (found by fuzzing).
pub const MAX_CLOCK: Nanos = 1 << 62;

/// Pops and handles events due by `until` [ns], at most `budget` of them;
/// returns (events handled, time of the last one, target reached).
fn run_events<E: Copy>(
    calendar: &mut Calendar<E>,
    until: Nanos,
    budget: u64,
    mut handle: impl FnMut(Nanos, E, &mut Calendar<E>),
) -> (u64, Option<Nanos>, bool) {
    let mut events = 0;
    let mut last = None;
    while events < budget {
        let Some((at, event)) = calendar.pop_until(until) else {
            break;
        };
        handle(at, event, calendar);
        last = Some(at);
        events += 1;
    }
    let reached = calendar.next_time().is_none_or(|next| next > until);
    (events, last, reached)
}

impl Simulation {
    /// Checks the scenario and sets up a run at time 0 with the given seed.
    pub fn new(scenario: &Scenario, seed: u64) -> Result<Self, ScenarioError> {
        scenario.check()?;
        let mut rng = SimRng::new(seed);
        let model = match (&scenario.station, &scenario.priority_level) {
            _ if scenario.control_plane.is_some() => {
                let spec = scenario.control_plane.as_ref().expect("checked above");
                let mut calendar = Calendar::new();
                let mut cx = Cx::new(0, &mut calendar, &mut rng);
                let model = ControlPlane::new(spec, from_secs(scenario.warmup), &mut cx);
                Model::ControlPlane {
                    calendar,
                    model: Box::new(model),
                }
            }
            (Some(spec), _) => {
                let mut calendar = Calendar::new();
                let station =
                    Station::new(spec, from_secs(scenario.warmup), &mut calendar, &mut rng);
                Model::Station {
                    calendar,
                    station,
                    metrics: vec![ClassMetrics::new("request")],
                }
            }
            (None, Some(level)) => {
                let mut calendar = Calendar::new();
                let bench = ClosedLoop::new(level, &scenario.clients, &mut calendar);
                Model::ClosedLoop { calendar, bench }
            }
            (None, None) => return Err(ScenarioError::new("", "a scenario needs a model")),
        };
        // By time, ties in file order: each entry goes after every entry
        // not later than it. (At most `timeline::MAX_ENTRIES`, checked above,
        // so inserting is cheap, and the page needs no stable sort's code.)
        let mut timeline: Vec<(Nanos, TimedChange)> = Vec::with_capacity(scenario.timeline.len());
        for entry in &scenario.timeline {
            let at = from_secs(entry.at);
            let place = timeline.partition_point(|(earlier, _)| *earlier <= at);
            timeline.insert(place, (at, entry.clone()));
        }
        Ok(Self {
            scenario: scenario.clone(),
            seed,
            now: 0,
            rng,
            model,
            events: 0,
            timeline,
            timeline_done: 0,
            fired: Vec::new(),
        })
    }

    /// The scenario with every change applied so far.
    pub fn scenario(&self) -> Scenario {
        let mut scenario = self.scenario.clone();
        match &self.model {
            Model::Station { station, .. } => scenario.station = Some(station.spec().clone()),
            Model::ControlPlane { model, .. } => {
                scenario.control_plane = Some(model.spec().clone())
            }
            Model::ClosedLoop { .. } => {}
        }
        scenario
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Current simulated time [ns].
    pub fn now(&self) -> Nanos {
        self.now
    }

    /// When the scenario's duration is reached [ns].
    pub fn end(&self) -> Nanos {
        from_secs(self.scenario.duration)
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
    ///
    /// Timeline entries due by `time` apply on the way, each at its instant
    /// after the events due then (as a reader's change applies when the
    /// clock has reached it): a run with its changes written into its
    /// timeline replays a run changed by hand at those times exactly.
    pub fn advance_bounded(&mut self, time: Nanos, max_events: u64) -> Advance {
        let time = time.min(MAX_CLOCK);
        let mut events = 0;
        while let Some(&(at, _)) = self.timeline.get(self.timeline_done) {
            if at > time {
                break;
            }
            let step = self.advance_events(at, max_events - events);
            events += step.events;
            if !step.reached {
                return Advance {
                    events,
                    reached: false,
                };
            }
            self.apply_timed(at);
        }
        let step = self.advance_events(time, max_events - events);
        Advance {
            events: events + step.events,
            reached: step.reached,
        }
    }

    /// Applies every timeline entry due at `at` [ns] now, together.
    fn apply_timed(&mut self, at: Nanos) {
        let current = match &self.model {
            Model::ControlPlane { model, .. } => Some(model.spec().clone()),
            _ => None,
        };
        let mut changes = Vec::new();
        while let Some((_, entry)) = self
            .timeline
            .get(self.timeline_done)
            .filter(|(t, _)| *t == at)
        {
            changes.extend(entry.changes(current.as_ref()));
            self.timeline_done += 1;
        }
        // Checked with the scenario: a refusal here cannot happen, and
        // would change nothing.
        for (change, verdict) in changes.iter().zip(self.reconfigure_all(&changes)) {
            if verdict.is_ok() {
                self.fired.push(*change);
            }
        }
    }

    /// The changes the scenario's timeline has made since the last call,
    /// in order (the page mirrors them on its controls).
    pub fn take_fired(&mut self) -> Vec<Change> {
        std::mem::take(&mut self.fired)
    }

    fn advance_events(&mut self, time: Nanos, max_events: u64) -> Advance {
        let rng = &mut self.rng;
        let (events, last, reached) = match &mut self.model {
            Model::Station {
                calendar,
                station,
                metrics,
            } => run_events(calendar, time, max_events, |at, event, calendar| {
                station.handle(at, event, calendar, rng, &mut metrics[0]);
            }),
            Model::ClosedLoop { calendar, bench } => {
                run_events(calendar, time, max_events, |at, event, calendar| {
                    bench.handle(at, event, calendar);
                })
            }
            Model::ControlPlane { calendar, model } => {
                run_events(calendar, time, max_events, |at, event, calendar| {
                    model.handle(&mut Cx::new(at, calendar, rng), event);
                })
            }
        };
        if let Some(last) = last {
            self.now = self.now.max(last);
        }
        if reached {
            self.now = self.now.max(time);
        }
        let now = self.now;
        for class in self.metrics_mut() {
            class.windows.roll_to(now);
        }
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

    /// Applies a change now. An invalid value, or one that does not apply to
    /// this scenario's model, is refused with the reason and changes nothing.
    pub fn reconfigure(&mut self, change: Change) -> Result<(), String> {
        self.reconfigure_all(&[change]).remove(0)
    }

    /// Applies changes made at one instant, now, in order, each checked as
    /// [`Simulation::reconfigure`] checks it (a refused one changes
    /// nothing): its verdicts. The control plane takes them together, so
    /// its two inflight flags changed at once are one new limit.
    pub fn reconfigure_all(&mut self, changes: &[Change]) -> Vec<Result<(), String>> {
        let verdicts: Vec<Result<(), String>> = changes.iter().map(|c| self.refusal(c)).collect();
        let accepted = changes.iter().zip(&verdicts).filter(|(_, v)| v.is_ok());
        match &mut self.model {
            Model::Station {
                calendar,
                station,
                metrics,
            } => {
                for (change, _) in accepted {
                    if let Change::Station(change) = *change {
                        let (rng, metrics) = (&mut self.rng, &mut metrics[0]);
                        station.reconfigure(self.now, change, calendar, rng, metrics);
                    }
                }
            }
            Model::ControlPlane { calendar, model } => {
                let mut cx = Cx::new(self.now, calendar, &mut self.rng);
                let changes = accepted.filter_map(|(change, _)| match *change {
                    Change::ControlPlane(change) => Some(change),
                    Change::Station(_) => None,
                });
                model.reconfigure(&mut cx, changes);
            }
            Model::ClosedLoop { .. } => {}
        }
        verdicts
    }

    /// Why this run cannot take `change`, if it cannot.
    fn refusal(&self, change: &Change) -> Result<(), String> {
        match (change, &self.model) {
            (Change::Station(change), Model::Station { .. }) => change.check(),
            (Change::Station(_), _) => Err("this scenario has no station".into()),
            (Change::ControlPlane(change), Model::ControlPlane { .. }) => change.check(),
            (Change::ControlPlane(_), _) => Err("this scenario has no control plane".into()),
        }
    }

    pub fn snapshot(&self) -> Snapshot {
        let time = to_secs(self.now);
        match &self.model {
            Model::Station { station, .. } => {
                let s = station.snapshot();
                Snapshot {
                    time,
                    waiting: s.queue_length,
                    seats_in_use: s.busy,
                    seats: s.servers,
                }
            }
            Model::ClosedLoop { bench, .. } => {
                let level = bench.level();
                Snapshot {
                    time,
                    waiting: level.waiting(),
                    seats_in_use: level.seats_in_use(),
                    seats: level.config().concurrency_limit,
                }
            }
            Model::ControlPlane { model, .. } => {
                let limits = model.limits();
                Snapshot {
                    time,
                    waiting: limits.iter().map(|l| l.waiting).sum(),
                    seats_in_use: limits.iter().map(|l| l.in_use).sum(),
                    seats: limits.iter().map(|l| l.seats).sum(),
                }
            }
        }
    }

    /// The control plane's components and a sample of its requests in flight
    /// (1 in `every`, at most `max`); `None` for other models.
    pub fn control_plane_snapshot(
        &self,
        every: u64,
        max: usize,
    ) -> Option<crate::sim::models::control_plane::ControlPlaneSnapshot> {
        match &self.model {
            Model::ControlPlane { model, .. } => Some(model.snapshot(every, max)),
            _ => None,
        }
    }

    /// Every finite resource's utilisation over the last `seconds` (at
    /// most 10), busiest first; none for models without them.
    pub fn recent_ranking(
        &self,
        seconds: usize,
    ) -> Vec<(crate::sim::models::control_plane::ResourceId, f64)> {
        match &self.model {
            Model::ControlPlane { model, .. } => model.recent_ranking(self.now, seconds),
            _ => Vec::new(),
        }
    }

    /// What limits the control plane over the last `seconds` (at most
    /// 10), `None` before anything was busy or for other models.
    pub fn recent_bottleneck(
        &self,
        seconds: usize,
    ) -> Option<crate::sim::models::control_plane::Bottleneck> {
        match &self.model {
            Model::ControlPlane { model, .. } => model.recent_bottleneck(self.now, seconds),
            _ => None,
        }
    }

    /// Requests in the system now, counted from the model's own state (not
    /// from the metrics): what conservation is checked against.
    pub fn in_system(&self) -> u64 {
        match &self.model {
            Model::Station { station, .. } => station.in_system(),
            Model::ClosedLoop { bench, .. } => bench.in_system(),
            Model::ControlPlane { model, .. } => model.in_system(),
        }
    }

    /// Conservation of requests, against the model's own state: every
    /// request that arrived has completed, been rejected or timed out, or
    /// is still in the system (once per class it counts in). `Err` says how
    /// the counts differ.
    pub fn conservation(&self) -> Result<(), String> {
        let (arrived, finished) = self.metrics().iter().fold((0u64, 0u64), |(a, f), class| {
            let c = class.all;
            (a + c.arrived, f + c.completed + c.rejected + c.timed_out)
        });
        let in_system = self.in_system();
        if arrived == finished + in_system {
            Ok(())
        } else {
            Err(format!(
                "requests not conserved at t = {} ns: {arrived} arrived, {finished} finished, \
                 {in_system} in the system",
                self.now
            ))
        }
    }

    /// Events scheduled and not yet handled.
    pub fn pending_events(&self) -> usize {
        match &self.model {
            Model::Station { calendar, .. } => calendar.len(),
            Model::ClosedLoop { calendar, .. } => calendar.len(),
            Model::ControlPlane { calendar, .. } => calendar.len(),
        }
    }

    /// Per-class metrics, live windows included.
    pub fn metrics(&self) -> &[ClassMetrics] {
        match &self.model {
            Model::Station { metrics, .. } => metrics,
            Model::ClosedLoop { bench, .. } => &bench.metrics,
            Model::ControlPlane { model, .. } => model.metrics().as_slice(),
        }
    }

    fn metrics_mut(&mut self) -> &mut [ClassMetrics] {
        match &mut self.model {
            Model::Station { metrics, .. } => metrics,
            Model::ClosedLoop { bench, .. } => &mut bench.metrics,
            Model::ControlPlane { model, .. } => model.metrics_mut().as_mut_slice(),
        }
    }

    pub fn summary(&self) -> RunSummary {
        self.summary_rows().into()
    }

    /// The summary's figures in the model's order (see [`SummaryRows`]).
    pub fn summary_rows(&self) -> SummaryRows {
        let (utilisation, clients, api_servers, etcd, bottleneck) = match &self.model {
            Model::Station { station, .. } => (
                Some(station.utilisation(self.now)),
                Vec::new(),
                Vec::new(),
                Vec::new(),
                None,
            ),
            Model::ClosedLoop { bench, .. } => (
                None,
                bench.client_summaries(self.now),
                Vec::new(),
                Vec::new(),
                None,
            ),
            Model::ControlPlane { model, .. } => (
                None,
                Vec::new(),
                model.api_servers(self.now),
                model.etcd_members(self.now),
                model.bottleneck(self.now),
            ),
        };
        SummaryRows {
            scenario: self.scenario.name.clone(),
            seed: self.seed,
            simulated_s: to_secs(self.now),
            warmup_s: self.scenario.warmup,
            events: self.events,
            utilisation,
            classes: self
                .metrics()
                .iter()
                .map(|class| (class.name.clone(), class.summary()))
                .collect(),
            clients,
            api_servers,
            etcd,
            bottleneck,
        }
    }

    /// A 64-bit FNV-1a digest of the summary's JSON: equal digests mean
    /// bit-identical results (used to compare native and wasm runs).
    pub fn digest(&self) -> u64 {
        let json = serde_json::to_string(&self.summary()).unwrap_or_default();
        crate::sim::engine::hash::fnv1a(&[json.as_bytes()])
    }
}
