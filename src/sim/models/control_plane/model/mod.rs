//! The running control plane: requests flowing through every mechanism.
//!
//! The path of one request, and where it can wait:
//!
//! 1. **Flow control** (APF, max-inflight or the article's queue): it runs,
//!    waits in a queue (until its wait limit), or gets HTTP 429.
//! 2. **Processing** in the API server (CPU time, holding its seats).
//! 3. **Admission webhooks** for matching writes: mutating ones one after
//!    another, then validating ones in parallel; each call may time out and
//!    then fails the request (failurePolicy Fail) or is ignored. Upstream the
//!    request keeps its seats meanwhile; with the article's dedicated limit
//!    it gives them back and waits for a webhook slot instead.
//! 4. **Storage**. A write goes through the etcd client (a connection, a
//!    stream) to raft and back; once etcd has it, the watch cache receives
//!    the event, applies it under its write lock and a dispatcher fans it
//!    out to the interested watchers (that delay is the *watch* latency).
//!    A GET or LIST is a consistent read from the cache: a cheap linearizable
//!    read at etcd for the current revision, then the cache's read lock for
//!    as long as the walk over the objects in scope takes.
//! 5. **Response**: serialization, then the seats are freed.
//!
//! Every request ends exactly once: completed, rejected (429) or timed out /
//! failed, which is what conservation checks.
//!
//! The stages live in the files of this module: `admission` (webhooks),
//! `storage` (etcd), `cache` (the watch cache), `discovery`.

mod admission;
mod cache;
mod discovery;
mod seats;
mod snapshot;
mod storage;

use seats::Outcome;
pub use snapshot::{ControlPlaneSnapshot, InFlight, Stage};
use storage::EtcdCall;

use super::spec::{ControlPlaneSpec, Discovery, FailurePolicy, WebhookHandling, WebhookType};
use super::workload::{
    ALL_NAMESPACES, client_send_offset, discovery_requests, interested_watchers, stream_count,
    stream_rate, stream_request,
};
use crate::sim::IdMap;
use crate::sim::engine::calendar::Calendar;
use crate::sim::engine::metrics::ClassMetrics;
use crate::sim::engine::random::{DurationSampler, SimRng};
use crate::sim::engine::time::{Nanos, from_secs};
use crate::sim::models::etcd::client::{EtcdClient, EtcdClientKind, retry_delay};
use crate::sim::models::etcd::{Etcd, EtcdEvent, EtcdOp, EtcdReply, EtcdSnapshot};
use crate::sim::models::flow_control::{
    Admission, Expiry, FlowControl, FlowControlKind, Grant, LimitSnapshot, Slot,
};
use crate::sim::models::request::{ClientKind, RequestClass, RequestKind, Resource, Verb};
use crate::sim::models::watch_cache::{CacheLocking, Holder, RwLock};
use std::collections::VecDeque;

/// The metric classes, in this order.
///
/// The first three are the API's latency classes (their SLOs: 1 s, 1 s,
/// 30 s). `webhook` times each admission webhook call, `watch` each event's
/// delivery to watchers after etcd has it, `discovery` a client's start-up.
/// The last two are stages of requests: `queue-wait` the wait for seats
/// (APF's `apiserver_flowcontrol_request_wait_duration_seconds`), and
/// `etcd-write` a write as the API server sees it (`etcd_request_duration_seconds`).
/// `user` repeats the API requests of people (kubectl): the article's case
/// study counts their timeouts.
pub const CLASSES: [&str; 9] = [
    "mutating",
    "read-single",
    "list",
    "webhook",
    "watch",
    "discovery",
    "queue-wait",
    "etcd-write",
    "user",
];
const WEBHOOK: usize = 3;
const WATCH: usize = 4;
const DISCOVERY: usize = 5;
const QUEUE_WAIT: usize = 6;
const ETCD_WRITE: usize = 7;
const USER: usize = 8;

/// Most namespace shards per resource (the article's sharding): beyond this
/// namespaces share shards, which keeps memory bounded at 10,000 namespaces.
const MAX_SHARDS: u32 = 256;
/// Lock index meaning "no lock" (a cluster-wide read under sharding).
const NO_LOCK: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
pub enum CpEvent {
    Etcd(EtcdEvent),
    /// the next request of a workload source
    Arrival {
        source: u16,
        generation: u32,
    },
    QueueDeadline(Expiry),
    Processed {
        ticket: u64,
    },
    /// a webhook call of request `ticket` returns (or times out)
    HookDone {
        ticket: u64,
        hook: u8,
        started: Nanos,
        timed_out: bool,
    },
    EtcdArrives {
        call: u64,
    },
    EtcdReceived {
        call: u64,
    },
    EtcdRetry {
        call: u64,
    },
    /// a hold on cache lock `lock` of layout `layout` ends
    LockReleased {
        lock: u32,
        layout: u32,
        holder: Holder,
    },
    WatchDelivered {
        event: u64,
    },
    Respond {
        ticket: u64,
    },
    DiscoveryStart {
        client: u32,
    },
    /// a starting client's rate limiter lets its next discovery request go
    DiscoverySend {
        client: u32,
    },
}

impl From<EtcdEvent> for CpEvent {
    fn from(event: EtcdEvent) -> Self {
        CpEvent::Etcd(event)
    }
}

#[derive(Debug, Clone)]
struct Request {
    kind: RequestKind,
    arrived: Nanos,
    grant: Option<Grant>,
    /// mutating webhooks still to call, in order
    mutating_left: VecDeque<u8>,
    validating_pending: u32,
    failed: bool,
    /// API server CPU time it will use [ns], drawn at arrival
    cpu: Nanos,
    /// the discovery client this request belongs to
    discovery_client: Option<u32>,
    stage: Stage,
    /// when it entered its stage [ns]
    stage_since: Nanos,
}

impl Request {
    fn enter(&mut self, stage: Stage, now: Nanos) {
        self.stage = stage;
        self.stage_since = now;
    }
}

/// The running model.
#[derive(Debug, Clone)]
pub struct ControlPlane {
    pub(super) spec: ControlPlaneSpec,
    pub(super) flow_control: FlowControl,
    /// the previous flow control, draining its requests after a switch
    pub(super) retired_flow_control: Option<FlowControl>,
    processing: DurationSampler,
    pub(super) hooks: Vec<(DurationSampler, Nanos)>,
    /// webhook latency multiplier (slow-webhook fault); infinite = hang
    pub(super) webhook_slowdown: f64,
    webhook_slots_busy: u32,
    /// webhook calls asked for and not yet returned
    hooks_in_flight: u64,
    webhook_waiting: VecDeque<(u64, u8)>,
    pub(super) etcd: Etcd,
    pub(super) client: EtcdClient,
    pub(super) retired_client: Option<EtcdClient>,
    pub(super) client_generation: u32,
    calls: IdMap<u64, EtcdCall>,
    next_call: u64,
    /// requests riding on a read in flight (the article's coalescing)
    shared_reads: IdMap<storage::SharedRead, Vec<u64>>,
    pub(super) locks: Vec<RwLock>,
    pub(super) retired_locks: Vec<RwLock>,
    pub(super) lock_layout: u32,
    pub(super) shards: u32,
    dispatcher_free: [Nanos; Resource::ALL.len()],
    /// watch events in the cache pipeline: their etcd completion time and resource
    cache_events: IdMap<u64, (Nanos, Resource)>,
    next_cache_event: u64,
    requests: IdMap<u64, Request>,
    next_ticket: u64,
    pub(super) generation: u32,
    /// discovery clients starting: requests still pending, start time
    discovery: IdMap<u32, (u32, Nanos)>,
    /// whether each starting client uses aggregated discovery
    discovery_kind: IdMap<u32, bool>,
    pub metrics: Vec<ClassMetrics>,
    warmup: Nanos,
    started: Vec<Grant>,
    replies: Vec<EtcdReply>,
}

impl ControlPlane {
    pub fn new(
        spec: &ControlPlaneSpec,
        warmup: Nanos,
        calendar: &mut Calendar<CpEvent>,
        rng: &mut SimRng,
    ) -> Self {
        let mut model = Self {
            flow_control: new_flow_control(spec, spec.flow_control),
            retired_flow_control: None,
            processing: spec.processing.sampler(),
            hooks: hook_samplers(spec),
            webhook_slowdown: 1.0,
            webhook_slots_busy: 0,
            hooks_in_flight: 0,
            webhook_waiting: VecDeque::new(),
            etcd: Etcd::new(&spec.etcd),
            client: EtcdClient::new(&spec.etcd_client, Resource::ALL.len()),
            retired_client: None,
            client_generation: 0,
            calls: IdMap::default(),
            next_call: 0,
            shared_reads: IdMap::default(),
            locks: Vec::new(),
            retired_locks: Vec::new(),
            lock_layout: 0,
            shards: 1,
            dispatcher_free: [0; Resource::ALL.len()],
            cache_events: IdMap::default(),
            next_cache_event: 0,
            requests: IdMap::default(),
            next_ticket: 0,
            generation: 0,
            discovery: IdMap::default(),
            discovery_kind: IdMap::default(),
            metrics: CLASSES.iter().map(|name| ClassMetrics::new(name)).collect(),
            warmup,
            started: Vec::new(),
            replies: Vec::new(),
            spec: spec.clone(),
        };
        model.rebuild_locks();
        model.schedule_sources(0, calendar, rng);
        model
    }

    /// Lays the cache locks out for the current locking and namespaces.
    pub(super) fn rebuild_locks(&mut self) {
        self.shards = match self.spec.cache_locking {
            CacheLocking::PerResource => 1,
            CacheLocking::NamespaceShards => self.spec.workload.namespaces.clamp(1, MAX_SHARDS),
        };
        let fresh = vec![RwLock::default(); Resource::ALL.len() * self.shards as usize];
        self.retired_locks = std::mem::replace(&mut self.locks, fresh);
        self.lock_layout = self.lock_layout.wrapping_add(1);
    }

    /// Schedules every source's next arrival (after a change of rates, the
    /// generation moves on and older arrivals are dropped: Poisson streams
    /// are memoryless, so redrawing is exact).
    pub(super) fn schedule_sources(
        &mut self,
        now: Nanos,
        calendar: &mut Calendar<CpEvent>,
        rng: &mut SimRng,
    ) {
        self.generation = self.generation.wrapping_add(1);
        for index in 0..stream_count(&self.spec.workload) {
            self.schedule_arrival(now, index as u16, calendar, rng);
        }
    }

    fn schedule_arrival(
        &self,
        now: Nanos,
        index: u16,
        calendar: &mut Calendar<CpEvent>,
        rng: &mut SimRng,
    ) {
        let rate = stream_rate(&self.spec.workload, index as usize);
        if rate > 0.0 {
            let gap = rng.exponential(1e9 / rate);
            calendar.schedule(
                now.saturating_add(gap),
                CpEvent::Arrival {
                    source: index,
                    generation: self.generation,
                },
            );
        }
    }

    /// The specification with every change applied so far.
    pub fn spec(&self) -> &ControlPlaneSpec {
        &self.spec
    }

    /// The flow control's limits now (for drawing and readouts).
    pub fn limits(&self) -> Vec<LimitSnapshot> {
        self.flow_control.snapshot()
    }

    /// Requests, webhook calls, watch events and starting discovery clients
    /// in the system now, counted from the model's own state, once per
    /// metric class they count in (a person's request is also a `user` one).
    pub fn in_system(&self) -> u64 {
        let users = self
            .requests
            .values()
            .filter(|r| r.kind.client == ClientKind::User)
            .count() as u64;
        self.requests.len() as u64
            + users
            + self.hooks_in_flight
            + self.cache_events.len() as u64
            + self.discovery.len() as u64
    }

    fn class_of(kind: &RequestKind) -> usize {
        match kind.class() {
            RequestClass::Mutating => 0,
            RequestClass::ReadSingle => 1,
            RequestClass::List => 2,
        }
    }

    /// Whether request `ticket` has outlived `--request-timeout` at `now`
    /// (or is gone).
    fn expired(&self, now: Nanos, ticket: u64) -> bool {
        self.requests.get(&ticket).is_none_or(|r| {
            now >= r
                .arrived
                .saturating_add(from_secs(self.spec.request_timeout))
        })
    }

    fn measured(&self, since: Nanos) -> bool {
        since >= self.warmup
    }

    pub fn handle(
        &mut self,
        now: Nanos,
        event: CpEvent,
        calendar: &mut Calendar<CpEvent>,
        rng: &mut SimRng,
    ) {
        match event {
            CpEvent::Etcd(event) => {
                let mut replies = std::mem::take(&mut self.replies);
                self.etcd.handle(now, event, calendar, rng, &mut replies);
                self.etcd_replies(now, &mut replies, calendar, rng);
                self.replies = replies;
            }
            CpEvent::Arrival { source, generation } => {
                if generation != self.generation {
                    return;
                }
                self.schedule_arrival(now, source, calendar, rng);
                if let Some(request) = stream_request(&self.spec.workload, source as usize, rng) {
                    self.arrive(now, request, None, calendar, rng);
                }
            }
            CpEvent::QueueDeadline(expiry) => {
                let expired = self.flow_control.expire(now, &expiry)
                    || self
                        .retired_flow_control
                        .as_mut()
                        .is_some_and(|fc| fc.expire(now, &expiry));
                // Still queued but in neither flow control: it waited in one
                // dropped by two quick switches, which will never start it.
                // It leaves with a 429 at its deadline (before, it stayed in
                // flight forever).
                let orphaned = self
                    .requests
                    .get(&expiry.ticket)
                    .is_some_and(|r| r.grant.is_none() && r.stage == Stage::Queued);
                if expired || orphaned {
                    self.end(now, expiry.ticket, Outcome::Rejected, calendar);
                }
            }
            CpEvent::Processed { ticket } => self.processed(now, ticket, calendar, rng),
            CpEvent::HookDone {
                ticket,
                hook,
                started,
                timed_out,
            } => self.hook_done(now, ticket, hook, started, timed_out, calendar, rng),
            CpEvent::EtcdArrives { call } => {
                if let Some(c) = self.calls.get(&call) {
                    let op = c.op;
                    let mut replies = std::mem::take(&mut self.replies);
                    self.etcd.submit(now, op, calendar, rng, &mut replies);
                    self.etcd_replies(now, &mut replies, calendar, rng);
                    self.replies = replies;
                }
            }
            CpEvent::EtcdReceived { call } => self.etcd_received(now, call, calendar, rng),
            CpEvent::EtcdRetry { call } => {
                if let Some(c) = self.calls.get(&call).copied() {
                    self.send_call(now, call, c, calendar, rng);
                }
            }
            CpEvent::LockReleased {
                lock,
                layout,
                holder,
            } => self.lock_released(now, lock, layout, holder, calendar),
            CpEvent::WatchDelivered { event } => {
                if let Some((done_at, _)) = self.cache_events.remove(&event) {
                    let measured = self.measured(done_at);
                    self.metrics[WATCH].completed(now, now - done_at, measured);
                }
            }
            CpEvent::Respond { ticket } => self.end(now, ticket, Outcome::Completed, calendar),
            CpEvent::DiscoveryStart { client } => self.discovery_start(now, client, calendar),
            CpEvent::DiscoverySend { client } => self.discovery_send(now, client, calendar, rng),
        }
    }

    /// A request reaches the API server.
    fn arrive(
        &mut self,
        now: Nanos,
        kind: RequestKind,
        discovery_client: Option<u32>,
        calendar: &mut Calendar<CpEvent>,
        rng: &mut SimRng,
    ) {
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        let class = Self::class_of(&kind);
        let measured = self.measured(now);
        self.metrics[class].arrived(measured);
        if kind.client == ClientKind::User {
            self.metrics[USER].arrived(measured);
        }
        self.requests.insert(
            ticket,
            Request {
                kind,
                arrived: now,
                grant: None,
                mutating_left: VecDeque::new(),
                validating_pending: 0,
                failed: false,
                cpu: self.processing.sample(rng),
                discovery_client,
                stage: Stage::Queued,
                stage_since: now,
            },
        );
        // The article's queue: mutating before reads.
        let article_class = if kind.verb.is_mutating() { 0 } else { 1 };
        let mut started = std::mem::take(&mut self.started);
        match self
            .flow_control
            .arrive(now, ticket, &kind, article_class, &mut started)
        {
            Admission::Run(grant) => started.push(grant),
            Admission::Wait { place, deadline } => {
                calendar.schedule(deadline, CpEvent::QueueDeadline(Expiry { ticket, place }))
            }
            Admission::Reject => self.end(now, ticket, Outcome::Rejected, calendar),
        }
        self.begin_all(now, &mut started, calendar);
        self.started = started;
    }
}

pub(super) fn new_flow_control(spec: &ControlPlaneSpec, kind: FlowControlKind) -> FlowControl {
    FlowControl::new(
        kind,
        spec.max_requests_inflight,
        spec.max_mutating_requests_inflight,
        from_secs(spec.queue_wait_limit),
        spec.article_queue_capacity,
        from_secs(spec.article_timeout),
    )
}

pub(super) fn hook_samplers(spec: &ControlPlaneSpec) -> Vec<(DurationSampler, Nanos)> {
    spec.webhooks
        .iter()
        .map(|h| (h.latency.sampler(), from_secs(h.timeout)))
        .collect()
}
