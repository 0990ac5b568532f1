//! Changes to the running model, stage by stage.
//!
//! A change applies at the current simulated time and loses nothing in
//! flight. Limits apply to new dispatches. After a switch of mechanism, new
//! requests use the new one while the previous one drains what it holds
//! (its queued requests still run, its seats are still returned to it).

use super::discovery::restart_storm;
use super::{ControlPlane, CpEvent};
use crate::sim::engine::context::Cx;
use crate::sim::models::control_plane::changes::ControlPlaneChange;
use crate::sim::models::etcd::client::EtcdClientKind;
use crate::sim::models::watch_cache::CacheLocking;

impl ControlPlane {
    /// Applies a checked change at `cx.now`.
    pub fn reconfigure(&mut self, cx: &mut Cx<CpEvent>, change: ControlPlaneChange) {
        let mut started = Vec::new();
        let spec = &mut self.spec;
        match change {
            ControlPlaneChange::Nodes(nodes) => {
                spec.workload.nodes = nodes;
                self.schedule_sources(cx);
            }
            ControlPlaneChange::Namespaces(namespaces) => {
                spec.workload.namespaces = namespaces;
                self.schedule_sources(cx);
                if self.spec.cache_locking == CacheLocking::NamespaceShards {
                    self.server.cache.lay_out(&self.spec);
                }
            }
            ControlPlaneChange::InflightLimits {
                read_only,
                mutating,
            } => {
                spec.max_requests_inflight = read_only;
                spec.max_mutating_requests_inflight = mutating;
                self.server
                    .flow
                    .set_inflight_limits(cx.now, read_only, mutating, &mut started);
            }
            ControlPlaneChange::WebhookConcurrency(n) => spec.webhook_concurrency = n,
            ControlPlaneChange::WebhookLatency(mean) => {
                for hook in &mut spec.webhooks {
                    hook.latency = hook.latency.with_mean(mean);
                }
                self.server.admission.set_webhooks(spec);
            }
            ControlPlaneChange::WebhookTimeout(timeout) => {
                for hook in &mut spec.webhooks {
                    hook.timeout = timeout;
                }
                self.server.admission.set_webhooks(spec);
            }
            ControlPlaneChange::EtcdConnections(n) => {
                spec.etcd_client.pool_connections = n;
                if spec.etcd_client.kind == EtcdClientKind::Pool {
                    self.server.storage.replace_client(cx, spec);
                }
            }
            ControlPlaneChange::FsyncLatency(mean) => {
                spec.etcd.fsync = spec.etcd.fsync.with_mean(mean);
                self.etcd.set_fsync_law(&spec.etcd.fsync);
            }
            ControlPlaneChange::FlowControl(kind) => {
                if kind != spec.flow_control {
                    spec.flow_control = kind;
                    self.server.flow.switch(spec, kind);
                }
            }
            ControlPlaneChange::WebhookHandling(handling) => spec.webhook_handling = handling,
            ControlPlaneChange::CacheLocking(locking) => {
                if locking != spec.cache_locking {
                    spec.cache_locking = locking;
                    self.server.cache.lay_out(spec);
                }
            }
            ControlPlaneChange::EtcdClient(kind) => {
                if kind != spec.etcd_client.kind {
                    spec.etcd_client.kind = kind;
                    self.server.storage.replace_client(cx, spec);
                }
            }
            ControlPlaneChange::Discovery(discovery) => spec.discovery = discovery,
            ControlPlaneChange::ConsistentListFromCache(on) => spec.consistent_list_from_cache = on,
            ControlPlaneChange::SlowWebhook(factor) => self.server.admission.set_slowdown(factor),
            ControlPlaneChange::FsyncSpike(factor) => self.etcd.set_fsync_factor(factor),
            ControlPlaneChange::LeaderElection => {
                self.etcd.start_election(cx.now, &mut *cx.calendar)
            }
            ControlPlaneChange::RestartStorm(fraction) => restart_storm(cx, fraction, spec),
            ControlPlaneChange::SourceRate { index, rate } => {
                // A source that does not exist is no change.
                if let Some(source) = spec.workload.sources.get_mut(index as usize) {
                    source.rate = rate;
                    self.schedule_sources(cx);
                }
            }
        }
        self.begin_all(cx, &mut started);
    }
}
