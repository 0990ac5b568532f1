//! What the diagram draws: every component's state and a sample of the
//! requests in flight, with their stage and times.

use super::ControlPlane;
use crate::sim::engine::time::to_secs;
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
    /// writing the response
    Responding,
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

/// Everything the diagram draws at one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlPlaneSnapshot {
    /// the API server's cores busy now, and its cores (`None`: unlimited)
    pub cpu_busy: f64,
    pub cpu_cores: Option<f64>,
    /// flow control: each level (or limit) with its seats, in use, waiting
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
    /// the etcd client's connections in all
    pub etcd_connections: u32,
    pub etcd: EtcdSnapshot,
    /// a sample of requests in flight (1 in `every`, at most `max`)
    pub requests: Vec<InFlight>,
    /// requests in flight in all
    pub in_flight: u64,
}

impl ControlPlane {
    /// The state of every component now, with 1 in `every` requests in
    /// flight (at most `max` of them) for the animation.
    pub fn snapshot(&self, every: u64, max: usize) -> ControlPlaneSnapshot {
        let every = every.max(1);
        let server = &self.server;
        let cores = self.spec.api_server_cores();
        ControlPlaneSnapshot {
            cpu_busy: server.cpu.busy_cores(),
            cpu_cores: cores.is_finite().then_some(cores),
            limits: server.flow.snapshot(),
            webhook_calls: server.admission.calls_in_flight(),
            webhook_waiting: server.admission.calls_waiting() as u32,
            cache_holders: server.cache.per_resource(RwLock::holders),
            cache_waiters: server.cache.per_resource(RwLock::waiters),
            etcd_streams: server.storage.streams_in_use(),
            etcd_connections: server.storage.connections() as u32,
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
        }
    }
}
