//! Clients (re)starting: each discovers the API, its requests leaving as
//! client-go's rate limiter allows (5 per second after a burst of 10).

use super::event::CpEvent;
use super::metrics::{MetricClass, Metrics};
use crate::sim::IdMap;
use crate::sim::engine::context::Cx;
use crate::sim::engine::time::{Nanos, from_secs};
use crate::sim::models::control_plane::spec::{ControlPlaneSpec, Discovery as DiscoveryKind};
use crate::sim::models::control_plane::workload::{client_send_offset, discovery_requests};
use crate::sim::models::request::{ClientKind, RequestKind, Resource, Verb};

/// A client discovering the API.
#[derive(Debug, Clone, Copy)]
struct Starting {
    /// its discovery requests not yet answered
    pending: u32,
    /// when it started [ns]
    since: Nanos,
    /// aggregated discovery (one document) or legacy (one per group-version)
    aggregated: bool,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Discovery {
    starting: IdMap<u32, Starting>,
}

impl Discovery {
    /// Client `client` (re)starts and asks for the API's documents.
    pub fn start(
        &mut self,
        cx: &mut Cx<CpEvent>,
        client: u32,
        spec: &ControlPlaneSpec,
        metrics: &mut Metrics,
    ) {
        if self.starting.contains_key(&client) {
            return;
        }
        let aggregated = spec.discovery == DiscoveryKind::Aggregated;
        let count = discovery_requests(aggregated, spec.workload.crds);
        let measured = metrics.measured(cx.now);
        metrics[MetricClass::Discovery].arrived(measured);
        let starting = Starting {
            pending: count,
            since: cx.now,
            aggregated,
        };
        self.starting.insert(client, starting);
        for k in 0..count {
            cx.after(
                from_secs(client_send_offset(k)),
                CpEvent::DiscoverySend { client },
            );
        }
    }

    /// The next discovery request of `client`, which its rate limiter
    /// lets go now.
    pub fn request(&self, client: u32, spec: &ControlPlaneSpec) -> Option<RequestKind> {
        let starting = self.starting.get(&client)?;
        // One aggregated document holds every group-version; a legacy one, one.
        let objects = if starting.aggregated {
            20 + spec.workload.crds
        } else {
            1
        };
        Some(RequestKind {
            verb: Verb::Get,
            resource: Resource::Discovery,
            subresource: Default::default(),
            client: ClientKind::Operator,
            namespace: 0,
            user: client,
            objects,
        })
    }

    /// A discovery request of `client` ended at `now` [ns]; with its last
    /// one the client's start-up is measured.
    pub fn answered(&mut self, now: Nanos, client: u32, metrics: &mut Metrics) {
        let Some(starting) = self.starting.get_mut(&client) else {
            return;
        };
        starting.pending -= 1;
        if starting.pending == 0 {
            let since = starting.since;
            self.starting.remove(&client);
            let measured = metrics.measured(since);
            metrics[MetricClass::Discovery].completed(now, now - since, measured);
        }
    }

    /// Clients discovering the API now.
    pub fn clients_starting(&self) -> usize {
        self.starting.len()
    }
}

/// Restarts `fraction` of the discovery clients within the next second.
pub(super) fn restart_storm(cx: &mut Cx<CpEvent>, fraction: f64, spec: &ControlPlaneSpec) {
    let clients =
        (spec.workload.discovery_clients as f64 * fraction.clamp(0.0, 1.0)).round() as u32;
    for client in 0..clients {
        let jitter = cx.rng.below(1_000_000_000);
        cx.at(cx.now + jitter, CpEvent::DiscoveryStart { client });
    }
}
