//! What the diagram draws: every component's state and a sample of the
//! requests in flight, with their stage and times.

use super::{ControlPlane, Phase};
use crate::sim::engine::time::to_secs;
use crate::sim::models::control_plane::spec::GIB;
use crate::sim::models::etcd::EtcdSnapshot;
use crate::sim::models::flow_control::LimitSnapshot;
use crate::sim::models::request::{ClientKind, RequestClass};
use crate::sim::models::watch_cache::RwLock;

/// Where a request is on its path (for drawing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// waiting for seats in flow control
    Queued,
    /// the API server's own work
    Processing,
    /// calling admission webhooks (or waiting for a webhook slot)
    Webhooks,
    /// at etcd: a write, or a consistent read's revision check
    Etcd,
    /// waiting for or holding the watch cache's lock
    Cache,
    /// encoding the response
    Responding,
    /// its response on its way to a client that reads it slowly (its seats
    /// still held)
    Delivering,
}

/// One request in flight, as drawn by the animation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InFlight {
    pub ticket: u64,
    pub class: RequestClass,
    pub client: ClientKind,
    pub stage: Stage,
    /// when it arrived [s]
    pub arrived: f64,
    /// when it entered its current stage [s]
    pub stage_since: f64,
}

/// One API server as the diagram draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerSnapshot {
    pub phase: super::Phase,
    /// clients whose connection is on it (kubelets, controllers, operators)
    pub connections: u32,
    /// requests on it now
    pub requests: u32,
    /// its cores busy now, and its cores (`None`: unlimited)
    pub cpu_busy: f64,
    pub cores: Option<f64>,
    /// APF's seats in use and its limited levels' seats now
    pub seats_in_use: u32,
    pub seats: u32,
    /// times it restarted
    pub restarts: u32,
    /// its watch caches are still re-listing
    pub relisting: bool,
    /// its memory in use now, and its limit [GiB] (`None`: unlimited)
    pub memory_gib: f64,
    pub memory_limit_gib: Option<f64>,
    /// the most memory it held at once so far [GiB]
    pub peak_memory_gib: f64,
    /// times the OOM killer killed it
    pub oom_kills: u32,
}

/// Everything the diagram draws at one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlPlaneSnapshot {
    /// the API servers' cores busy now, together, and their cores
    /// (`None`: unlimited)
    pub cpu_busy: f64,
    pub cpu_cores: Option<f64>,
    /// each API server
    pub servers: Vec<ServerSnapshot>,
    /// flow control: each level (or limit) with its seats, in use, waiting,
    /// every running API server's together
    pub limits: Vec<LimitSnapshot>,
    /// webhook calls in flight (including those waiting for a slot)
    pub webhook_calls: u64,
    /// calls waiting for a slot of the article's dedicated limit
    pub webhook_waiting: u32,
    /// holders and waiters of the watch cache's locks, per resource
    pub cache_holders: Vec<u32>,
    pub cache_waiters: Vec<u32>,
    /// streams in use per resource's etcd client upstream (its endpoints'
    /// connections together), per connection of the article's pool
    pub etcd_streams: Vec<u32>,
    /// the etcd clients' connections in all
    pub etcd_connections: u32,
    pub etcd: EtcdSnapshot,
    /// a sample of requests in flight (1 in `every`, at most `max`)
    pub requests: Vec<InFlight>,
    /// requests in flight in all
    pub in_flight: u64,
    /// requests waiting in their clients' rate limiters, not yet sent, by
    /// kind of client (only kinds with some waiting)
    pub client_waiting: Vec<(ClientKind, u32)>,
}

/// `a` plus `b`, element by element (the longer's length).
fn add(mut a: Vec<u32>, b: Vec<u32>) -> Vec<u32> {
    if a.len() < b.len() {
        a.resize(b.len(), 0);
    }
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
    a
}

impl ControlPlane {
    /// The state of every component now, with 1 in `every` requests in
    /// flight (at most `max` of them) for the animation.
    pub fn snapshot(&self, every: u64, max: usize) -> ControlPlaneSnapshot {
        let every = every.max(1);
        let cores = self.spec.api_server_cores();
        let running = || self.servers.iter().filter(|s| s.phase != Phase::Stopped);
        let connections = self.balancer.connections(self.servers.len());
        let servers: Vec<ServerSnapshot> = self
            .servers
            .iter()
            .zip(connections)
            .enumerate()
            .map(|(i, (server, connections))| {
                let (seats_in_use, seats) = server
                    .flow
                    .snapshot()
                    .iter()
                    .filter(|l| l.seats > 0)
                    .fold((0, 0), |(u, s), l| (u + l.in_use, s + l.seats));
                ServerSnapshot {
                    phase: server.phase,
                    connections,
                    requests: server.requests,
                    cpu_busy: server.cpu.busy_cores(),
                    cores: cores.is_finite().then_some(cores),
                    seats_in_use,
                    seats,
                    restarts: server.restarts,
                    relisting: server.phase == Phase::Serving
                        && self
                            .spec
                            .workload
                            .all_resources()
                            .any(|r| !server.cache.is_ready(r)),
                    memory_gib: self.memory_in_use(i) / GIB,
                    memory_limit_gib: self.spec.memory_limit_gib(),
                    peak_memory_gib: server.memory.peak() / GIB,
                    oom_kills: server.memory.kills,
                }
            })
            .collect();
        let running_cores = cores * running().count() as f64;
        ControlPlaneSnapshot {
            cpu_busy: servers.iter().map(|s| s.cpu_busy).sum(),
            cpu_cores: running_cores.is_finite().then_some(running_cores),
            servers,
            limits: self.limits(),
            webhook_calls: running().map(|s| s.admission.calls_in_flight()).sum(),
            webhook_waiting: running().map(|s| s.admission.calls_waiting() as u32).sum(),
            cache_holders: running().fold(Vec::new(), |sum, s| {
                add(sum, s.cache.per_resource(RwLock::holders))
            }),
            cache_waiters: running().fold(Vec::new(), |sum, s| {
                add(sum, s.cache.per_resource(RwLock::waiters))
            }),
            etcd_streams: running().fold(Vec::new(), |sum, s| add(sum, s.storage.streams_in_use())),
            etcd_connections: running().map(|s| s.storage.connections() as u32).sum(),
            etcd: self.etcd.snapshot(),
            requests: self
                .requests
                .iter()
                .filter(|(ticket, _)| *ticket % every == 0)
                .take(max)
                .map(|(ticket, r)| InFlight {
                    ticket,
                    class: r.kind.class(),
                    client: r.kind.client,
                    stage: r.stage,
                    arrived: to_secs(r.arrived),
                    stage_since: to_secs(r.stage_since),
                })
                .collect(),
            in_flight: self.requests.len() as u64,
            client_waiting: self.clients.waiting_by_client(),
        }
    }
}
