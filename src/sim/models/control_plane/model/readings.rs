//! What the readouts and `cplab run --json` read off the API servers: the
//! flow control's limits summed over the servers, and each server's
//! summary.

use super::{ControlPlane, Phase, ResourceId, server_name};
use crate::sim::engine::time::Nanos;
use crate::sim::models::control_plane::spec::GIB;
use crate::sim::models::flow_control::LimitSnapshot;

impl ControlPlane {
    /// The flow control's limits now, every serving API server's together
    /// (for drawing and readouts).
    pub fn limits(&self) -> Vec<LimitSnapshot> {
        let mut limits: Vec<LimitSnapshot> = Vec::new();
        for server in self.servers.iter().filter(|s| s.phase != Phase::Stopped) {
            let theirs = server.flow.snapshot();
            if limits.is_empty() {
                limits = theirs;
                continue;
            }
            for (sum, one) in limits.iter_mut().zip(theirs) {
                sum.nominal += one.nominal;
                sum.seats += one.seats;
                sum.in_use += one.in_use;
                sum.waiting += one.waiting;
            }
        }
        limits
    }

    /// Each etcd member's cores busy over the measured part of the run so
    /// far. The model runs the cluster's reads and apply loop once, on the
    /// leader; every member applies every write, so a follower's apply
    /// loop is as busy as the leader's.
    pub fn etcd_members(&self, now: Nanos) -> Vec<crate::sim::EtcdMemberSummary> {
        let start = match self.loads_at_warmup {
            Some(_) => self.metrics.warmup(),
            None => 0,
        };
        let seconds = now.saturating_sub(start) as f64 / 1e9;
        let since_warmup = |resource: ResourceId, reading: f64| {
            let then = self
                .loads_at_warmup
                .as_ref()
                .and_then(|l| l.iter().find(|l| l.resource.same(&resource)))
                .map_or(0.0, |l| l.reading.used);
            match seconds > 0.0 {
                true => (reading - then) / seconds,
                false => 0.0,
            }
        };
        let reads = since_warmup(ResourceId::EtcdCores, self.etcd.cores_reading(now).used);
        let apply = since_warmup(ResourceId::EtcdApply, self.etcd.apply_reading(now).used);
        (0..self.spec.etcd.members)
            .map(|member| crate::sim::EtcdMemberSummary {
                name: format!("etcd-{}", member + 1),
                role: if member == 0 { "leader" } else { "follower" }.to_owned(),
                cpu_mean: if member == 0 { reads + apply } else { apply },
            })
            .collect()
    }

    /// Each API server's resources over the run so far.
    pub fn api_servers(&self, now: Nanos) -> Vec<crate::sim::ApiServerSummary> {
        let cores = self.spec.api_server_cores();
        let start = match self.loads_at_warmup {
            Some(_) => self.metrics.warmup(),
            None => 0,
        };
        let seconds = now.saturating_sub(start) as f64 / 1e9;
        let connections = self.balancer.connections(self.servers.len());
        self.servers
            .iter()
            .enumerate()
            .map(|(i, server)| {
                let levels = server
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
                // Measured from the warm-up's end.
                let then = self
                    .loads_at_warmup
                    .as_ref()
                    .and_then(|l| {
                        let cpu = ResourceId::ApiServerCpu(self.on(i));
                        l.iter().find(|l| l.resource.same(&cpu))
                    })
                    .map_or(Default::default(), |l| l.reading);
                let used = server.cpu.reading(now).used - then.used;
                crate::sim::ApiServerSummary {
                    name: server_name(i),
                    phase: server.phase.name().to_string(),
                    connections: connections[i],
                    restarts: server.restarts,
                    cores: cores.is_finite().then_some(cores),
                    cpu_mean: match seconds > 0.0 {
                        true => used / seconds,
                        false => 0.0,
                    },
                    cpu_p99: server.cpu_seconds.quantile(0.99),
                    memory_limit_gib: self.spec.memory_limit_gib(),
                    peak_memory_gib: server.memory.peak() / GIB,
                    oom_kills: server.memory.kills,
                    levels,
                }
            })
            .collect()
    }
}
