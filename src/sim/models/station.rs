//! The textbook station: Poisson arrivals, `c` servers, one FIFO queue.
//!
//! This is the M/G/c/K queue of every queueing course, and the reference the
//! engine is checked against: with exponential service it is M/M/c (Erlang C),
//! with deterministic service and one server M/D/1 (Pollaczek-Khinchine), with
//! a finite queue M/M/c/K (blocking probability). In the control-plane
//! picture, servers are the API server's seats and the queue its request queue.
//!
//! A request that finds a free server starts at once; otherwise it waits in
//! the queue, or is rejected when the queue already holds `queue_capacity`
//! requests. With a `queue_timeout`, a request that has waited that long
//! leaves the queue unserved (timed out).

use crate::sim::engine::calendar::Calendar;
use crate::sim::engine::metrics::ClassMetrics;
use crate::sim::engine::random::{DurationLaw, DurationSampler, SimRng};
use crate::sim::engine::time::{Nanos, from_secs};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// A station as a scenario file writes it.
///
/// ```toml
/// [station]
/// arrival_rate = 80.0      # requests per second
/// servers = 8
/// queue_capacity = 1000    # omit for an unbounded queue
/// queue_timeout = 15.0     # seconds; omit for unlimited patience
/// service = { distribution = "exponential", mean = 0.05 }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StationSpec {
    /// Poisson arrival rate λ [requests/s]
    pub arrival_rate: f64,
    /// number of servers c (seats)
    pub servers: u32,
    /// waiting places K − c; `None` = unbounded [requests]
    #[serde(default)]
    pub queue_capacity: Option<u32>,
    /// longest wait in the queue before a request gives up [s]; `None` = forever
    #[serde(default)]
    pub queue_timeout: Option<f64>,
    /// service time law [s]
    pub service: DurationLaw,
}

/// Largest arrival rate a scenario may ask for [requests/s].
pub const MAX_ARRIVAL_RATE: f64 = 1e7;
/// Largest number of servers.
pub const MAX_SERVERS: u32 = 1_000_000;
/// Largest finite queue capacity.
pub const MAX_QUEUE_CAPACITY: u32 = 10_000_000;

impl StationSpec {
    /// Checks every value; `Err((field, message))` names the first bad one.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        if !(self.arrival_rate.is_finite()
            && self.arrival_rate > 0.0
            && self.arrival_rate <= MAX_ARRIVAL_RATE)
        {
            return Err((
                "arrival_rate",
                format!(
                    "must be a rate in (0, {MAX_ARRIVAL_RATE}] requests per second, got {}",
                    self.arrival_rate
                ),
            ));
        }
        if !(1..=MAX_SERVERS).contains(&self.servers) {
            return Err((
                "servers",
                format!("must be 1 to {MAX_SERVERS}, got {}", self.servers),
            ));
        }
        if let Some(capacity) = self.queue_capacity
            && capacity > MAX_QUEUE_CAPACITY
        {
            return Err((
                "queue_capacity",
                format!("must be at most {MAX_QUEUE_CAPACITY}, got {capacity}"),
            ));
        }
        if let Some(timeout) = self.queue_timeout
            && !(timeout.is_finite() && timeout > 0.0 && timeout <= 86_400.0)
        {
            return Err((
                "queue_timeout",
                format!("must be a number of seconds in (0, 86400], got {timeout}"),
            ));
        }
        self.service.check().map_err(|message| ("service", message))
    }
}

/// What happens next at the station.
#[derive(Debug, Clone, Copy)]
pub enum StationEvent {
    /// A request arrives. Arrivals scheduled before the rate last changed
    /// carry an older generation and are dropped (the Poisson stream is
    /// memoryless, so redrawing the next gap at the new rate is exact).
    Arrival { generation: u32 },
    /// A server finishes the request that arrived at `arrived_at` [ns].
    Departure { arrived_at: Nanos },
    /// The request at the head of the queue may have waited too long.
    QueueDeadline,
}

/// A change to a running station, applied at the current simulated time;
/// its name in snake case is its timeline key (`servers = 4`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StationChange {
    /// new arrival rate [requests/s]
    ArrivalRate(f64),
    /// new number of servers; fewer servers take effect as busy ones finish
    Servers(u32),
    /// new queue capacity (`"unbounded"` or a number of places); requests
    /// already queued stay
    #[serde(with = "capacity")]
    QueueCapacity(Option<u32>),
    /// new mean service time [s], same law
    ServiceMean(f64),
}

/// The instantaneous state, for drawing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StationSnapshot {
    /// requests waiting
    pub queue_length: u32,
    /// servers busy
    pub busy: u32,
    /// servers available (the current limit)
    pub servers: u32,
}

/// A running station.
#[derive(Debug, Clone)]
pub struct Station {
    spec: StationSpec,
    service: DurationSampler,
    /// mean gap between arrivals [ns]
    mean_gap: f64,
    queue_timeout: Option<Nanos>,
    generation: u32,
    busy: u32,
    /// arrival times of waiting requests [ns], oldest first
    queue: VecDeque<Nanos>,
    /// a `QueueDeadline` event is pending
    deadline_armed: bool,
    /// start of measurement [ns]
    warmup: Nanos,
    /// time of the last state change [ns]
    last_change: Nanos,
    /// ∫ busy servers dt over the measured period [server·ns]
    busy_area: u128,
    /// ∫ max(servers, busy) dt over the measured period [server·ns]
    capacity_area: u128,
}

impl Station {
    /// A station at time 0 with its first arrival scheduled. The spec must
    /// have passed [`StationSpec::check`].
    pub fn new(
        spec: &StationSpec,
        warmup: Nanos,
        calendar: &mut Calendar<StationEvent>,
        rng: &mut SimRng,
    ) -> Self {
        let station = Self {
            service: spec.service.sampler(),
            mean_gap: 1e9 / spec.arrival_rate,
            queue_timeout: spec.queue_timeout.map(from_secs),
            spec: spec.clone(),
            generation: 0,
            busy: 0,
            queue: VecDeque::new(),
            deadline_armed: false,
            warmup,
            last_change: 0,
            busy_area: 0,
            capacity_area: 0,
        };
        station.schedule_arrival(0, calendar, rng);
        station
    }

    /// The spec as it stands after every change so far.
    pub fn spec(&self) -> &StationSpec {
        &self.spec
    }

    fn schedule_arrival(
        &self,
        now: Nanos,
        calendar: &mut Calendar<StationEvent>,
        rng: &mut SimRng,
    ) {
        let gap = rng.exponential(self.mean_gap);
        calendar.schedule(
            now.saturating_add(gap),
            StationEvent::Arrival {
                generation: self.generation,
            },
        );
    }

    /// The busy and capacity areas of the measured period, extended to `now` [server·ns].
    fn areas_until(&self, now: Nanos) -> (u128, u128) {
        let from = self.last_change.max(self.warmup);
        let dt = now.saturating_sub(from) as u128;
        (
            self.busy_area + self.busy as u128 * dt,
            // After a cut, servers still busy above the new limit are
            // capacity in use until they finish: utilisation stays ≤ 1.
            self.capacity_area + self.spec.servers.max(self.busy) as u128 * dt,
        )
    }

    /// Brings the areas up to `now` [ns]; called before every state change.
    fn account(&mut self, now: Nanos) {
        (self.busy_area, self.capacity_area) = self.areas_until(now);
        self.last_change = now;
    }

    /// Handles one event at `now` [ns].
    pub fn handle(
        &mut self,
        now: Nanos,
        event: StationEvent,
        calendar: &mut Calendar<StationEvent>,
        rng: &mut SimRng,
        metrics: &mut ClassMetrics,
    ) {
        self.account(now);
        match event {
            StationEvent::Arrival { generation } => {
                if generation != self.generation {
                    return;
                }
                self.schedule_arrival(now, calendar, rng);
                let measured = now >= self.warmup;
                metrics.arrived(measured);
                if self.busy < self.spec.servers {
                    self.start_service(now, now, calendar, rng, metrics);
                } else if self
                    .spec
                    .queue_capacity
                    .is_some_and(|capacity| self.queue.len() >= capacity as usize)
                {
                    metrics.rejected(now, measured);
                } else {
                    self.queue.push_back(now);
                    self.arm_deadline(calendar);
                }
            }
            StationEvent::Departure { arrived_at } => {
                self.busy -= 1;
                metrics.completed(now, now - arrived_at, arrived_at >= self.warmup);
                self.dispatch(now, calendar, rng, metrics);
            }
            StationEvent::QueueDeadline => {
                self.deadline_armed = false;
                if let Some(timeout) = self.queue_timeout {
                    // FIFO with one timeout: deadlines expire in queue order.
                    while let Some(&arrived_at) = self.queue.front() {
                        if arrived_at.saturating_add(timeout) > now {
                            break;
                        }
                        self.queue.pop_front();
                        metrics.timed_out(now, arrived_at >= self.warmup);
                    }
                }
                self.arm_deadline(calendar);
            }
        }
    }

    fn start_service(
        &mut self,
        now: Nanos,
        arrived_at: Nanos,
        calendar: &mut Calendar<StationEvent>,
        rng: &mut SimRng,
        metrics: &mut ClassMetrics,
    ) {
        self.busy += 1;
        metrics.started(now - arrived_at, arrived_at >= self.warmup);
        let service = self.service.sample(rng);
        calendar.schedule(
            now.saturating_add(service),
            StationEvent::Departure { arrived_at },
        );
    }

    /// Starts waiting requests while servers are free.
    fn dispatch(
        &mut self,
        now: Nanos,
        calendar: &mut Calendar<StationEvent>,
        rng: &mut SimRng,
        metrics: &mut ClassMetrics,
    ) {
        while self.busy < self.spec.servers {
            let Some(arrived_at) = self.queue.pop_front() else {
                break;
            };
            self.start_service(now, arrived_at, calendar, rng, metrics);
        }
    }

    /// Keeps one `QueueDeadline` pending for the head of the queue, if any.
    fn arm_deadline(&mut self, calendar: &mut Calendar<StationEvent>) {
        if self.deadline_armed {
            return;
        }
        if let (Some(timeout), Some(&head)) = (self.queue_timeout, self.queue.front()) {
            calendar.schedule(head.saturating_add(timeout), StationEvent::QueueDeadline);
            self.deadline_armed = true;
        }
    }

    /// Applies a change at `now` [ns]. The change must be valid (see
    /// [`StationChange::check`]).
    pub fn reconfigure(
        &mut self,
        now: Nanos,
        change: StationChange,
        calendar: &mut Calendar<StationEvent>,
        rng: &mut SimRng,
        metrics: &mut ClassMetrics,
    ) {
        self.account(now);
        match change {
            StationChange::ArrivalRate(rate) => {
                self.spec.arrival_rate = rate;
                self.mean_gap = 1e9 / rate;
                self.generation = self.generation.wrapping_add(1);
                self.schedule_arrival(now, calendar, rng);
            }
            StationChange::Servers(servers) => {
                self.spec.servers = servers;
                self.dispatch(now, calendar, rng, metrics);
            }
            StationChange::QueueCapacity(capacity) => self.spec.queue_capacity = capacity,
            StationChange::ServiceMean(mean) => {
                self.spec.service = self.spec.service.with_mean(mean);
                self.service = self.spec.service.sampler();
            }
        }
    }

    /// Requests in the station now: being served or waiting.
    pub fn in_system(&self) -> u64 {
        self.busy as u64 + self.queue.len() as u64
    }

    pub fn snapshot(&self) -> StationSnapshot {
        StationSnapshot {
            queue_length: self.queue.len().min(u32::MAX as usize) as u32,
            busy: self.busy,
            servers: self.spec.servers,
        }
    }

    /// Fraction of server capacity busy over the measured period, up to `now`.
    pub fn utilisation(&self, now: Nanos) -> f64 {
        let (busy, capacity) = self.areas_until(now);
        if capacity == 0 {
            0.0
        } else {
            busy as f64 / capacity as f64
        }
    }
}

impl StationChange {
    /// Checks the new value; `Err` explains what is wrong with it.
    pub fn check(&self) -> Result<(), String> {
        match *self {
            StationChange::ArrivalRate(rate)
                if !(rate.is_finite() && rate > 0.0 && rate <= MAX_ARRIVAL_RATE) =>
            {
                Err(format!(
                    "arrival rate must be in (0, {MAX_ARRIVAL_RATE}] requests per second, got {rate}"
                ))
            }
            StationChange::Servers(servers) if !(1..=MAX_SERVERS).contains(&servers) => {
                Err(format!("servers must be 1 to {MAX_SERVERS}, got {servers}"))
            }
            StationChange::QueueCapacity(Some(capacity)) if capacity > MAX_QUEUE_CAPACITY => Err(
                format!("queue capacity must be at most {MAX_QUEUE_CAPACITY}, got {capacity}"),
            ),
            StationChange::ServiceMean(mean) => DurationLaw::Exponential { mean }.check(),
            _ => Ok(()),
        }
    }
}

/// A queue capacity as people write it: a number of places or
/// `"unbounded"` (a table cannot hold "none"); binary formats keep the
/// option as it is.
mod capacity {
    use serde::de::{self, Visitor};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::fmt;

    const UNBOUNDED: &str = "unbounded";

    pub fn serialize<S: Serializer>(
        capacity: &Option<u32>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match capacity {
            _ if !serializer.is_human_readable() => capacity.serialize(serializer),
            Some(places) => serializer.serialize_u32(*places),
            None => serializer.serialize_str(UNBOUNDED),
        }
    }

    struct Capacity;

    impl Visitor<'_> for Capacity {
        type Value = Option<u32>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "a number of places or \"{UNBOUNDED}\"")
        }

        fn visit_u64<E: de::Error>(self, places: u64) -> Result<Option<u32>, E> {
            u32::try_from(places)
                .map(Some)
                .map_err(|_| E::custom(format_args!("{places} places are too many")))
        }

        fn visit_i64<E: de::Error>(self, places: i64) -> Result<Option<u32>, E> {
            u64::try_from(places)
                .map_err(|_| E::custom(format_args!("{places} places: must be at least 0")))
                .and_then(|places| self.visit_u64(places))
        }

        fn visit_str<E: de::Error>(self, word: &str) -> Result<Option<u32>, E> {
            if word == UNBOUNDED {
                Ok(None)
            } else {
                Err(E::invalid_value(de::Unexpected::Str(word), &self))
            }
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<u32>, D::Error> {
        if deserializer.is_human_readable() {
            deserializer.deserialize_any(Capacity)
        } else {
            Option::deserialize(deserializer)
        }
    }
}
