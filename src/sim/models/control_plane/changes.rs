//! Changes to a running control plane: every slider, switch and fault.
//!
//! A change applies at the current simulated time and loses nothing in
//! flight. Limits apply to new dispatches. After a switch of mechanism, new
//! requests use the new one while the previous one drains what it holds
//! (its queued requests still run, its seats are still returned to it).

use super::model::{ControlPlane, CpEvent, hook_samplers, new_flow_control};
use super::spec::{Discovery, WebhookHandling};
use crate::sim::engine::calendar::Calendar;
use crate::sim::engine::random::SimRng;
use crate::sim::engine::time::Nanos;
use crate::sim::models::etcd::client::{EtcdClient, EtcdClientKind};
use crate::sim::models::flow_control::FlowControlKind;
use crate::sim::models::request::Resource;
use crate::sim::models::watch_cache::CacheLocking;

/// One change; values are checked by [`ControlPlaneChange::check`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ControlPlaneChange {
    /// worker nodes (the workload's rates follow)
    Nodes(u32),
    /// `--max-requests-inflight`, `--max-mutating-requests-inflight`
    InflightLimits {
        read_only: u32,
        mutating: u32,
    },
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
    /// fault: the etcd leader is lost now
    LeaderElection,
    /// fault: this fraction of discovery clients restarts now
    RestartStorm(f64),
    /// the rate of the workload's extra source number `index` [requests/s]
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
            ControlPlaneChange::InflightLimits {
                read_only,
                mutating,
            } => {
                within("max-requests-inflight", read_only as f64, 1.0, 100_000.0)?;
                within(
                    "max-mutating-requests-inflight",
                    mutating as f64,
                    0.0,
                    100_000.0,
                )
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
            ControlPlaneChange::SlowWebhook(f) if f == f64::INFINITY => Ok(()),
            ControlPlaneChange::SlowWebhook(f) => within("webhook slowdown", f, 1.0, 10_000.0),
            ControlPlaneChange::FsyncSpike(f) => within("fsync spike", f, 1.0, 10_000.0),
            ControlPlaneChange::RestartStorm(f) => within("restart fraction", f, 0.0, 1.0),
            ControlPlaneChange::SourceRate { rate, .. } => within("source rate", rate, 0.0, 1e6),
            _ => Ok(()),
        }
    }
}

impl ControlPlane {
    /// Applies a checked change at `now`.
    pub fn reconfigure(
        &mut self,
        now: Nanos,
        change: ControlPlaneChange,
        calendar: &mut Calendar<CpEvent>,
        rng: &mut SimRng,
    ) {
        let mut started = Vec::new();
        match change {
            ControlPlaneChange::Nodes(nodes) => {
                self.spec.workload.nodes = nodes;
                self.schedule_sources(now, calendar, rng);
            }
            ControlPlaneChange::Namespaces(namespaces) => {
                self.spec.workload.namespaces = namespaces;
                self.schedule_sources(now, calendar, rng);
                if self.spec.cache_locking == CacheLocking::NamespaceShards {
                    self.rebuild_locks();
                }
            }
            ControlPlaneChange::InflightLimits {
                read_only,
                mutating,
            } => {
                self.spec.max_requests_inflight = read_only;
                self.spec.max_mutating_requests_inflight = mutating;
                self.flow_control
                    .set_inflight_limits(now, read_only, mutating, &mut started);
            }
            ControlPlaneChange::WebhookConcurrency(n) => self.spec.webhook_concurrency = n,
            ControlPlaneChange::WebhookLatency(mean) => {
                for hook in &mut self.spec.webhooks {
                    hook.latency = hook.latency.with_mean(mean);
                }
                self.hooks = hook_samplers(&self.spec);
            }
            ControlPlaneChange::WebhookTimeout(timeout) => {
                for hook in &mut self.spec.webhooks {
                    hook.timeout = timeout;
                }
                self.hooks = hook_samplers(&self.spec);
            }
            ControlPlaneChange::EtcdConnections(n) => {
                self.spec.etcd_client.pool_connections = n;
                if self.spec.etcd_client.kind == EtcdClientKind::Pool {
                    self.replace_client(now, calendar, rng);
                }
            }
            ControlPlaneChange::FsyncLatency(mean) => {
                self.spec.etcd.fsync = self.spec.etcd.fsync.with_mean(mean);
                self.etcd.set_fsync_law(&self.spec.etcd.fsync);
            }
            ControlPlaneChange::FlowControl(kind) => {
                if kind != self.spec.flow_control {
                    self.spec.flow_control = kind;
                    let fresh = new_flow_control(&self.spec, kind);
                    self.retired_flow_control =
                        Some(std::mem::replace(&mut self.flow_control, fresh));
                }
            }
            ControlPlaneChange::WebhookHandling(handling) => self.spec.webhook_handling = handling,
            ControlPlaneChange::CacheLocking(locking) => {
                if locking != self.spec.cache_locking {
                    self.spec.cache_locking = locking;
                    self.rebuild_locks();
                }
            }
            ControlPlaneChange::EtcdClient(kind) => {
                if kind != self.spec.etcd_client.kind {
                    self.spec.etcd_client.kind = kind;
                    self.replace_client(now, calendar, rng);
                }
            }
            ControlPlaneChange::Discovery(discovery) => self.spec.discovery = discovery,
            ControlPlaneChange::ConsistentListFromCache(on) => {
                self.spec.consistent_list_from_cache = on
            }
            ControlPlaneChange::SlowWebhook(factor) => self.webhook_slowdown = factor,
            ControlPlaneChange::FsyncSpike(factor) => self.etcd.set_fsync_factor(factor),
            ControlPlaneChange::LeaderElection => self.etcd.start_election(now, calendar),
            ControlPlaneChange::RestartStorm(fraction) => {
                self.restart_storm(now, fraction, calendar, rng)
            }
            ControlPlaneChange::SourceRate { index, rate } => {
                // A source that does not exist is no change.
                if let Some(source) = self.spec.workload.sources.get_mut(index as usize) {
                    source.rate = rate;
                    self.schedule_sources(now, calendar, rng);
                }
            }
        }
        self.begin_all(now, &mut started, calendar);
    }

    /// A new etcd client for new calls; the old one finishes its calls.
    fn replace_client(&mut self, now: Nanos, calendar: &mut Calendar<CpEvent>, rng: &mut SimRng) {
        let fresh = EtcdClient::new(&self.spec.etcd_client, Resource::ALL.len());
        let retired = std::mem::replace(&mut self.client, fresh);
        let dropped = self.retired_client.replace(retired);
        self.client_generation = self.client_generation.wrapping_add(1);
        // The client retired before is dropped now: its waiting calls move
        // on (they stayed in flight forever before).
        if let Some(mut dropped) = dropped {
            self.resend_waiting(&mut dropped, now, calendar, rng);
        }
    }
}
