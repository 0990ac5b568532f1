//! Clients (re)starting: each discovers the API as client-go does
//! (`discovery/discovery_client.go`, `GroupsAndMaybeResources`): `/api`,
//! then `/apis`, then (legacy discovery only) every group-version at once,
//! each request leaving as the discovery client's rate limiter allows (a
//! burst of 300, then 5 per second).

use super::event::CpEvent;
use super::metrics::{MetricClass, Metrics};
use crate::sim::IdMap;
use crate::sim::engine::context::Cx;
use crate::sim::engine::time::{Nanos, from_secs};
use crate::sim::models::control_plane::spec::{ControlPlaneSpec, Discovery as DiscoveryKind};
use crate::sim::models::control_plane::workload::{
    BUILT_IN_GROUP_VERSIONS, client_send_offset, discovery_requests,
};
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
    /// requests sent so far (their order is the rate limiter's)
    sent: u32,
    /// requests this client makes in all
    total: u32,
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
            sent: 0,
            total: count,
        };
        self.starting.insert(client, starting);
        // `/api` first.
        self.send(cx, client, 1);
    }

    /// Sends `count` more requests of `client`, each when its rate limiter
    /// lets it go.
    fn send(&mut self, cx: &mut Cx<CpEvent>, client: u32, count: u32) {
        let Some(starting) = self.starting.get_mut(&client) else {
            return;
        };
        let since = starting.since;
        for _ in 0..count.min(starting.total - starting.sent) {
            let allowed = since.saturating_add(from_secs(client_send_offset(starting.sent)));
            starting.sent += 1;
            cx.at(allowed.max(cx.now), CpEvent::DiscoverySend { client });
        }
    }

    /// The next discovery request of `client`, which its rate limiter
    /// lets go now.
    pub fn request(&self, client: u32, spec: &ControlPlaneSpec) -> Option<RequestKind> {
        let starting = self.starting.get(&client)?;
        // The two aggregated documents hold every group-version (assumption:
        // half each); a legacy one holds one.
        let objects = if starting.aggregated {
            (BUILT_IN_GROUP_VERSIONS + spec.workload.crds).div_ceil(2)
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
            scanned: objects,
            page: Default::default(),
            read_kib_s: 0,
        })
    }

    /// A discovery request of `client` ended at `cx.now`: after `/api`
    /// comes `/apis`, after `/apis` the group-versions (legacy); with its
    /// last one the client's start-up is measured.
    pub fn answered(&mut self, cx: &mut Cx<CpEvent>, client: u32, metrics: &mut Metrics) {
        let Some(starting) = self.starting.get_mut(&client) else {
            return;
        };
        starting.pending -= 1;
        if starting.pending == 0 {
            let since = starting.since;
            self.starting.remove(&client);
            let measured = metrics.measured(since);
            metrics[MetricClass::Discovery].completed(cx.now, cx.now - since, measured);
            return;
        }
        match starting.sent {
            // `/api` is answered: `/apis`.
            1 => self.send(cx, client, 1),
            // `/apis` is answered: every group-version at once.
            2 => self.send(cx, client, u32::MAX),
            _ => {}
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
