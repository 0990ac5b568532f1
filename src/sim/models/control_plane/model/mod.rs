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
//! runs one, and the etcd cluster, the clients starting (`discovery`)
//! and the metrics are the control plane's.

mod admission;
mod cache;
mod cpu;
mod cpu_stage;
mod discovery;
mod event;
mod flow;
pub mod loads;
mod metrics;
mod reconfigure;
mod requests;
mod snapshot;
mod storage;
mod storage_stage;
mod timeout;

pub use cache::LockId;
pub use event::CpEvent;
pub use loads::{Bottleneck, ResourceId, ResourceLoad, ResourceUse};
pub use metrics::{MetricClass, Metrics};
pub use snapshot::{ControlPlaneSnapshot, InFlight, Stage};

use admission::{Next, Settled};
use cpu::{Cpu, CpuWork};
use requests::{Outcome, Request, Requests};

use super::spec::{ControlPlaneSpec, WebhookHandling};
use super::workload::{stream_count, stream_rate, stream_request};
use crate::sim::IdMap;
use crate::sim::engine::context::Cx;
use crate::sim::engine::random::DurationSampler;
use crate::sim::engine::time::{Nanos, from_secs};
use crate::sim::models::etcd::{Etcd, EtcdReply};
use crate::sim::models::flow_control::apf::borrowing::ADJUSTMENT_PERIOD;
use crate::sim::models::flow_control::{
    Admission as FlowAdmission, Expiry, Grant, LimitSnapshot, Slot,
};
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
    admission: admission::Admission,
    storage: storage::Storage,
    cache: cache::WatchCache,
}

impl ApiServer {
    fn new(spec: &ControlPlaneSpec) -> Self {
        Self {
            flow: flow::FlowStage::new(spec),
            processing: spec.processing.sampler(),
            write_processing: spec.write_processing.sampler(),
            cpu: Cpu::new(0, spec.api_server_cores()),
            admission: admission::Admission::new(spec),
            storage: storage::Storage::new(spec),
            cache: cache::WatchCache::new(spec),
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
    server: ApiServer,
    etcd: Etcd,
    requests: Requests,
    discovery: discovery::Discovery,
    metrics: Metrics,
    /// seats of finished writes held for their watch notifications, by ticket
    held: IdMap<u64, Grant>,
    /// scratch buffers, reused so that handling an event allocates nothing
    started: Vec<Grant>,
    replies: Vec<EtcdReply>,
    /// every resource's use at the end of the warm-up (none before it)
    loads_at_warmup: Option<Vec<ResourceLoad>>,
    /// every resource's use at each of the last seconds, oldest first
    recent_loads: std::collections::VecDeque<Vec<ResourceLoad>>,
    /// a `LoadMark` is in the calendar (marks pause while nothing runs)
    marking: bool,
    /// the cores busy in each measured second, a core counted as 1 s (the
    /// latency histogram's unit: its quantiles come out in cores)
    cpu_seconds: crate::sim::engine::histogram::LatencyHistogram,
}

impl ControlPlane {
    /// The model at time 0 (`cx.now`), its workload's first arrivals in
    /// the calendar; what arrives before `warmup` [ns] is not measured.
    pub fn new(spec: &ControlPlaneSpec, warmup: Nanos, cx: &mut Cx<CpEvent>) -> Self {
        let mut model = Self {
            generation: 0,
            server: ApiServer::new(spec),
            etcd: Etcd::new(&spec.etcd),
            requests: Requests::default(),
            discovery: discovery::Discovery::default(),
            metrics: Metrics::new(warmup),
            held: IdMap::default(),
            started: Vec::new(),
            replies: Vec::new(),
            loads_at_warmup: None,
            recent_loads: Default::default(),
            marking: true,
            cpu_seconds: Default::default(),
            spec: spec.clone(),
        };
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

    /// The flow control's limits now (for drawing and readouts).
    pub fn limits(&self) -> Vec<LimitSnapshot> {
        self.server.flow.snapshot()
    }

    /// Each API server's resources over the run so far.
    pub fn api_servers(&self, now: Nanos) -> Vec<crate::sim::ApiServerSummary> {
        let levels = self
            .server
            .flow
            .level_seats(now)
            .into_iter()
            .map(|l| crate::sim::LevelSeatsSummary {
                level: l.name.to_string(),
                nominal_seats: l.nominal,
                seats: l.current,
                mean_borrowed: l.mean_borrowed,
                mean_lent: l.mean_lent,
            })
            .collect();
        let cores = self.spec.api_server_cores();
        // The CPU is the first of the loads; measured from the warm-up's end.
        let before = self.loads_at_warmup.as_ref().and_then(|l| l.first());
        let cpu = self.server.cpu.reading(now);
        let then = before.map_or(Default::default(), |l| l.reading);
        let start = if before.is_some() {
            self.metrics.warmup()
        } else {
            0
        };
        let seconds = now.saturating_sub(start) as f64 / 1e9;
        vec![crate::sim::ApiServerSummary {
            name: "apiserver-1".to_string(),
            cores: cores.is_finite().then_some(cores),
            cpu_mean: match seconds > 0.0 {
                true => (cpu.used - then.used) / seconds,
                false => 0.0,
            },
            cpu_p99: self.cpu_seconds.quantile(0.99),
            levels,
        }]
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
        (self.requests.unanswered() + self.requests.users()) as u64
            + self.server.admission.calls_in_flight()
            + self.server.cache.events_in_flight() as u64
            + self.server.cache.readers_waiting() as u64
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
                self.server.storage.replies(cx, &mut replies);
                self.replies = replies;
            }
            CpEvent::Arrival { source, generation } => {
                if generation != self.generation {
                    return;
                }
                self.schedule_arrival(cx, source);
                if let Some(request) = stream_request(&self.spec.workload, source as usize, cx.rng)
                {
                    self.arrive(cx, request, None, 0, None);
                }
            }
            CpEvent::QueueDeadline(expiry) => self.queue_deadline(cx, expiry),
            CpEvent::Cpu { epoch } => self.cpu_done(cx, epoch),
            CpEvent::HookDone {
                ticket,
                hook,
                started,
                timed_out,
            } => self.hook_done(cx, ticket, hook, started, timed_out),
            CpEvent::EtcdArrives { call } => {
                if let Some(op) = self.server.storage.op_of(call) {
                    let mut replies = std::mem::take(&mut self.replies);
                    self.etcd
                        .submit(cx.now, op, &mut *cx.calendar, cx.rng, &mut replies);
                    self.server.storage.replies(cx, &mut replies);
                    self.replies = replies;
                }
            }
            CpEvent::EtcdWire { wake, generation } => {
                self.server.storage.woken(cx, generation, wake)
            }
            CpEvent::EtcdReceived { call } => self.etcd_received(cx, call),
            CpEvent::EtcdRetry { call } => self.server.storage.retry(cx, call),
            CpEvent::LockReleased { lock, holder } => self.lock_released(cx, lock, holder),
            CpEvent::ProgressRequest { resource } => self.progress_request(cx, resource),
            CpEvent::ProgressNotified {
                resource,
                revision_at,
            } => {
                let cache = &mut self.server.cache;
                cache.progress_notified(cx, revision_at, resource, &self.spec);
            }
            CpEvent::FreshnessTimeout { ticket, resource } => {
                if self.server.cache.give_up_waiting(ticket, resource) {
                    self.fall_back_to_etcd(cx, ticket);
                }
            }
            CpEvent::ClientRetry {
                kind,
                retries,
                discovery_client,
            } => self.arrive(cx, kind, discovery_client, retries, None),
            CpEvent::TimeoutSweep => self.timeout_sweep(cx),
            CpEvent::SeatDivision => {
                let mut started = std::mem::take(&mut self.started);
                self.server.flow.divide_seats(cx.now, &mut started);
                self.begin_all(cx, &mut started);
                self.started = started;
                cx.after(ADJUSTMENT_PERIOD, CpEvent::SeatDivision);
            }
            CpEvent::WarmupOver => self.loads_at_warmup = Some(self.loads(cx.now)),
            CpEvent::LoadMark => self.mark_loads(cx),
            CpEvent::RequestDeadline { ticket } => self.request_deadline(cx, ticket),
            CpEvent::FinalSeatsFree { ticket } => {
                if let Some(grant) = self.held.remove(&ticket) {
                    let mut started = std::mem::take(&mut self.started);
                    self.server.flow.release_final(cx.now, &grant, &mut started);
                    self.begin_all(cx, &mut started);
                    self.started = started;
                }
            }
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

    /// Step 1: a request reaches the API server and meets flow control. A
    /// later page continues the command that began at `command_arrived`
    /// [ns].
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
        let cpu = self.handler_cpu(&kind, cx);
        let ticket = self.requests.admit(Request {
            kind,
            arrived: cx.now,
            command_arrived: command_arrived.unwrap_or(cx.now),
            grant: None,
            cpu,
            discovery_client,
            stage: Stage::Queued,
            stage_since: cx.now,
            retries,
            answered: false,
        });
        let facts = self.work_facts(&kind);
        let mut started = std::mem::take(&mut self.started);
        match self
            .server
            .flow
            .arrive(cx.now, ticket, &kind, &facts, &mut started)
        {
            FlowAdmission::Run(grant) => started.push(grant),
            FlowAdmission::Wait { place, deadline } => {
                cx.at(deadline, CpEvent::QueueDeadline(Expiry { ticket, place }))
            }
            FlowAdmission::Reject => self.end(cx, ticket, Outcome::Rejected),
        }
        self.begin_all(cx, &mut started);
        self.started = started;
    }

    /// A queued request's wait reached its limit.
    fn queue_deadline(&mut self, cx: &mut Cx<CpEvent>, expiry: Expiry) {
        let expired = self.server.flow.expire(cx.now, &expiry);
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

    /// Step 2: requests granted seats start their processing, their CPU
    /// time passing while they hold their seats.
    fn begin_all(&mut self, cx: &mut Cx<CpEvent>, started: &mut Vec<Grant>) {
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
            self.server.cpu.run(cx, cpu, handler);
        }
    }

    /// Step 3: the request's processing is done; webhooks for matching
    /// writes, then storage.
    fn processed(&mut self, cx: &mut Cx<CpEvent>, ticket: u64) {
        let Some(kind) = self.requests.get(ticket).map(|r| r.kind) else {
            return;
        };
        if kind.resource == Resource::Discovery {
            // Served from memory: only the response to write.
            self.respond(cx, ticket, kind.objects, 0);
            return;
        }
        if !self.server.admission.begin(ticket, &kind, &self.spec) {
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
        let Some(kind) = self.requests.get(ticket).map(|r| r.kind) else {
            return;
        };
        match self.server.admission.next(ticket, &kind, &self.spec) {
            Next::Call(hooks) => {
                for hook in hooks {
                    self.server
                        .admission
                        .call(cx, ticket, hook, &self.spec, &mut self.metrics);
                }
            }
            Next::Failed => self.end(cx, ticket, Outcome::TimedOut),
            Next::Done => self.storage(cx, ticket),
        }
    }

    fn hook_done(
        &mut self,
        cx: &mut Cx<CpEvent>,
        ticket: u64,
        hook: u8,
        started: Nanos,
        timed_out: bool,
    ) {
        let freed = self.server.admission.returned(
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
            while let Some((next, next_hook)) = self.server.admission.pop_waiting() {
                if self.requests.expired(cx.now, next, self.request_timeout()) {
                    self.server
                        .admission
                        .drop_waiting(cx.now, &mut self.metrics);
                    self.end(cx, next, Outcome::TimedOut);
                    continue;
                }
                self.server
                    .admission
                    .start_waiting(cx, next, next_hook, &self.spec);
                break;
            }
        }
        if self.requests.get(ticket).is_none() {
            return;
        }
        if self
            .server
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
        let Some(kind) = self.requests.enter(ticket, Stage::Responding, cx.now) else {
            return;
        };
        let kib = kind.resource.object_kib();
        let encode = match kind.client {
            ClientKind::User => self.spec.serialize_json_per_kib,
            _ => self.spec.serialize_per_kib,
        };
        let seconds = kib * (objects as f64 * encode + decoded as f64 * self.spec.decode_per_kib);
        // saturating: a custom source may LIST 4 billion objects
        let work = from_secs(seconds);
        self.server.cpu.run(cx, work, CpuWork::Response(ticket));
    }

    /// The request gives its seats back to the flow control that gave them.
    fn release_seats(&mut self, cx: &mut Cx<CpEvent>, ticket: u64) {
        let Some(grant) = self.requests.get_mut(ticket).and_then(|r| r.grant.take()) else {
            return;
        };
        let mut started = std::mem::take(&mut self.started);
        self.server.flow.release(cx.now, &grant, &mut started);
        self.begin_all(cx, &mut started);
        self.started = started;
        // A write's watch notifications keep seats a little longer.
        if let Slot::Apf { work, .. } | Slot::Exempt { work } = grant.slot
            && work.additional_latency > 0
        {
            self.held.insert(ticket, grant);
            cx.after(work.additional_latency, CpEvent::FinalSeatsFree { ticket });
        }
    }

    /// The request ends one way or another.
    fn end(&mut self, cx: &mut Cx<CpEvent>, ticket: u64, outcome: Outcome) {
        self.release_seats(cx, ticket);
        let Some(request) = self.requests.remove(ticket) else {
            return;
        };
        self.server.admission.forget(ticket);
        if request.answered {
            // Its client had its 504 already.
            return;
        }
        // client-go retries a 429 that carries a Retry-After, up to 10 times
        // (`rest/request.go`, `rest/with_retry.go`): the rejection is counted,
        // and the same request comes back that many seconds later.
        let retry = outcome == Outcome::Rejected && request.retries < self.spec.client_retries;
        if retry {
            let wait = self.server.flow.retry_after(&request.kind);
            cx.after(
                wait.saturating_mul(1_000_000_000),
                CpEvent::ClientRetry {
                    kind: request.kind,
                    retries: request.retries + 1,
                    discovery_client: request.discovery_client,
                },
            );
        }
        let now = cx.now;
        let mut count = |class: MetricClass, arrived: Nanos| {
            let measured = self.metrics.measured(arrived);
            let metrics = &mut self.metrics[class];
            match outcome {
                Outcome::Completed => metrics.completed(now, now - arrived, measured),
                Outcome::Rejected => metrics.rejected(now, measured),
                Outcome::TimedOut => metrics.timed_out(now, measured),
            }
        };
        count(MetricClass::from(request.kind.class()), request.arrived);
        // A person's command ends with its last page, or any page's failure.
        let command_goes_on = outcome == Outcome::Completed && request.kind.next_page().is_some();
        if request.kind.client == ClientKind::User && !command_goes_on {
            count(MetricClass::User, request.command_arrived);
        }
        if let Some(client) = request.discovery_client.filter(|_| !retry) {
            self.discovery.answered(cx, client, &mut self.metrics);
        }
        // A page's answer carries the `continue` token: its client asks
        // for the next page at once (client-go's pager, kubectl).
        if outcome == Outcome::Completed
            && let Some(next) = request.kind.next_page()
        {
            self.arrive(cx, next, None, 0, Some(request.command_arrived));
        }
    }
}
