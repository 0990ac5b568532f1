//! Changes to a running control plane: every slider, switch and fault.
//!
//! A change applies at the current simulated time and loses nothing in
//! flight (the model applies it: `ControlPlane::reconfigure`).

use super::spec::{Discovery, WebhookHandling};
use crate::sim::models::etcd::client::EtcdClientKind;
use crate::sim::models::flow_control::FlowControlKind;
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
