//! Changes to a running control plane: every slider, switch and fault.
//!
//! A change applies at the current simulated time and loses nothing in
//! flight (the model applies it: `ControlPlane::reconfigure`). Each
//! change's name in snake case is its key in a scenario's timeline
//! (`nodes = 5000`, `slow_webhook = 50.0`, `leader_election = true`): a new
//! change is a new timeline key.

use super::spec::{
    CacheTimeout, ControlPlaneSpec, Discovery, MAX_API_SERVERS, UNLIMITED_MEMORY_GIB,
    WebhookHandling,
};
use crate::sim::models::etcd::client::EtcdClientKind;
use crate::sim::models::flow_control::FlowControlKind;
use crate::sim::models::watch_cache::CacheLocking;
use serde::{Deserialize, Serialize};

/// One change; values are checked by [`ControlPlaneChange::check`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlPlaneChange {
    /// worker nodes (the workload's rates follow)
    Nodes(u32),
    /// `--max-requests-inflight`
    MaxRequestsInflight(u32),
    /// `--max-mutating-requests-inflight`
    MaxMutatingRequestsInflight(u32),
    /// the article's dedicated webhook concurrency
    WebhookConcurrency(u32),
    /// mean latency of every webhook [s]
    WebhookLatency(f64),
    /// timeoutSeconds of every webhook [s], 1 to 30
    WebhookTimeout(f64),
    /// connections of the article's etcd pool
    EtcdConnections(u32),
    /// mean etcd fsync duration [s]
    FsyncLatency(f64),
    Namespaces(u32),
    FlowControl(FlowControlKind),
    WebhookHandling(WebhookHandling),
    CacheLocking(CacheLocking),
    EtcdClient(EtcdClientKind),
    Discovery(Discovery),
    /// consistent LISTs from the watch cache (1.31+) or from etcd (≤ 1.30)
    ConsistentListFromCache(bool),
    /// fault: webhook latencies × factor (1 = off; infinity = hang until timeout)
    SlowWebhook(f64),
    /// fault: fsync durations × factor (1 = off)
    FsyncSpike(f64),
    /// fault: the etcd leader is lost now (`leader_election = true`)
    #[serde(serialize_with = "now", deserialize_with = "only_now")]
    LeaderElection,
    /// fault: this fraction of discovery clients restarts now
    RestartStorm(f64),
    /// APF's levels lend and borrow seats (upstream) or keep their nominal
    /// seats (a what-if)
    SeatBorrowing(bool),
    /// cores of the API server (0: by the nodes, as kube-up sizes it)
    ApiServerCores(u32),
    /// API servers behind the load balancer, 1 to 10: a new one starts
    /// (its caches re-list), a removed one drains and stops
    ApiServers(u8),
    /// `--goaway-chance`, 0 to 0.02
    GoawayChance(f64),
    /// fault: API server number N (from 1; 0: the next in turn, the
    /// serving one restarted least, as a rolling upgrade goes) restarts: it
    /// drains, stops, comes back, re-lists
    RestartApiServer(u8),
    /// each API server's memory limit [GiB] (0: the control-plane VM's for
    /// the nodes); a server now past it is killed
    ApiServerMemory(f64),
    /// kubectl-like user requests per second (`workload.user_qps`)
    UserQps(f64),
    /// what a consistent LIST becomes after 3 s waiting for the cache
    CacheTimeout(CacheTimeout),
    /// fault: every watch cache applies each event and progress
    /// notification this late [s] (0 = off), as kubernetes#138494 stalls
    /// the cache to reproduce a cache that fell behind
    WatchCacheLag(f64),
    /// clients wait in client-go's token buckets (`client_limits.enabled`)
    ClientLimits(bool),
    /// the QPS of clients with client-go's default (`client_limits.qps`)
    ClientQps(f64),
    /// how fast the slow readers read their responses: every source that
    /// sets `read_kib_s` [KiB/s] (responses already on their way keep
    /// their pace)
    ReadSpeed(u32),
    /// the rate of the workload's extra source number `index` [requests/s]
    /// (a timeline names the source instead: `source = "…"`, `rate = …`).
    /// Not serialized, and last: binary formats number the variants, and a
    /// skipped one is numbered only when it comes last (a test packs every
    /// other variant and reads it back).
    #[serde(skip)]
    SourceRate {
        index: u16,
        rate: f64,
    },
}

impl ControlPlaneChange {
    pub fn check(&self) -> Result<(), String> {
        let within = |what: &str, value: f64, lo: f64, hi: f64| {
            if value.is_finite() && (lo..=hi).contains(&value) {
                Ok(())
            } else {
                Err(format!("{what} must be in [{lo}, {hi}], got {value}"))
            }
        };
        match *self {
            ControlPlaneChange::Nodes(n) => within("nodes", n as f64, 1.0, 15_000.0),
            ControlPlaneChange::UserQps(qps) => within("user requests", qps, 0.0, 100_000.0),
            ControlPlaneChange::MaxRequestsInflight(n) => {
                within("max-requests-inflight", n as f64, 0.0, 100_000.0)
            }
            ControlPlaneChange::MaxMutatingRequestsInflight(n) => {
                within("max-mutating-requests-inflight", n as f64, 0.0, 100_000.0)
            }
            ControlPlaneChange::WebhookConcurrency(n) => {
                within("webhook concurrency", n as f64, 1.0, 100_000.0)
            }
            ControlPlaneChange::WebhookLatency(s) => within("webhook latency", s, 1e-6, 60.0),
            ControlPlaneChange::WebhookTimeout(s) => within("webhook timeout", s, 1.0, 30.0),
            ControlPlaneChange::EtcdConnections(n) => {
                within("etcd connections", n as f64, 1.0, 1_000.0)
            }
            ControlPlaneChange::FsyncLatency(s) => within("fsync latency", s, 1e-6, 10.0),
            ControlPlaneChange::Namespaces(n) => within("namespaces", n as f64, 1.0, 10_000.0),
            ControlPlaneChange::ApiServerCores(n) => {
                within("API server cores", n as f64, 0.0, 1_024.0)
            }
            ControlPlaneChange::ApiServers(n) => {
                within("API servers", n as f64, 1.0, MAX_API_SERVERS as f64)
            }
            ControlPlaneChange::GoawayChance(p) => within("goaway chance", p, 0.0, 0.02),
            ControlPlaneChange::ApiServerMemory(gib) => {
                within("API server memory", gib, 0.0, UNLIMITED_MEMORY_GIB)
            }
            ControlPlaneChange::RestartApiServer(n) => within(
                "API server to restart",
                n as f64,
                0.0,
                MAX_API_SERVERS as f64,
            ),
            ControlPlaneChange::SlowWebhook(f) if f == f64::INFINITY => Ok(()),
            ControlPlaneChange::SlowWebhook(f) => within("webhook slowdown", f, 1.0, 10_000.0),
            ControlPlaneChange::FsyncSpike(f) => within("fsync spike", f, 1.0, 10_000.0),
            ControlPlaneChange::WatchCacheLag(s) => within("watch cache lag", s, 0.0, 600.0),
            ControlPlaneChange::ClientQps(qps) => within("client QPS", qps, 0.01, 1_000_000.0),
            ControlPlaneChange::ReadSpeed(kib_s) => {
                within("read speed", kib_s as f64, 1.0, 1_000_000.0)
            }
            ControlPlaneChange::RestartStorm(f) => within("restart fraction", f, 0.0, 1.0),
            ControlPlaneChange::SourceRate { rate, .. } => within("source rate", rate, 0.0, 1e6),
            _ => Ok(()),
        }
    }
}

impl ControlPlaneSpec {
    /// Makes `change` on the spec: what a run's spec becomes when the
    /// change applies to it (a fault changes the running model, not its
    /// spec). Returns whether the spec changed.
    pub fn apply(&mut self, change: ControlPlaneChange) -> bool {
        fn set<T: PartialEq>(slot: &mut T, value: T) -> bool {
            let changed = *slot != value;
            *slot = value;
            changed
        }
        use ControlPlaneChange as C;
        match change {
            C::Nodes(n) => set(&mut self.workload.nodes, n),
            C::MaxRequestsInflight(n) => set(&mut self.max_requests_inflight, n),
            C::MaxMutatingRequestsInflight(n) => set(&mut self.max_mutating_requests_inflight, n),
            C::WebhookConcurrency(n) => set(&mut self.webhook_concurrency, n),
            C::WebhookLatency(mean) => {
                let mut changed = false;
                for hook in &mut self.webhooks {
                    let latency = hook.latency.with_mean(mean);
                    changed |= set(&mut hook.latency, latency);
                }
                changed
            }
            C::WebhookTimeout(timeout) => {
                let mut changed = false;
                for hook in &mut self.webhooks {
                    changed |= set(&mut hook.timeout, timeout);
                }
                changed
            }
            C::EtcdConnections(n) => set(&mut self.etcd_client.pool_connections, n),
            C::FsyncLatency(mean) => {
                let fsync = self.etcd.fsync.with_mean(mean);
                set(&mut self.etcd.fsync, fsync)
            }
            C::Namespaces(n) => set(&mut self.workload.namespaces, n),
            C::FlowControl(kind) => set(&mut self.flow_control, kind),
            C::WebhookHandling(handling) => set(&mut self.webhook_handling, handling),
            C::CacheLocking(locking) => set(&mut self.cache_locking, locking),
            C::EtcdClient(kind) => set(&mut self.etcd_client.kind, kind),
            C::Discovery(discovery) => set(&mut self.discovery, discovery),
            C::ConsistentListFromCache(on) => set(&mut self.consistent_list_from_cache, on),
            C::SeatBorrowing(on) => set(&mut self.seat_borrowing, on),
            C::ApiServerCores(n) => set(&mut self.api_server_cores, n),
            C::ApiServers(n) => set(&mut self.api_servers, n),
            C::GoawayChance(p) => set(&mut self.goaway_chance, p),
            C::ApiServerMemory(gib) => set(&mut self.api_server_memory_gib, gib),
            C::UserQps(qps) => set(&mut self.workload.user_qps, qps),
            C::CacheTimeout(timeout) => set(&mut self.cache_timeout, timeout),
            C::ClientLimits(on) => set(&mut self.client_limits.enabled, on),
            C::ClientQps(qps) => set(&mut self.client_limits.qps, qps),
            C::ReadSpeed(kib_s) => {
                // Every slow reader, not only the first that changes.
                let mut changed = false;
                for read in self.workload.sources.iter_mut() {
                    if let Some(read) = read.read_kib_s.as_mut() {
                        changed |= set(read, kib_s);
                    }
                }
                changed
            }
            C::SourceRate { index, rate } => self
                .workload
                .sources
                .get_mut(index as usize)
                .is_some_and(|source| set(&mut source.rate, rate)),
            C::SlowWebhook(_)
            | C::FsyncSpike(_)
            | C::LeaderElection
            | C::RestartStorm(_)
            | C::RestartApiServer(_)
            | C::WatchCacheLag(_) => false,
        }
    }
}

/// A one-shot change is written `true` (it happens when its entry applies).
fn now<S: serde::Serializer>(serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_bool(true)
}

fn only_now<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<(), D::Error> {
    if bool::deserialize(deserializer)? {
        Ok(())
    } else {
        Err(serde::de::Error::custom(
            "must be true: the fault happens when its entry applies",
        ))
    }
}
