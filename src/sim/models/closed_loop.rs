//! One APF priority level fed by closed-loop clients: the fairness bench.
//!
//! This reproduces the setting of upstream's fair-queuing tests
//! (`queueset_test.go`): each client runs `threads` threads; a thread sends
//! a request, and when it starts executing, holds `width` seats for
//! `execute` seconds, then thinks for `think` seconds before its next call.
//! A thread whose request is rejected or times out stops, as upstream's
//! harness does. What is measured is each client's average number of seats
//! in use, to compare with its max-min fair share of the level's seats.
//!
//! ```toml
//! duration = 50.0
//! [priority_level]
//! queues = 9
//! hand_size = 1
//! queue_length_limit = 8
//! seats = 4
//! [[clients]]
//! name = "a"
//! threads = 8
//! execute = 1.0
//! think = 0.999999999
//! calls = 20
//! flow = 1001001001
//! ```

use crate::sim::IdMap;
use crate::sim::engine::calendar::Calendar;
use crate::sim::engine::metrics::ClassMetrics;
use crate::sim::engine::time::{Nanos, from_secs};
use crate::sim::models::flow_control::apf::queueset::{
    Admission, Dispatch, QueueSet, QueueSetConfig, WorkEstimate,
};
use serde::{Deserialize, Serialize};

/// A priority level as a scenario writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorityLevelSpec {
    /// number of queues; 0 = no queuing (reject when all seats are taken)
    pub queues: u32,
    /// queues dealt to each flow (ignored without queues)
    #[serde(default)]
    pub hand_size: u32,
    /// requests one queue may hold
    #[serde(default)]
    pub queue_length_limit: u32,
    /// the level's concurrency limit [seats]
    pub seats: u32,
    /// longest wait in a queue before the request is rejected [s]; none by default
    #[serde(default)]
    pub queue_wait_limit: Option<f64>,
}

/// A flow: a number used as the flow's hash, or a name hashed into one.
///
/// A scenario file writes either (`flow = 7` or `flow = "tenant-a"`); binary
/// messages (postcard), which cannot tell the two apart untagged, tag them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flow {
    Hash(u64),
    Name(String),
}

/// The flow as people write it: a number or a string, untagged.
#[derive(Serialize, Deserialize)]
#[serde(remote = "Flow", rename = "Flow", untagged)]
enum WrittenFlow {
    Hash(u64),
    Name(String),
}

/// The flow in binary messages: tagged by variant index.
#[derive(Serialize, Deserialize)]
#[serde(remote = "Flow")]
enum PackedFlow {
    Hash(u64),
    Name(String),
}

written_or_packed!(Flow, WrittenFlow, PackedFlow);

impl Flow {
    /// The 64-bit hash that deals the flow's hand (FNV-1a for names).
    pub fn hash(&self) -> u64 {
        match self {
            Flow::Hash(hash) => *hash,
            Flow::Name(name) => crate::sim::engine::hash::fnv1a(&[name.as_bytes()]),
        }
    }
}

/// A closed-loop client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSpec {
    pub name: String,
    /// concurrent threads, each looping call → execute → think
    pub threads: u32,
    /// seats each request holds while executing
    #[serde(default = "one")]
    pub width: u32,
    /// execution time of each request [s]
    pub execute: f64,
    /// pause between the end of one execution and the next call [s]
    #[serde(default)]
    pub think: f64,
    /// calls per thread before it stops; none = unlimited
    #[serde(default)]
    pub calls: Option<u32>,
    /// the flow its requests belong to
    pub flow: Flow,
}

fn one() -> u32 {
    1
}

pub const MAX_THREADS: u32 = 100_000;

impl PriorityLevelSpec {
    pub fn config(&self) -> QueueSetConfig {
        QueueSetConfig {
            queues: self.queues,
            hand_size: self.hand_size,
            queue_length_limit: self.queue_length_limit,
            concurrency_limit: self.seats,
        }
    }

    pub fn check(&self) -> Result<(), (String, String)> {
        if self.queues > 10_000 {
            return Err((
                "queues".into(),
                format!("must be at most 10000, got {}", self.queues),
            ));
        }
        if self.seats > 1_000_000 {
            return Err((
                "seats".into(),
                format!("must be at most 1000000, got {}", self.seats),
            ));
        }
        self.config()
            .check()
            .map_err(|(field, message)| (field.to_owned(), message))?;
        if let Some(limit) = self.queue_wait_limit
            && !(limit.is_finite() && limit > 0.0 && limit <= 3_600.0)
        {
            return Err((
                "queue_wait_limit".into(),
                format!("must be a number of seconds in (0, 3600], got {limit}"),
            ));
        }
        Ok(())
    }
}

impl ClientSpec {
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        if !(1..=MAX_THREADS).contains(&self.threads) {
            return Err((
                "threads",
                format!("must be 1 to {MAX_THREADS}, got {}", self.threads),
            ));
        }
        if !(1..=10_000).contains(&self.width) {
            return Err((
                "width",
                format!("must be 1 to 10000 seats, got {}", self.width),
            ));
        }
        if !(self.execute.is_finite() && self.execute > 0.0 && self.execute <= 86_400.0) {
            return Err((
                "execute",
                format!("must be seconds in (0, 86400], got {}", self.execute),
            ));
        }
        if !(self.think.is_finite() && (0.0..=86_400.0).contains(&self.think)) {
            return Err((
                "think",
                format!("must be seconds in [0, 86400], got {}", self.think),
            ));
        }
        Ok(())
    }
}

/// The max-min fair allocation of `capacity` over `demands`: nobody gets
/// more than it asks for, and what the small asks leave is shared equally
/// among the larger ones.
pub fn fair_allocation(demands: &[f64], capacity: f64) -> Vec<f64> {
    let mut order: Vec<usize> = (0..demands.len()).collect();
    // Equal demands get equal allocations whichever comes first, so an
    // unstable sort gives the same result (and no stable sort in the page).
    order.sort_unstable_by(|&a, &b| demands[a].total_cmp(&demands[b]));
    let mut allocation = vec![0.0; demands.len()];
    let mut remaining = capacity;
    for (k, &i) in order.iter().enumerate() {
        let share = remaining / (order.len() - k) as f64;
        allocation[i] = demands[i].min(share);
        remaining -= allocation[i];
    }
    allocation
}

#[derive(Debug, Clone, Copy)]
pub enum ClosedLoopEvent {
    /// thread `thread` of client `client` makes its call number `call`
    Call { client: u32, thread: u32, call: u32 },
    /// the request with this ticket finishes executing
    Done { ticket: u64 },
    /// the request's queue-wait limit has passed
    Deadline { queue: u32, ticket: u64 },
}

#[derive(Debug, Clone, Copy)]
struct InFlight {
    client: u32,
    thread: u32,
    call: u32,
    queue: Option<u32>,
    arrived: Nanos,
    started: Nanos,
}

/// What one client got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientSummary {
    /// time-average of the seats its executing requests held
    pub average_seats: f64,
    /// its max-min fair share of the level's seats, given every client's demand
    pub fair_share: f64,
    /// its demand: threads × width × execute / (execute + think)
    pub demand: f64,
}

/// A running closed-loop bench.
#[derive(Debug, Clone)]
pub struct ClosedLoop {
    clients: Vec<ClientSpec>,
    level: QueueSet,
    queue_wait_limit: Option<Nanos>,
    pending: IdMap<u64, InFlight>,
    next_ticket: u64,
    /// per client: requests, seat-time area [seat·ns], seats now, last change [ns]
    seat_area: Vec<u128>,
    seats_now: Vec<u32>,
    last_change: Vec<Nanos>,
    pub metrics: Vec<ClassMetrics>,
    started: Vec<Dispatch>,
}

impl ClosedLoop {
    /// A bench at time 0 with every thread's first call scheduled.
    pub fn new(
        level: &PriorityLevelSpec,
        clients: &[ClientSpec],
        calendar: &mut Calendar<ClosedLoopEvent>,
    ) -> Self {
        for (c, client) in clients.iter().enumerate() {
            if client.calls == Some(0) {
                continue;
            }
            for thread in 0..client.threads {
                // Staggered by nanoseconds, as upstream's harness does, so
                // that simultaneous starts have a fixed order.
                let delay = 90 * thread as Nanos + 20 * c as Nanos;
                calendar.schedule(
                    delay,
                    ClosedLoopEvent::Call {
                        client: c as u32,
                        thread,
                        call: 0,
                    },
                );
            }
        }
        let n = clients.len();
        Self {
            clients: clients.to_vec(),
            level: QueueSet::new(level.config()),
            queue_wait_limit: level.queue_wait_limit.map(from_secs),
            pending: IdMap::default(),
            next_ticket: 0,
            seat_area: vec![0; n],
            seats_now: vec![0; n],
            last_change: vec![0; n],
            metrics: clients.iter().map(|c| ClassMetrics::new(&c.name)).collect(),
            started: Vec::new(),
        }
    }

    /// Requests waiting or executing now.
    pub fn in_system(&self) -> u64 {
        self.pending.len() as u64
    }

    pub fn level(&self) -> &QueueSet {
        &self.level
    }

    fn add_seats(&mut self, client: usize, now: Nanos, delta: i64) {
        let dt = now.saturating_sub(self.last_change[client]) as u128;
        self.seat_area[client] += self.seats_now[client] as u128 * dt;
        self.last_change[client] = now;
        self.seats_now[client] = (self.seats_now[client] as i64 + delta).max(0) as u32;
    }

    pub fn handle(
        &mut self,
        now: Nanos,
        event: ClosedLoopEvent,
        calendar: &mut Calendar<ClosedLoopEvent>,
    ) {
        match event {
            ClosedLoopEvent::Call {
                client,
                thread,
                call,
            } => {
                let spec = &self.clients[client as usize];
                let ticket = self.next_ticket;
                self.next_ticket += 1;
                let work = WorkEstimate::seats(spec.width);
                self.metrics[client as usize].arrived(true);
                let mut in_flight = InFlight {
                    client,
                    thread,
                    call,
                    queue: None,
                    arrived: now,
                    started: now,
                };
                match self.level.arrive(now, spec.flow.hash(), ticket, work) {
                    Admission::Rejected(_) => {
                        self.metrics[client as usize].rejected(now, true);
                        return;
                    }
                    Admission::Executing => {
                        self.pending.insert(ticket, in_flight);
                        self.start(now, ticket, calendar);
                    }
                    Admission::Queued { queue } => {
                        in_flight.queue = Some(queue);
                        self.pending.insert(ticket, in_flight);
                        if let Some(limit) = self.queue_wait_limit {
                            calendar.schedule(
                                now.saturating_add(limit),
                                ClosedLoopEvent::Deadline { queue, ticket },
                            );
                        }
                    }
                }
                self.dispatch(now, calendar);
            }
            ClosedLoopEvent::Done { ticket } => {
                let Some(done) = self.pending.remove(&ticket) else {
                    return;
                };
                let width = self.clients[done.client as usize].width;
                self.level
                    .finish(now, done.queue, WorkEstimate::seats(width), done.started);
                self.add_seats(done.client as usize, now, -(width as i64));
                self.metrics[done.client as usize].completed(now, now - done.arrived, true);
                self.dispatch(now, calendar);
            }
            ClosedLoopEvent::Deadline { queue, ticket } => {
                if self.level.cancel(now, queue, ticket)
                    && let Some(gone) = self.pending.remove(&ticket)
                {
                    self.metrics[gone.client as usize].timed_out(now, true);
                }
            }
        }
    }

    fn dispatch(&mut self, now: Nanos, calendar: &mut Calendar<ClosedLoopEvent>) {
        let mut started = std::mem::take(&mut self.started);
        self.level.dispatch(now, &mut started);
        for dispatch in started.drain(..) {
            self.start(now, dispatch.ticket, calendar);
        }
        self.started = started;
    }

    /// The request starts executing: hold its seats, schedule its end and
    /// its thread's next call.
    fn start(&mut self, now: Nanos, ticket: u64, calendar: &mut Calendar<ClosedLoopEvent>) {
        let Some(in_flight) = self.pending.get_mut(&ticket) else {
            return;
        };
        in_flight.started = now;
        let InFlight {
            client,
            thread,
            call,
            arrived,
            ..
        } = *in_flight;
        let spec = &self.clients[client as usize];
        let execute = from_secs(spec.execute);
        let think = from_secs(spec.think);
        let (width, calls) = (spec.width, spec.calls);
        self.metrics[client as usize].started(now - arrived, true);
        calendar.schedule(
            now.saturating_add(execute),
            ClosedLoopEvent::Done { ticket },
        );
        if calls.is_none_or(|calls| call + 1 < calls) {
            calendar.schedule(
                now.saturating_add(execute).saturating_add(think),
                ClosedLoopEvent::Call {
                    client,
                    thread,
                    call: call + 1,
                },
            );
        }
        self.add_seats(client as usize, now, width as i64);
    }

    /// Each client's average seats over [0, now], fair share and demand,
    /// in the scenario's order.
    pub fn client_summaries(&self, now: Nanos) -> Vec<(String, ClientSummary)> {
        let demands: Vec<f64> = self
            .clients
            .iter()
            .map(|c| c.threads as f64 * c.width as f64 * c.execute / (c.execute + c.think))
            .collect();
        let shares = fair_allocation(&demands, self.level.config().concurrency_limit as f64);
        self.clients
            .iter()
            .enumerate()
            .map(|(i, client)| {
                let dt = now.saturating_sub(self.last_change[i]) as u128;
                let area = self.seat_area[i] + self.seats_now[i] as u128 * dt;
                let average_seats = if now == 0 {
                    0.0
                } else {
                    area as f64 / now as f64
                };
                (
                    client.name.clone(),
                    ClientSummary {
                        average_seats,
                        fair_share: shares[i],
                        demand: demands[i],
                    },
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fair_allocation_is_max_min() {
        assert_eq!(fair_allocation(&[4.0, 4.0], 4.0), vec![2.0, 2.0]);
        assert_eq!(fair_allocation(&[1.0, 10.0], 4.0), vec![1.0, 3.0]);
        assert_eq!(fair_allocation(&[0.5, 0.5], 4.0), vec![0.5, 0.5]);
        let a = fair_allocation(&[6.0, 6.0, 6.0, 6.0, 7.5], 6.0);
        assert!(a.iter().all(|&x| (x - 1.2).abs() < 1e-12), "{a:?}");
    }

    #[test]
    fn names_hash_deterministically() {
        assert_eq!(Flow::Name("a".into()).hash(), Flow::Name("a".into()).hash());
        assert_ne!(Flow::Name("a".into()).hash(), Flow::Name("b".into()).hash());
        assert_eq!(Flow::Hash(42).hash(), 42);
    }
}
