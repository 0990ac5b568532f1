//! An API server's memory, and what happens past its limit.
//!
//! Three things fill an API server's heap in the model:
//!
//! - a base it holds whatever it serves (`api_server_base_memory_gib`);
//! - its watch cache: every object of every resource whose cache is
//!   ready, at `watch_cache_memory_factor` bytes per stored byte (a cache
//!   still re-listing holds the re-list's raw reply and the objects being
//!   decoded from it instead);
//! - the responses being built: a request that responds holds, until it
//!   ends, `response_memory_factor` bytes per byte of the objects it
//!   returns, and a read from etcd holds etcd's raw reply on top. Before
//!   the first byte goes out the whole response is in memory (the
//!   API-streaming blog, kubernetes.io 2024-12-17): a LIST of 30,000 pods
//!   holds about a third of a GiB.
//!
//! APF bounds the requests in flight, not their size, so a storm of large
//! LISTs can take the heap past the limit. The kernel's OOM killer then
//! kills the process: every request on it fails at once (its client's
//! connection is reset), its clients reconnect to the others, and it
//! comes back `api_server_restart` seconds later with empty caches that
//! re-list from etcd, which is itself a spike of memory.

use super::cpu::CpuWork;
use super::flow::FlowStage;
use super::replicas::Phase;
use super::requests::Outcome;
use super::snapshot::Stage;
use super::{ControlPlane, CpEvent, MetricClass};
use crate::sim::engine::context::Cx;
use crate::sim::engine::time::from_secs;
use crate::sim::models::control_plane::spec::{ControlPlaneSpec, GIB};
use crate::sim::models::control_plane::workload::stored_objects;
use crate::sim::models::request::Resource;

/// Bytes in a KiB.
const KIB: f64 = 1_024.0;

/// One API server's memory beyond its base and its ready caches.
#[derive(Debug, Clone, Default)]
pub(super) struct Memory {
    /// held by the responses being built [bytes]
    responses: f64,
    /// held by each resource's re-list while it is decoded [bytes]
    relisting: [f64; Resource::SLOTS],
    /// the most it held at once [bytes]
    peak: f64,
    /// times the OOM killer killed it
    pub kills: u32,
}

impl Memory {
    /// The most the server held at once [bytes].
    pub(super) fn peak(&self) -> f64 {
        self.peak
    }
}

/// Bytes a response of `objects` objects of `kib` KiB each holds while it
/// is built, with `from_etcd` of them read from etcd (its raw reply).
pub(super) fn response_bytes(
    spec: &ControlPlaneSpec,
    kib: f64,
    objects: u32,
    from_etcd: u32,
) -> f64 {
    kib * KIB * (objects as f64 * spec.response_memory_factor + from_etcd as f64)
}

/// Bytes the watch cache of `resource` holds once ready.
fn cache_bytes(spec: &ControlPlaneSpec, resource: Resource) -> f64 {
    stored_objects(resource, &spec.workload) as f64
        * spec.workload.object_kib(resource)
        * KIB
        * spec.watch_cache_memory_factor
}

impl ControlPlane {
    /// API server `server`'s memory in use now [bytes].
    pub(super) fn memory_in_use(&self, server: usize) -> f64 {
        let s = &self.servers[server];
        if s.phase == Phase::Stopped {
            return 0.0;
        }
        let caches: f64 = (self.spec.workload.all_resources())
            .filter(|&r| s.cache.is_ready(r))
            .map(|r| cache_bytes(&self.spec, r))
            .sum();
        let relisting: f64 = s.memory.relisting.iter().sum();
        self.spec.api_server_base_memory_gib * GIB + caches + relisting + s.memory.responses
    }

    /// Request `ticket` holds `bytes` more until it ends. Returns whether it
    /// is still in flight: past the limit its server is killed, and it
    /// with every other request on it.
    pub(super) fn hold_memory(&mut self, cx: &mut Cx<CpEvent>, ticket: u64, bytes: f64) -> bool {
        let Some(request) = self.requests.get_mut(ticket) else {
            return false;
        };
        request.memory += bytes;
        let server = request.server as usize;
        self.servers[server].memory.responses += bytes;
        self.check_memory(cx, server);
        self.requests.get(ticket).is_some()
    }

    /// A request that held `bytes` on `server` ended.
    pub(super) fn release_memory(&mut self, server: usize, bytes: f64) {
        let memory = &mut self.servers[server].memory;
        // Sums of floats: never below zero by rounding.
        memory.responses = (memory.responses - bytes).max(0.0);
    }

    /// `resource`'s re-list reply of `kib` KiB is in: the raw reply and the
    /// objects decoded from it are held until the cache is ready.
    pub(super) fn hold_relist(
        &mut self,
        cx: &mut Cx<CpEvent>,
        server: usize,
        resource: Resource,
        kib: f64,
    ) {
        let bytes = kib.max(0.0) * KIB * (1.0 + self.spec.watch_cache_memory_factor);
        self.servers[server].memory.relisting[resource.index()] = bytes;
        self.check_memory(cx, server);
    }

    /// `resource`'s cache on `server` is ready: its re-list's memory is
    /// the cache's now.
    pub(super) fn relisted(&mut self, cx: &mut Cx<CpEvent>, server: usize, resource: Resource) {
        let s = &mut self.servers[server];
        if s.phase == Phase::Stopped {
            // The re-list of a life that ended.
            return;
        }
        s.memory.relisting[resource.index()] = 0.0;
        s.cache.relisted(resource);
        self.check_memory(cx, server);
    }

    /// A new limit, or new nodes to cache: every server past it is killed.
    pub(super) fn check_all_memory(&mut self, cx: &mut Cx<CpEvent>) {
        for server in 0..self.servers.len() {
            self.check_memory(cx, server);
        }
    }

    /// Notes the peak; past the limit the server is killed.
    fn check_memory(&mut self, cx: &mut Cx<CpEvent>, server: usize) {
        let used = self.memory_in_use(server);
        let memory = &mut self.servers[server].memory;
        memory.peak = memory.peak.max(used);
        if used > self.spec.api_server_memory() {
            self.oom_kill(cx, server);
        }
    }

    /// The OOM killer kills API server `index`: every request on it fails
    /// now, its clients reconnect to the others, and it restarts.
    fn oom_kill(&mut self, cx: &mut Cx<CpEvent>, index: usize) {
        let server = &mut self.servers[index];
        if server.phase == Phase::Stopped {
            return;
        }
        server.phase = Phase::Stopped;
        server.memory.kills += 1;
        server.memory.relisting = Default::default();
        // A new process: new flow control (its queues and seats were the
        // dead one's), no requests' work on its cores, empty caches. The
        // watch dispatchers' events in flight still drain (they are counted
        // until they are sent), as do the webhook and etcd calls already
        // out: their answers find no request.
        server.flow = FlowStage::new(&self.spec, cx.now);
        server
            .cpu
            .abandon(cx, |work| matches!(work, CpuWork::Dispatch(_)));
        server.cache.unready();
        server.storage.orphan_relists();
        self.held.retain(|_, (s, _)| *s as usize != index);
        self.note_serving();
        self.balancer.evacuate(index as u8, &self.serving);
        self.share_watchers();

        let mut tickets: Vec<u64> = self
            .requests
            .iter()
            .filter(|(_, r)| r.server as usize == index)
            .map(|(ticket, _)| ticket)
            .collect();
        // Ticket order is arrival order: the same on every platform.
        tickets.sort_unstable();
        for ticket in tickets {
            let Some(request) = self.requests.get_mut(ticket) else {
                continue;
            };
            // Its seats were the dead flow control's.
            request.grant = None;
            let (stage, resource, arrived) =
                (request.stage, request.kind.resource, request.arrived);
            if stage == Stage::Cache && self.servers[index].cache.give_up_waiting(ticket, resource)
            {
                let measured = self.metrics.measured(arrived);
                self.metrics[MetricClass::CacheWait].timed_out(cx.now, measured);
            }
            self.end(cx, ticket, Outcome::TimedOut);
        }
        let server = &mut self.servers[index];
        server.memory.responses = 0.0;
        let restarts = index < self.spec.api_servers as usize;
        server.restarting = restarts;
        if restarts {
            server.restarts += 1;
            let after = from_secs(self.spec.api_server_restart);
            cx.after(
                after,
                CpEvent::ServerStarts {
                    server: index as u8,
                },
            );
        }
    }
}
