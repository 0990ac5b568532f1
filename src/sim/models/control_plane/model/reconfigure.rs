//! Changes to the running model, stage by stage.
//!
//! A change applies at the current simulated time and loses nothing in
//! flight. Limits apply to new dispatches. After a switch of mechanism, new
//! requests use the new one while the previous one drains what it holds
//! (its queued requests still run, its seats are still returned to it).
//! Changes made at one instant apply together: the two inflight flags
//! changed at once are one new limit (no dispatch at a limit in between).

use super::discovery::restart_storm;
use super::{ControlPlane, CpEvent};
use crate::sim::engine::context::Cx;
use crate::sim::engine::time::from_secs;
use crate::sim::models::control_plane::changes::ControlPlaneChange;
use crate::sim::models::etcd::client::EtcdClientKind;
use crate::sim::models::watch_cache::CacheLocking;

impl ControlPlane {
    /// Applies checked changes at `cx.now`, in order: the spec takes each,
    /// then each stage it concerns; new inflight flags once, after all.
    pub fn reconfigure(
        &mut self,
        cx: &mut Cx<CpEvent>,
        changes: impl IntoIterator<Item = ControlPlaneChange>,
    ) {
        let mut started = Vec::new();
        let mut limits = false;
        for change in changes {
            limits |= self.apply(cx, change);
        }
        if limits {
            let spec = &self.spec;
            let (read_only, mutating) = (
                spec.max_requests_inflight,
                spec.max_mutating_requests_inflight,
            );
            for server in 0..self.servers.len() {
                self.servers[server].flow.set_inflight_limits(
                    cx.now,
                    read_only,
                    mutating,
                    &mut started,
                );
                self.begin_all(cx, server as u8, &mut started);
            }
        }
    }

    /// Makes one change; whether it changed the inflight flags (which the
    /// flow control takes once the instant's changes are made).
    fn apply(&mut self, cx: &mut Cx<CpEvent>, change: ControlPlaneChange) -> bool {
        use ControlPlaneChange as C;
        let changed = self.spec.apply(change);
        let spec = &self.spec;
        match change {
            C::Nodes(nodes) => {
                self.schedule_sources(cx);
                self.balancer.set_nodes(nodes, &self.serving);
                self.share_watchers();
                // Cores and memory sized by the nodes follow them.
                let cores = self.spec.api_server_cores();
                for server in &mut self.servers {
                    server.cpu.set_cores(cx, cores);
                }
                self.check_all_memory(cx);
            }
            C::ApiServerCores(_) => {
                for server in &mut self.servers {
                    server.cpu.set_cores(cx, spec.api_server_cores());
                }
            }
            C::ApiServerMemory(_) => self.check_all_memory(cx),
            C::ApiServers(count) => {
                if changed {
                    self.set_server_count(cx, count)
                }
            }
            C::RestartApiServer(0) => {
                if let Some(next) = self.next_to_restart() {
                    self.restart_server(cx, next)
                }
            }
            C::RestartApiServer(number) => self.restart_server(cx, number - 1),
            C::UserQps(_) => self.schedule_sources(cx),
            C::Namespaces(_) => {
                self.schedule_sources(cx);
                if self.spec.cache_locking == CacheLocking::NamespaceShards {
                    for server in &mut self.servers {
                        server.cache.lay_out(cx.now, &self.spec);
                    }
                }
            }
            C::MaxRequestsInflight(_) | C::MaxMutatingRequestsInflight(_) => return true,
            C::WebhookLatency(_) | C::WebhookTimeout(_) => {
                for server in &mut self.servers {
                    server.admission.set_webhooks(spec);
                }
            }
            C::EtcdConnections(_) => {
                if spec.etcd_client.kind == EtcdClientKind::Pool {
                    for server in &mut self.servers {
                        server.storage.replace_client(cx, spec);
                    }
                }
            }
            C::FsyncLatency(_) => self.etcd.set_fsync_law(&spec.etcd.fsync),
            C::FlowControl(kind) => {
                if changed {
                    for server in &mut self.servers {
                        server.flow.switch(cx.now, spec, kind);
                    }
                }
            }
            C::CacheLocking(_) => {
                if changed {
                    for server in &mut self.servers {
                        server.cache.lay_out(cx.now, spec);
                    }
                }
            }
            C::EtcdClient(_) => {
                if changed {
                    for server in &mut self.servers {
                        server.storage.replace_client(cx, spec);
                    }
                }
            }
            C::SeatBorrowing(on) => {
                if changed {
                    let mut started = std::mem::take(&mut self.started);
                    for server in 0..self.servers.len() {
                        self.servers[server]
                            .flow
                            .set_borrowing(cx.now, on, &mut started);
                        self.begin_all(cx, server as u8, &mut started);
                    }
                    self.started = started;
                }
            }
            C::SlowWebhook(factor) => {
                self.faults.webhook_slowdown = factor;
                for server in &mut self.servers {
                    server.suffer(self.faults);
                }
            }
            C::WatchCacheLag(seconds) => {
                self.faults.cache_lag = from_secs(seconds);
                for server in &mut self.servers {
                    server.suffer(self.faults);
                }
            }
            C::FsyncSpike(factor) => self.etcd.set_fsync_factor(factor),
            C::LeaderElection => self.etcd.start_election(cx.now, &mut *cx.calendar),
            C::RestartStorm(fraction) => restart_storm(cx, fraction, spec),
            C::SourceRate { index, .. } => {
                // A source that does not exist is no change.
                if (index as usize) < spec.workload.sources.len() {
                    self.schedule_sources(cx);
                }
            }
            C::WebhookConcurrency(_) | C::WebhookHandling(_) => {
                for server in &mut self.servers {
                    server.admission.note_slots(cx.now, spec);
                }
            }
            C::ClientLimits(_) | C::ClientQps(_) => {
                self.clients.retune(cx.now, &spec.client_limits);
            }
            C::GoawayChance(_)
            | C::Discovery(_)
            | C::ConsistentListFromCache(_)
            | C::CacheTimeout(_)
            | C::ReadSpeed(_) => {}
        }
        false
    }
}
