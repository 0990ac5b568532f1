//! The running control plane: requests flowing through every mechanism.
//!
//! The path of one request, and where it can wait:
//!
//! 1. **Flow control** (`flow`: APF, max-inflight or the article's
//!    queue): it runs, waits in a queue (until its wait limit), or gets
//!    HTTP 429.
//! 2. **Processing** in the API server (CPU time, holding its seats; the
//!    server's cores are shared by all its work: `cpu`).
//! 3. **Admission webhooks** (`admission`) for matching writes: mutating
//!    ones one after another, then validating ones in parallel; each call
//!    may time out and then fails the request (failurePolicy Fail) or is
//!    ignored. Upstream the request keeps its seats meanwhile; with the
//!    article's dedicated limit it gives them back and waits for a webhook
//!    slot instead.
//! 4. **Storage** (`storage`). A write goes through the etcd client (a
//!    connection, a stream) to raft and back; once etcd has it, the watch
//!    cache (`cache`) receives the event, applies it under its write lock
//!    and a dispatcher fans it out to the interested watchers (that delay
//!    is the *watch* latency). A GET without resourceVersion is a quorum
//!    read at etcd; a consistent LIST is a cheap linearizable read for the
//!    current revision, a wait for the cache to reach it (at most 3 s,
//!    then etcd serves it), then the cache's read lock for as long as the
//!    walk over the objects in scope takes. A page with a `continue` token
//!    is a quorum read at etcd.
//! 5. **Response**: decoding what etcd returned and encoding the response
//!    (CPU time), then the seats are freed.
//!
//! Every request ends exactly once: completed, rejected (429) or timed out /
//! failed, which is what conservation checks.
//!
//! Each stage is a struct that owns its state; [`ControlPlane`] moves a
//! request from one stage to the next, and every handler is given the
//! event's context ([`Cx`]: its time, the calendar, the random numbers).
//! The stages of one API server are grouped in `ApiServer`; the model
//! runs 1 to 10 of them behind a load balancer (`replicas`), and the etcd
//! cluster, the clients starting (`discovery`) and the metrics are the
//! control plane's.

mod admission;
mod cache;
mod clients;
mod cpu;
mod cpu_stage;
mod delivery;
mod discovery;
mod event;
mod faults;
mod flow;
pub mod loads;
mod memory;
mod metrics;
mod outcome;
mod readings;
mod reconfigure;
mod replicas;
mod requests;
mod snapshot;
mod storage;
mod storage_stage;
mod timeout;

pub use cache::LockId;
pub use event::CpEvent;
pub use loads::{Bottleneck, ResourceId, ResourceLoad, ResourceUse};
pub use metrics::{MetricClass, Metrics};
pub use replicas::Phase;
pub use snapshot::{ControlPlaneSnapshot, InFlight, ServerSnapshot, Stage};

use admission::{Next, Settled};
use clients::Clients;
use cpu::{Cpu, CpuWork};
use faults::Faults;
use replicas::Balancer;
use requests::{Outcome, Request, Requests};
use storage::server_of_call;

use super::spec::{ControlPlaneSpec, WebhookHandling};
use super::workload::{stream_count, stream_rate, stream_request};
use crate::sim::IdMap;
use crate::sim::engine::context::Cx;
use crate::sim::engine::random::DurationSampler;
use crate::sim::engine::time::{Nanos, from_secs};
use crate::sim::models::etcd::{Etcd, EtcdReply};
use crate::sim::models::flow_control::apf::borrowing::ADJUSTMENT_PERIOD;
use crate::sim::models::flow_control::{Admission as FlowAdmission, Expiry, Grant, Slot};
use crate::sim::models::request::{ClientKind, RequestKind, Resource};

/// The stages of one API server.
#[derive(Debug, Clone)]
struct ApiServer {
    flow: flow::FlowStage,
    /// the handler's CPU time per request [ns of one core] (filters,
    /// decoding, admission plugins, conversion, validation), drawn at arrival
    processing: DurationSampler,
    /// …and a write's on top [ns of one core]
    write_processing: DurationSampler,
    cpu: Cpu,
    memory: memory::Memory,
    admission: admission::Admission,
    storage: storage::Storage,
    cache: cache::WatchCache,
    phase: Phase,
    /// it drains to restart (else to stop for good: removed)
    restarting: bool,
    /// times it stopped to restart
    restarts: u32,
    /// requests on it now
    requests: u32,
    /// its CPU's reading at the last mark: (when [ns], core·s)
    cpu_mark: Option<(Nanos, f64)>,
    /// the cores busy in each measured second, a core counted as 1 s (the
    /// latency histogram's unit: its quantiles come out in cores)
    cpu_seconds: crate::sim::engine::histogram::LatencyHistogram,
}

impl ApiServer {
    fn new(index: u8, now: Nanos, spec: &ControlPlaneSpec) -> Self {
        Self {
            flow: flow::FlowStage::new(spec, now),
            processing: spec.processing.sampler(),
            write_processing: spec.write_processing.sampler(),
            cpu: Cpu::new(index, now, spec.api_server_cores()),
            memory: Default::default(),
            admission: admission::Admission::new(index, spec),
            storage: storage::Storage::new(index, spec),
            cache: cache::WatchCache::new(index, spec),
            phase: Phase::Serving,
            restarting: false,
            restarts: 0,
            requests: 0,
            cpu_mark: None,
            cpu_seconds: Default::default(),
        }
    }
}

/// The running model.
#[derive(Debug, Clone)]
pub struct ControlPlane {
    spec: ControlPlaneSpec,
    /// the workload's arrivals in the calendar belong to this generation
    /// (a change of rates starts a new one: older arrivals are dropped)
    generation: u32,
    /// the API servers, by index (a removed one stays, stopped)
    servers: Vec<ApiServer>,
    balancer: Balancer,
    /// scratch: which servers serve, by index
    serving: Vec<bool>,
    etcd: Etcd,
    requests: Requests,
    discovery: discovery::Discovery,
    metrics: Metrics,
    /// seats of finished writes held for their watch notifications, by
    /// ticket, with their server
    held: IdMap<u64, (u8, Grant)>,
    /// scratch buffers, reused so that handling an event allocates nothing
    started: Vec<Grant>,
    replies: Vec<EtcdReply>,
    replies_for_server: Vec<EtcdReply>,
    /// every resource's use at the end of the warm-up (none before it)
    loads_at_warmup: Option<Vec<ResourceLoad>>,
    /// every resource's use at each of the last seconds, oldest first
    recent_loads: std::collections::VecDeque<Vec<ResourceLoad>>,
    /// a `LoadMark` is in the calendar (marks pause while nothing runs)
    marking: bool,
    /// the faults in force, which a server added meanwhile takes too
    faults: Faults,
    /// the clients' token buckets and the requests waiting in them
    clients: Clients,
}

impl ControlPlane {
    /// The model at time 0 (`cx.now`), its workload's first arrivals in
    /// the calendar; what arrives before `warmup` [ns] is not measured.
    pub fn new(spec: &ControlPlaneSpec, warmup: Nanos, cx: &mut Cx<CpEvent>) -> Self {
        let mut model = Self {
            generation: 0,
            servers: (0..spec.api_servers)
                .map(|i| ApiServer::new(i, cx.now, spec))
                .collect(),
            balancer: Balancer::new(spec.workload.nodes, spec.api_servers as usize),
            serving: vec![true; spec.api_servers as usize],
            etcd: Etcd::new(&spec.etcd),
            requests: Requests::default(),
            discovery: discovery::Discovery::default(),
            metrics: Metrics::new(warmup),
            held: IdMap::default(),
            started: Vec::new(),
            replies: Vec::new(),
            replies_for_server: Vec::new(),
            loads_at_warmup: None,
            recent_loads: Default::default(),
            marking: true,
            faults: Faults::default(),
            clients: Clients::default(),
            spec: spec.clone(),
        };
        model.share_watchers();
        model.schedule_sources(cx);
        if warmup > 0 {
            cx.after(warmup, CpEvent::WarmupOver);
        }
        cx.after(0, CpEvent::LoadMark);
        cx.after(model.sweep_period(), CpEvent::TimeoutSweep);
        cx.after(ADJUSTMENT_PERIOD, CpEvent::SeatDivision);
        model
    }

    /// Schedules every source's next arrival (after a change of rates, the
    /// generation moves on and older arrivals are dropped: Poisson streams
    /// are memoryless, so redrawing is exact).
    fn schedule_sources(&mut self, cx: &mut Cx<CpEvent>) {
        self.generation = self.generation.wrapping_add(1);
        for index in 0..stream_count(&self.spec.workload) {
            self.schedule_arrival(cx, index as u16);
        }
    }

    fn schedule_arrival(&self, cx: &mut Cx<CpEvent>, source: u16) {
        let rate = stream_rate(&self.spec.workload, source as usize);
        if rate > 0.0 {
            let gap = cx.rng.exponential(1e9 / rate);
            let generation = self.generation;
            cx.after(gap, CpEvent::Arrival { source, generation });
        }
    }

    /// The specification with every change applied so far.
    pub fn spec(&self) -> &ControlPlaneSpec {
        &self.spec
    }

    /// Every class's metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    pub fn metrics_mut(&mut self) -> &mut Metrics {
        &mut self.metrics
    }

    /// Requests, webhook calls, watch events, consistent LISTs waiting for
    /// the cache and starting discovery clients in the system now, counted
    /// from the model's own state, once per metric class they count in (a
    /// person's request is also a `user` one).
    pub fn in_system(&self) -> u64 {
        let servers: u64 = self
            .servers
            .iter()
            .map(|s| {
                s.admission.calls_in_flight()
                    + s.cache.events_in_flight() as u64
                    + s.cache.readers_waiting() as u64
            })
            .sum();
        (self.requests.unanswered() + self.requests.users() + self.clients.waiting()) as u64
            + servers
            + self.discovery.clients_starting() as u64
    }

    /// `--request-timeout` [ns].
    fn request_timeout(&self) -> Nanos {
        from_secs(self.spec.request_timeout)
    }

    pub fn handle(&mut self, cx: &mut Cx<CpEvent>, event: CpEvent) {
        if !self.marking && !event.is_periodic() {
            // Something happens again: the readings resume.
            self.marking = true;
            cx.after(0, CpEvent::LoadMark);
        }
        match event {
            CpEvent::Etcd(event) => {
                let mut replies = std::mem::take(&mut self.replies);
                self.etcd
                    .handle(cx.now, event, &mut *cx.calendar, cx.rng, &mut replies);
                self.route_replies(cx, &mut replies);
                self.replies = replies;
            }
            CpEvent::Arrival { source, generation } => {
                if generation != self.generation {
                    return;
                }
                self.schedule_arrival(cx, source);
                if let Some(request) = stream_request(&self.spec.workload, source as usize, cx.rng)
                {
                    self.send(cx, request, 0, None);
                }
            }
            CpEvent::QueueDeadline { server, expiry } => self.queue_deadline(cx, server, expiry),
            CpEvent::Cpu { server, epoch } => self.cpu_done(cx, server, epoch),
            CpEvent::HookDone {
                server,
                ticket,
                hook,
                started,
                timed_out,
            } => self.hook_done(cx, server, ticket, hook, started, timed_out),
            CpEvent::EtcdArrives { call } => {
                let storage = &self.servers[server_of_call(call)].storage;
                if let Some(op) = storage.op_of(call) {
                    let mut replies = std::mem::take(&mut self.replies);
                    self.etcd
                        .submit(cx.now, op, &mut *cx.calendar, cx.rng, &mut replies);
                    self.route_replies(cx, &mut replies);
                    self.replies = replies;
                }
            }
            CpEvent::EtcdWire {
                server,
                wake,
                generation,
            } => self.servers[server as usize]
                .storage
                .woken(cx, generation, wake),
            CpEvent::EtcdReceived { call } => self.etcd_received(cx, call),
            CpEvent::EtcdRetry { call } => {
                self.servers[server_of_call(call)].storage.retry(cx, call)
            }
            CpEvent::LockReleased {
                server,
                lock,
                holder,
            } => self.lock_released(cx, server, lock, holder),
            CpEvent::ProgressRequest { server, resource } => {
                self.progress_request(cx, server, resource)
            }
            CpEvent::ProgressNotified {
                server,
                resource,
                revision_at,
            } => {
                let cache = &mut self.servers[server as usize].cache;
                cache.progress_notified(cx, revision_at, resource, &self.spec);
            }
            CpEvent::CacheApplies {
                server,
                event,
                namespace,
            } => {
                let cache = &mut self.servers[server as usize].cache;
                cache.apply(cx, event, namespace, &self.spec);
            }
            CpEvent::FreshnessTimeout {
                server,
                ticket,
                resource,
            } => {
                let cache = &mut self.servers[server as usize].cache;
                if cache.give_up_waiting(ticket, resource) {
                    self.cache_timed_out(cx, ticket);
                }
            }
            // A retry waits in its client's bucket again (`with_retry.go`);
            // discovery's client has its own limiter.
            CpEvent::ClientRetry {
                kind,
                retries,
                discovery_client: None,
            } => self.send(cx, kind, retries, None),
            CpEvent::ClientRetry {
                kind,
                retries,
                discovery_client,
            } => self.arrive(cx, kind, discovery_client, retries, None),
            CpEvent::ClientSends { slot } => self.client_sends(cx, slot),
            CpEvent::Delivered { ticket } => self.delivered(cx, ticket),
            CpEvent::TimeoutSweep => self.timeout_sweep(cx),
            CpEvent::SeatDivision => {
                let mut started = std::mem::take(&mut self.started);
                for server in 0..self.servers.len() {
                    self.servers[server].flow.divide_seats(cx.now, &mut started);
                    self.begin_all(cx, server as u8, &mut started);
                }
                self.started = started;
                cx.after(ADJUSTMENT_PERIOD, CpEvent::SeatDivision);
            }
            CpEvent::WarmupOver => self.loads_at_warmup = Some(self.loads(cx.now)),
            CpEvent::LoadMark => self.mark_loads(cx),
            CpEvent::RequestDeadline { ticket } => self.request_deadline(cx, ticket),
            CpEvent::FinalSeatsFree { ticket } => {
                if let Some((server, grant)) = self.held.remove(&ticket) {
                    let mut started = std::mem::take(&mut self.started);
                    self.servers[server as usize]
                        .flow
                        .release_final(cx.now, &grant, &mut started);
                    self.begin_all(cx, server, &mut started);
                    self.started = started;
                }
            }
            CpEvent::ServerStarts { server } => self.server_starts(cx, server),
            CpEvent::DiscoveryStart { client } => {
                self.discovery
                    .start(cx, client, &self.spec, &mut self.metrics)
            }
            CpEvent::DiscoverySend { client } => {
                if let Some(request) = self.discovery.request(client, &self.spec) {
                    self.arrive(cx, request, Some(client), 0, None);
                }
            }
        }
    }

    /// etcd answered these calls now: each goes back to its API server.
    fn route_replies(&mut self, cx: &mut Cx<CpEvent>, replies: &mut Vec<EtcdReply>) {
        if self.servers.len() == 1 {
            self.servers[0].storage.replies(cx, replies);
            return;
        }
        let call = |reply: &EtcdReply| match *reply {
            EtcdReply::Done(id) | EtcdReply::Unavailable(id) => server_of_call(id),
        };
        let mut theirs = std::mem::take(&mut self.replies_for_server);
        for (i, server) in self.servers.iter_mut().enumerate() {
            theirs.extend(replies.iter().filter(|r| call(r) == i).copied());
            if !theirs.is_empty() {
                server.storage.replies(cx, &mut theirs);
            }
        }
        replies.clear();
        self.replies_for_server = theirs;
    }

    /// Step 1: a request reaches an API server (its client's connection's,
    /// or the load balancer's pick) and meets flow control. A later page
    /// continues the command that began at `command_arrived` [ns].
    fn arrive(
        &mut self,
        cx: &mut Cx<CpEvent>,
        kind: RequestKind,
        discovery_client: Option<u32>,
        retries: u8,
        command_arrived: Option<Nanos>,
    ) {
        let measured = self.metrics.measured(cx.now);
        self.metrics[MetricClass::from(kind.class())].arrived(measured);
        // A person waits for the whole command: its pages count once.
        if kind.client == ClientKind::User && command_arrived.is_none() {
            self.metrics[MetricClass::User].arrived(measured);
        }
        let route = self.balancer.route(kind.client, cx.rng, &self.serving);
        let (server, connection) = route.unwrap_or((0, None));
        let cpu = self.handler_cpu(server, &kind, cx);
        let ticket = self.requests.admit(Request {
            kind,
            server,
            connection,
            arrived: cx.now,
            command_arrived: command_arrived.unwrap_or(cx.now),
            grant: None,
            cpu,
            discovery_client,
            stage: Stage::Queued,
            stage_since: cx.now,
            retries,
            answered: false,
            retry_after: None,
            memory: 0.0,
        });
        self.servers[server as usize].requests += 1;
        if route.is_none() {
            // No API server serves: the connection is refused.
            self.end(cx, ticket, Outcome::TimedOut);
            return;
        }
        let facts = self.work_facts(&kind);
        let mut started = std::mem::take(&mut self.started);
        match self.servers[server as usize]
            .flow
            .arrive(cx.now, ticket, &kind, &facts, &mut started)
        {
            FlowAdmission::Run(grant) => started.push(grant),
            FlowAdmission::Wait { place, deadline } => cx.at(
                deadline,
                CpEvent::QueueDeadline {
                    server,
                    expiry: Expiry { ticket, place },
                },
            ),
            FlowAdmission::Reject => self.end(cx, ticket, Outcome::Rejected),
        }
        self.begin_all(cx, server, &mut started);
        self.started = started;
    }

    /// A queued request's wait on API server `server` reached its limit.
    fn queue_deadline(&mut self, cx: &mut Cx<CpEvent>, server: u8, expiry: Expiry) {
        let expired = self.servers[server as usize].flow.expire(cx.now, &expiry);
        // Still queued but in neither flow control: it waited in one dropped
        // by two quick switches, which will never start it. It leaves with a
        // 429 at its deadline (before, it stayed in flight forever).
        let orphaned = self
            .requests
            .get(expiry.ticket)
            .is_some_and(|r| r.grant.is_none() && r.stage == Stage::Queued);
        if expired || orphaned {
            self.end(cx, expiry.ticket, Outcome::Rejected);
        }
    }

    /// Step 2: requests granted seats on API server `server` start their
    /// processing, their CPU time passing while they hold their seats.
    fn begin_all(&mut self, cx: &mut Cx<CpEvent>, server: u8, started: &mut Vec<Grant>) {
        for grant in started.drain(..) {
            let Some(request) = self.requests.get_mut(grant.ticket) else {
                continue;
            };
            request.grant = Some(grant);
            request.stage = Stage::Processing;
            request.stage_since = cx.now;
            let measured = self.metrics.measured(request.arrived);
            let wait = cx.now - request.arrived;
            let (class, user, cpu) = (
                MetricClass::from(request.kind.class()),
                request.kind.client == ClientKind::User,
                request.cpu,
            );
            self.metrics[class].started(wait, measured);
            if user {
                self.metrics[MetricClass::User].started(wait, measured);
            }
            let queue_wait = &mut self.metrics[MetricClass::QueueWait];
            queue_wait.arrived(measured);
            queue_wait.completed(cx.now, wait, measured);
            let handler = CpuWork::Handler(grant.ticket);
            self.servers[server as usize].cpu.run(cx, cpu, handler);
        }
    }

    /// The API server request `ticket` is on (`None`: it has ended).
    fn server_of(&self, ticket: u64) -> Option<usize> {
        self.requests.get(ticket).map(|r| r.server as usize)
    }

    /// Step 3: the request's processing is done; webhooks for matching
    /// writes, then storage.
    fn processed(&mut self, cx: &mut Cx<CpEvent>, ticket: u64) {
        let Some((kind, server)) = self
            .requests
            .get(ticket)
            .map(|r| (r.kind, r.server as usize))
        else {
            return;
        };
        if kind.resource == Resource::Discovery {
            // Served from memory: only the response to write.
            self.respond(cx, ticket, kind.objects, 0);
            return;
        }
        if !self.servers[server]
            .admission
            .begin(ticket, &kind, &self.spec)
        {
            self.storage(cx, ticket);
            return;
        }
        self.requests.enter(ticket, Stage::Webhooks, cx.now);
        if self.spec.webhook_handling == WebhookHandling::Dedicated {
            // The article: give the seats back while webhooks are called.
            self.release_seats(cx, ticket);
        }
        self.next_hooks(cx, ticket);
    }

    /// Calls the request's next webhooks, or sends it on (or fails it).
    fn next_hooks(&mut self, cx: &mut Cx<CpEvent>, ticket: u64) {
        let Some((kind, server)) = self
            .requests
            .get(ticket)
            .map(|r| (r.kind, r.server as usize))
        else {
            return;
        };
        let admission = &mut self.servers[server].admission;
        match admission.next(ticket, &kind, &self.spec) {
            Next::Call(hooks) => {
                for hook in hooks {
                    admission.call(cx, ticket, hook, &self.spec, &mut self.metrics);
                }
            }
            Next::Failed => self.end(cx, ticket, Outcome::TimedOut),
            Next::Done => self.storage(cx, ticket),
        }
    }

    fn hook_done(
        &mut self,
        cx: &mut Cx<CpEvent>,
        server: u8,
        ticket: u64,
        hook: u8,
        started: Nanos,
        timed_out: bool,
    ) {
        let s = server as usize;
        let freed = self.servers[s].admission.returned(
            cx.now,
            started,
            timed_out,
            &self.spec,
            &mut self.metrics,
        );
        if freed {
            // The next call waiting for the freed slot takes it; calls of
            // requests past their request timeout are dropped on the way
            // (which bounds the queue).
            while let Some((next, next_hook)) = self.servers[s].admission.pop_waiting() {
                if self.requests.expired(cx.now, next, self.request_timeout()) {
                    self.servers[s]
                        .admission
                        .drop_waiting(cx.now, &mut self.metrics);
                    self.end(cx, next, Outcome::TimedOut);
                    continue;
                }
                self.servers[s]
                    .admission
                    .start_waiting(cx, next, next_hook, &self.spec);
                break;
            }
        }
        if self.requests.get(ticket).is_none() {
            return;
        }
        if self.servers[s]
            .admission
            .settle(ticket, hook, timed_out, &self.spec)
            == Settled::Next
        {
            self.next_hooks(cx, ticket);
        }
    }

    /// Step 5: decodes the `decoded` objects etcd returned and encodes
    /// the response of `objects` objects on the CPU, then ends the request.
    fn respond(&mut self, cx: &mut Cx<CpEvent>, ticket: u64, objects: u32, decoded: u32) {
        let Some(server) = self.server_of(ticket) else {
            return;
        };
        let Some(kind) = self.requests.enter(ticket, Stage::Responding, cx.now) else {
            return;
        };
        let kib = self.spec.workload.object_kib(kind.resource);
        let encode = match kind.client {
            ClientKind::User => self.spec.serialize_json_per_kib,
            _ => self.spec.serialize_per_kib,
        };
        let seconds = kib * (objects as f64 * encode + decoded as f64 * self.spec.decode_per_kib);
        // saturating: a custom source may LIST 4 billion objects
        let work = from_secs(seconds);
        let bytes = memory::response_bytes(&self.spec, kib, objects, decoded);
        if !self.hold_memory(cx, ticket, bytes) {
            // Its server ran out of memory building it.
            return;
        }
        self.servers[server]
            .cpu
            .run(cx, work, CpuWork::Response(ticket));
    }

    /// The request gives its seats back to the flow control that gave them.
    fn release_seats(&mut self, cx: &mut Cx<CpEvent>, ticket: u64) {
        let Some(request) = self.requests.get_mut(ticket) else {
            return;
        };
        let server = request.server;
        let Some(grant) = request.grant.take() else {
            return;
        };
        let mut started = std::mem::take(&mut self.started);
        self.servers[server as usize]
            .flow
            .release(cx.now, &grant, &mut started);
        self.begin_all(cx, server, &mut started);
        self.started = started;
        // A write's watch notifications keep seats a little longer.
        if let Slot::Apf { work, .. } | Slot::Exempt { work } = grant.slot
            && work.additional_latency > 0
        {
            self.held.insert(ticket, (server, grant));
            cx.after(work.additional_latency, CpEvent::FinalSeatsFree { ticket });
        }
    }

    /// The request ends one way or another.
    fn end(&mut self, cx: &mut Cx<CpEvent>, ticket: u64, outcome: Outcome) {
        self.release_seats(cx, ticket);
        let Some(request) = self.requests.remove(ticket) else {
            return;
        };
        let server = request.server as usize;
        self.servers[server].admission.forget(ticket);
        self.servers[server].requests -= 1;
        self.release_memory(server, request.memory);
        self.left(cx, server, &request, outcome);
        if self.servers[server].phase == Phase::Draining {
            self.maybe_stop(cx, server);
        }
    }
}

/// The name of API server number `index` (from 0).
pub fn server_name(index: usize) -> String {
    format!("apiserver-{}", index + 1)
}
