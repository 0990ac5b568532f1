//! API Priority and Fairness (APF), as upstream Kubernetes implements it.
//!
//! Each priority level owns a number of *seats* (its concurrency limit) and,
//! unless it is configured without queues, a set of FIFO queues served by
//! fair queuing: a flow (a flow schema plus a distinguisher such as the user
//! or namespace) is dealt a hand of queues by shuffle sharding
//! ([`dealer`]), joins the one with the least waiting work, and the
//! dispatcher serves queues so that each busy queue progresses through
//! virtual time at the same rate ([`queueset`]).
//!
//! [`Apf`] is one API server's APF across the bootstrap priority levels
//! ([`bootstrap`]). A request is classified by the bootstrap flow schemas
//! into a level and a flow; the work estimator ([`work`]) gives its seats
//! (1, or ⌈objects / 100⌉ for a LIST, up to the level's per-request
//! maximum) and the seats a write holds after it for its watch
//! notifications; the level's [`QueueSet`]
//! queues or runs it. Each level's *nominal* seats are its share of the
//! server concurrency limit (the sum of the two inflight flags, 600 by
//! default); every 10 s the levels lend and borrow seats by their recent
//! demand ([`borrowing`]), unless borrowing is switched off (a what-if:
//! upstream always borrows). The `exempt` level is never limited.
//!
//! Source: kubernetes `staging/src/k8s.io/apiserver/pkg/util/flowcontrol/`
//! (`apf_controller.go`, `fairqueuing/queueset/queueset.go`,
//! `shufflesharding/`), release 1.32.

pub mod bootstrap;
pub mod borrowing;
pub mod dealer;
mod division;
pub mod queueset;
pub mod retry_after;
pub mod work;

pub use dealer::Dealer;
pub use queueset::{Dispatch, QueueSet, QueueSetConfig, RejectReason, WorkEstimate};

use super::grant::{Admission, Expiry, Grant, LimitSnapshot, Slot, WaitPlace};
use crate::sim::engine::load::{Load, LoadReading};
use crate::sim::engine::time::Nanos;
use crate::sim::models::request::RequestKind;
use bootstrap::{Distinguisher, LEVELS, Level, classify, max_seats, nominal_seats};
use borrowing::{Bounds, DemandIntegrator, DemandStats};
use queueset::Admission as QueueAdmission;
use work::WorkFacts;

#[derive(Debug, Clone)]
struct ApfLevel {
    level: Level,
    /// None for `exempt`
    queues: Option<QueueSet>,
    max_seats: u32,
    /// the Retry-After its 429s carry
    retry_after: retry_after::RetryAfter,
    /// nominal, lowest and highest seats
    bounds: Bounds,
    /// seats in use plus seats asked for by waiting requests, over time
    demand: DemandIntegrator,
    stats: DemandStats,
    /// ∫ seats borrowed dt and ∫ seats lent dt since the start [seat·ns],
    /// up to `limit_since`
    borrowed: f64,
    lent: f64,
    /// seats in use against the level's current limit, over time
    load: Load,
}

#[derive(Debug, Clone)]
pub struct Apf {
    server_concurrency_limit: u32,
    /// longest wait in a queue [ns] (15 s by default: min(60 s / 4, 1 min))
    queue_wait_limit: Nanos,
    levels: Vec<ApfLevel>,
    /// seats the exempt level's requests hold: not limited, but counted as
    /// its demand, as upstream's queue set without limit counts them
    exempt_seats: u32,
    dispatched: Vec<Dispatch>,
    /// whether levels lend and borrow seats (upstream: always)
    borrowing: bool,
    /// when the levels' current limits were last set [ns]
    limit_since: Nanos,
}

/// A level's seats over a run, for reports.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelSeats {
    pub name: &'static str,
    pub nominal: u32,
    /// its limit now
    pub current: u32,
    /// time-weighted means since the start [seats]
    pub mean_borrowed: f64,
    pub mean_lent: f64,
}

fn config_for(level: Level, server_concurrency_limit: u32) -> QueueSetConfig {
    let defaults = level.defaults();
    QueueSetConfig {
        queues: defaults.queues,
        hand_size: defaults.hand_size,
        queue_length_limit: defaults.queue_length_limit,
        concurrency_limit: nominal_seats(level, server_concurrency_limit).max(1),
    }
}

/// A level's bounds for a server concurrency limit (no bootstrap level sets
/// a borrowing limit).
fn bounds_for(level: Level, server_concurrency_limit: u32) -> Bounds {
    Bounds::new(
        nominal_seats(level, server_concurrency_limit),
        level.defaults().lendable_percent,
        None,
        server_concurrency_limit,
    )
}

/// The flow's hash: FNV-1a of the schema and its distinguisher.
fn flow_hash(schema: &str, distinguisher: Distinguisher, kind: &RequestKind) -> u64 {
    let key = match distinguisher {
        Distinguisher::ByUser => ((kind.client as u64) << 32) | kind.user as u64,
        Distinguisher::ByNamespace => kind.namespace as u64,
    };
    crate::sim::engine::hash::fnv1a(&[schema.as_bytes(), &key.to_le_bytes()])
}

impl Apf {
    /// APF from `now` [ns] on; with `borrowing`, the levels' first limits
    /// are divided at once, as a new configuration's are (with no demand
    /// seen yet, in proportion to the seats each cannot lend).
    pub fn new(
        now: Nanos,
        server_concurrency_limit: u32,
        queue_wait_limit: Nanos,
        borrowing: bool,
    ) -> Self {
        let cl = server_concurrency_limit.max(1);
        let levels = [Level::Exempt]
            .into_iter()
            .chain(Level::LIMITED)
            .map(|level| {
                let config = config_for(level, cl);
                ApfLevel {
                    level,
                    queues: (level != Level::Exempt).then(|| QueueSet::new(config)),
                    max_seats: max_seats(level, config.concurrency_limit),
                    retry_after: Default::default(),
                    bounds: bounds_for(level, cl),
                    demand: DemandIntegrator::default(),
                    stats: DemandStats::default(),
                    borrowed: 0.0,
                    lent: 0.0,
                    load: Load::new(now, config.concurrency_limit as f64),
                }
            })
            .collect();
        let mut apf = Self {
            server_concurrency_limit: cl,
            queue_wait_limit,
            levels,
            exempt_seats: 0,
            dispatched: Vec::new(),
            borrowing,
            limit_since: now,
        };
        // Demand is measured from now: a flow control switched to mid-run
        // must not read the time before it as idle.
        for entry in &mut apf.levels {
            entry.demand.set(now, 0);
            entry.demand.reset(now);
        }
        apf.redivide(now, &mut Vec::new());
        apf
    }

    /// Notes level `level`'s seat demand after a change at `now`.
    fn note_demand(&mut self, now: Nanos, level: Level) {
        let entry = &mut self.levels[level as usize];
        let seats = match &entry.queues {
            Some(q) => {
                entry.load.set_used(now, q.seats_in_use() as f64);
                entry
                    .load
                    .set_capacity(now, q.config().concurrency_limit as f64);
                q.seats_in_use() + q.seats_waiting()
            }
            None => self.exempt_seats,
        };
        entry.demand.set(now, seats);
    }

    /// Each limited level's seats in use against its limit, over time up
    /// to `now` [seat·s].
    pub fn loads(&self, now: Nanos) -> Vec<(&'static str, LoadReading)> {
        self.levels
            .iter()
            .filter(|l| l.queues.is_some())
            .map(|l| (LEVELS[l.level as usize].name, l.load.reading(now)))
            .collect()
    }

    pub fn server_concurrency_limit(&self) -> u32 {
        self.server_concurrency_limit
    }

    /// The level a request goes to and the work it occupies there.
    pub fn placement(&self, kind: &RequestKind, facts: &WorkFacts) -> (Level, WorkEstimate) {
        let (_, level, _) = classify(kind);
        let max_seats = self.levels[level as usize].max_seats;
        (level, work::estimate(kind, facts, max_seats))
    }

    pub fn arrive(
        &mut self,
        now: Nanos,
        ticket: u64,
        kind: &RequestKind,
        facts: &WorkFacts,
        started: &mut Vec<Grant>,
    ) -> Admission {
        let (schema, level, distinguisher) = classify(kind);
        let entry = &mut self.levels[level as usize];
        let work = work::estimate(kind, facts, entry.max_seats);
        let Some(queues) = entry.queues.as_mut() else {
            self.exempt_seats += work.max_seats();
            self.note_demand(now, level);
            return Admission::Run(Grant::at_once(ticket, now, Slot::Exempt { work }));
        };
        match queues.arrive(now, flow_hash(schema, distinguisher, kind), ticket, work) {
            QueueAdmission::Rejected(_) => {
                entry.retry_after.dropped(now / 1_000_000_000);
                Admission::Reject
            }
            QueueAdmission::Executing => {
                self.note_demand(now, level);
                Admission::Run(Grant::at_once(
                    ticket,
                    now,
                    Slot::Apf {
                        level,
                        queue: None,
                        work,
                    },
                ))
            }
            QueueAdmission::Queued { queue } => {
                self.dispatch_level(now, level, started);
                // If this very request was dispatched, it runs now.
                match started.iter().position(|g| g.ticket == ticket) {
                    Some(position) => Admission::Run(started.remove(position)),
                    None => Admission::Wait {
                        place: WaitPlace::Apf { level, queue },
                        deadline: now.saturating_add(self.queue_wait_limit),
                    },
                }
            }
        }
    }

    fn dispatch_level(&mut self, now: Nanos, level: Level, started: &mut Vec<Grant>) {
        let Some(queues) = self.levels[level as usize].queues.as_mut() else {
            return;
        };
        queues.dispatch(now, &mut self.dispatched);
        started.extend(self.dispatched.drain(..).map(|d| Grant {
            ticket: d.ticket,
            arrived: d.arrived,
            started: now,
            slot: Slot::Apf {
                level,
                queue: Some(d.queue),
                work: d.work,
            },
        }));
        self.note_demand(now, level);
    }

    pub fn finish(&mut self, now: Nanos, grant: &Grant, started: &mut Vec<Grant>) {
        match grant.slot {
            // A write's final seats are freed by `release_final`.
            Slot::Exempt { work } if work.additional_latency == 0 => {
                self.exempt_seats = self.exempt_seats.saturating_sub(work.max_seats());
                self.note_demand(now, Level::Exempt);
            }
            Slot::Apf { level, queue, work } => {
                if let Some(queues) = self.levels[level as usize].queues.as_mut() {
                    queues.finish(now, queue, work, grant.started);
                }
                self.dispatch_level(now, level, started);
            }
            _ => {}
        }
    }

    /// The seats a finished request held on for its watch notifications
    /// (`grant`'s work's additional latency has passed) are free.
    pub fn release_final(&mut self, now: Nanos, grant: &Grant, started: &mut Vec<Grant>) {
        match grant.slot {
            Slot::Apf { level, queue, work } => {
                if let Some(queues) = self.levels[level as usize].queues.as_mut() {
                    queues.release(now, queue, work.max_seats());
                }
                self.dispatch_level(now, level, started);
            }
            Slot::Exempt { work } => {
                self.exempt_seats = self.exempt_seats.saturating_sub(work.max_seats());
                self.note_demand(now, Level::Exempt);
            }
            _ => {}
        }
    }

    pub fn expire(&mut self, now: Nanos, expiry: &Expiry) -> bool {
        let WaitPlace::Apf { level, queue } = expiry.place else {
            return false;
        };
        // A wait of a flow control since replaced may name a level this
        // one does not have.
        let Some(entry) = self.levels.get_mut(level as usize) else {
            return false;
        };
        let dropped = entry
            .queues
            .as_mut()
            .is_some_and(|queues| queues.cancel(now, queue, expiry.ticket));
        if dropped {
            entry.retry_after.dropped(now / 1_000_000_000);
            self.note_demand(now, level);
        }
        dropped
    }

    /// The Retry-After [s] a 429 for a request of `kind` carries now
    /// (`priority-and-fairness.go`: the level's dropped-requests tracker).
    pub fn retry_after(&self, kind: &RequestKind) -> u64 {
        let (_, level, _) = classify(kind);
        self.levels[level as usize].retry_after.seconds()
    }

    /// New server concurrency limit: every level's nominal seats and
    /// bounds follow, and the seats are divided again at once (as upstream
    /// does on a change of configuration).
    pub fn set_server_concurrency_limit(
        &mut self,
        now: Nanos,
        limit: u32,
        started: &mut Vec<Grant>,
    ) {
        self.server_concurrency_limit = limit.max(1);
        for entry in &mut self.levels {
            let nominal = nominal_seats(entry.level, self.server_concurrency_limit);
            entry.max_seats = max_seats(entry.level, nominal.max(1));
            entry.bounds = bounds_for(entry.level, self.server_concurrency_limit);
        }
        self.redivide(now, started);
    }

    /// Turns borrowing on or off; the seats are divided again at once.
    pub fn set_borrowing(&mut self, now: Nanos, on: bool, started: &mut Vec<Grant>) {
        self.borrowing = on;
        self.redivide(now, started);
    }

    pub fn snapshot(&self) -> Vec<LimitSnapshot> {
        self.levels
            .iter()
            .map(|l| match &l.queues {
                Some(q) => LimitSnapshot {
                    name: LEVELS[l.level as usize].name,
                    nominal: l.bounds.nominal,
                    seats: q.config().concurrency_limit,
                    in_use: q.seats_in_use(),
                    waiting: q.waiting(),
                },
                None => LimitSnapshot {
                    name: "exempt",
                    nominal: 0,
                    seats: 0,
                    in_use: self.exempt_seats,
                    waiting: 0,
                },
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::models::request::{ClientKind, Resource, Verb};

    fn kind(client: ClientKind, user: u32) -> RequestKind {
        RequestKind {
            verb: Verb::Get,
            resource: Resource::Pods,
            subresource: Default::default(),
            client,
            namespace: 0,
            user,
            objects: 1,
            scanned: 1,
            page: Default::default(),
            read_kib_s: 0,
        }
    }

    #[test]
    fn a_flooding_user_does_not_take_the_kubelets_seats() {
        // Users (global-default, 49 seats) flood; kubelets (system) still run.
        let mut apf = Apf::new(0, 600, 15_000_000_000, false);
        let mut started = Vec::new();
        let mut user_runs = 0;
        for ticket in 0..1_000 {
            if let Admission::Run(_) = apf.arrive(
                0,
                ticket,
                &kind(ClientKind::User, 7),
                &WorkFacts::default(),
                &mut started,
            ) {
                user_runs += 1;
            }
        }
        assert_eq!(user_runs, 49, "global-default has 49 seats");
        let kubelet = apf.arrive(
            0,
            5_000,
            &kind(ClientKind::Kubelet, 3),
            &WorkFacts::default(),
            &mut started,
        );
        assert!(matches!(kubelet, Admission::Run(_)));
    }

    /// `updateBorrowingLocked`: when every level used all its nominal seats
    /// and the exempt level took 100 off the top, the guarantees do not
    /// fit; each level keeps what it cannot lend and the same share of the
    /// rest of its guarantee.
    #[test]
    fn when_the_guarantees_do_not_fit_each_level_gets_the_same_share_of_them() {
        let mut apf = Apf::new(0, 600, 15_000_000_000, true);
        let mut started = Vec::new();
        let clients = [
            (ClientKind::Admin, Resource::Pods, 100),
            (ClientKind::Kubelet, Resource::Pods, 2_000),
            (ClientKind::Kubelet, Resource::Leases, 2_000),
            (ClientKind::LeaderElection, Resource::Leases, 2_000),
            (ClientKind::ControllerManager, Resource::Pods, 2_000),
            (ClientKind::Operator, Resource::Pods, 2_000),
            (ClientKind::User, Resource::Pods, 2_000),
        ];
        let mut ticket = 0;
        for (client, resource, count) in clients {
            for user in 0..count {
                let mut k = kind(client, user);
                k.resource = resource;
                k.namespace = user;
                apf.arrive(0, ticket, &k, &WorkFacts::default(), &mut started);
                ticket += 1;
            }
        }
        apf.divide_seats(10_000_000_000, &mut started);
        let seats = apf.level_seats(10_000_000_000);
        // 602 nominal seats less the exempt level's 100; the unlendable
        // seats sum to 258, the guarantees (the nominal shares) to 602.
        let share = (502.0 - 258.0) / (602.0 - 258.0);
        for (level, seats) in Level::LIMITED.into_iter().zip(&seats) {
            let bounds = bounds_for(level, 600);
            // catch-all gets no requests: its guarantee is what it cannot lend.
            let guarantee = if level == Level::CatchAll {
                bounds.min
            } else {
                bounds.nominal
            };
            let expected = bounds.min + ((guarantee - bounds.min) as f64 * share).round() as u32;
            assert_eq!(seats.current, expected, "{}", seats.name);
        }
        let total: u32 = seats.iter().map(|l| l.current).sum();
        assert!(total.abs_diff(502) <= 4, "{total}");
    }

    /// The exempt level's demand counts seats, as the work estimator gives
    /// them (`dispatchSansQueueLocked` adds `MaxSeats()`): an admin's LIST
    /// of 1,000 cached pods holds 10, not 1.
    #[test]
    fn the_exempt_levels_demand_counts_its_requests_seats() {
        let mut apf = Apf::new(0, 600, 15_000_000_000, true);
        let mut started = Vec::new();
        let mut list = kind(ClientKind::Admin, 0);
        list.verb = Verb::List;
        let facts = WorkFacts {
            stored: 1_000,
            from_cache: true,
            ..Default::default()
        };
        let Admission::Run(grant) = apf.arrive(0, 1, &list, &facts, &mut started) else {
            panic!("exempt requests run at once");
        };
        assert_eq!(grant.seats(), 10);
        assert_eq!(apf.snapshot()[0].in_use, 10);
        apf.finish(5_000_000_000, &grant, &mut started);
        assert_eq!(apf.snapshot()[0].in_use, 0);
        apf.divide_seats(10_000_000_000, &mut started);
        let exempt = &apf.levels[0].stats;
        assert_eq!(exempt.high_watermark, 10, "{exempt:?}");
    }

    /// APF switched to at 100 s measures its demand from then: 50 seats
    /// held from 100 s to 110 s are a mean of 50 over the period, not 5.
    #[test]
    fn apf_started_mid_run_measures_demand_from_its_start() {
        let start = 100_000_000_000;
        let mut apf = Apf::new(start, 600, 15_000_000_000, false);
        let mut started = Vec::new();
        let mut list = kind(ClientKind::User, 1);
        list.verb = Verb::List;
        let facts = WorkFacts {
            stored: 500,
            from_cache: true,
            ..Default::default()
        };
        for ticket in 0..10 {
            list.user = ticket as u32;
            apf.arrive(start, ticket, &list, &facts, &mut started);
        }
        let level = &apf.levels[Level::GlobalDefault as usize];
        let held = level.queues.as_ref().unwrap().seats_in_use();
        assert_eq!(held, 45, "5 seats each: 9 fit in global-default's 49");
        let period = apf.levels[Level::GlobalDefault as usize]
            .demand
            .clone()
            .reset(start + 10_000_000_000);
        assert!((period.duration - 10.0).abs() < 1e-9, "{period:?}");
        assert!(
            (period.mean - 50.0).abs() < 1e-9,
            "seats held and asked for: {period:?}"
        );
    }

    #[test]
    fn raising_the_limit_grows_every_level() {
        let mut apf = Apf::new(0, 600, 1, false);
        let mut started = Vec::new();
        apf.set_server_concurrency_limit(0, 1_200, &mut started);
        let seats: Vec<u32> = apf.snapshot().iter().map(|l| l.seats).collect();
        assert_eq!(seats, vec![0, 25, 147, 196, 49, 196, 490, 98]);
    }
}
